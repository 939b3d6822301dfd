// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include "client.h"
#include "evlog.h"
#include "guard.h"
#include "netns.h"
#include "pins.h"
#include "testcg.h"
#include "testenv.h"
#include "testhost.h"
#include "workload.h"

#define BPFFS_DIR		"/sys/fs/bpf"
#define CONNECTIVITY_TIMEOUT_MS 5000

struct testenv testenv;

static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS};

static void on_fatal_signal(int sig)
{
	testenv_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_cleanup(void)
{
	struct sigaction sa = {.sa_handler = on_fatal_signal};
	size_t i;

	atexit(testenv_cleanup);
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int remove_tree(const char *dir)
{
	char *argv[] = {"rm", "-rf", (char *)dir, NULL};

	return netns_run(argv);
}

static void cleanup_cgroups(void)
{
	const char *home = testenv.cg_home;

	if (!testenv.cg_base[0])
		return;
	testcg_remove(testenv.cg_guarded, home);
	testcg_remove(testenv.cg_outside, home);
	testcg_remove(testenv.cg_base, home);
	testenv.cg_base[0] = '\0';
}

static void cleanup_pins(void)
{
	if (!testenv.pin_dir[0])
		return;
	if (getenv("EXFILGUARD") && guard_detach(testenv.pin_dir) != 0)
		fprintf(stderr, "  cleanup: exfilguard detach %s did not exit 0\n",
			testenv.pin_dir);
	if (guard_remove_pins(testenv.pin_dir))
		fprintf(stderr, "  cleanup: could not remove %s\n", testenv.pin_dir);
}

void testenv_cleanup(void)
{
	static volatile sig_atomic_t done;

	if (getpid() != testenv.owner || done)
		return;
	done = 1;
	workload_kill_all();
	guard_stop_running();
	cleanup_pins();
	testhost_stop();
	cleanup_cgroups();
	if (testenv.tmpdir[0] && !getenv("EXFILGUARD_E2E_KEEP"))
		remove_tree(testenv.tmpdir);
}

/* The guard pins below /sys/fs/bpf: make sure a bpffs is mounted there. */
static int ensure_bpffs(void)
{
	struct statfs st;

	if (statfs(BPFFS_DIR, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS_DIR, "bpf", 0, "mode=0700")) {
		fprintf(stderr, "  mount -t bpf bpf %s: %s\n", BPFFS_DIR, strerror(errno));
		return -1;
	}
	return 0;
}

/* snprintf into a PATH_MAX buffer; -1 (printed) when the path does not fit. */
__attribute__((format(printf, 2, 3))) static int format_path(char out[PATH_MAX], const char *fmt,
							     ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX) {
		fprintf(stderr, "  path too long: %s...\n", out);
		return -1;
	}
	return 0;
}

static int setup_cgroups(void)
{
	struct testenv *e = &testenv;
	int pid = (int)getpid();

	if (testcg_mount(e->cg_mount) || testcg_self(e->cg_mount, e->cg_home))
		return -1;
	if (format_path(e->cg_base, "%s/exfilguard-test-%d", e->cg_mount, pid) ||
	    format_path(e->cg_guarded, "%s/guarded", e->cg_base) ||
	    format_path(e->cg_outside, "%s/outside", e->cg_base) ||
	    format_path(e->guarded_rel, "/exfilguard-test-%d/guarded", pid))
		return -1;
	if (testcg_create(e->cg_base) || testcg_create(e->cg_guarded) ||
	    testcg_create(e->cg_outside))
		return -1;
	return testcg_id(e->cg_guarded, &e->guarded_id);
}

static int setup_dirs(void)
{
	snprintf(testenv.pin_dir, sizeof(testenv.pin_dir), BPFFS_DIR "/exfilguard-test-%d",
		 (int)getpid());
	/* A stale one (an earlier run with the same pid) would make the guard refuse to start. */
	if (guard_remove_pins(testenv.pin_dir))
		return -1;
	snprintf(testenv.tmpdir, sizeof(testenv.tmpdir), "/tmp/exfilguard-e2e-XXXXXX");
	if (!mkdtemp(testenv.tmpdir)) {
		fprintf(stderr, "  mkdtemp: %s\n", strerror(errno));
		testenv.tmpdir[0] = '\0';
		return -1;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Can the client reach addr over TCP, and does the host count it? Retried while links settle. */
static int check_reachable(const char *addr)
{
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET, fd = -1;
	uint64_t before = testhost_count(TESTHOST_TCP_CONNS, addr);
	long long deadline = now_ms() + CONNECTIVITY_TIMEOUT_MS;

	while (fd < 0 && now_ms() < deadline) {
		fd = client_tcp_connect(family, addr, TESTHOST_TCP_PORT);
		if (fd < 0)
			usleep(100 * 1000);
	}
	if (fd < 0) {
		fprintf(stderr, "  test network: cannot connect to %s: %s\n", addr,
			strerror(errno));
		return -1;
	}
	close(fd);
	if (testhost_wait_count(TESTHOST_TCP_CONNS, addr, before + 1, 3000) != before + 1) {
		fprintf(stderr, "  test host: did not count the connection to %s\n", addr);
		return -1;
	}
	return 0;
}

static int check_network(void)
{
	int i;

	for (i = 0; testhost_addrs[i]; i++)
		if (check_reachable(testhost_addrs[i]))
			return -1;
	return 0;
}

int testenv_setup(void)
{
	testenv.owner = getpid();
	install_cleanup();
	if (geteuid() != 0) {
		fprintf(stderr, "  the end-to-end tests need root\n");
		return -1;
	}
	if (!guard_binary() || ensure_bpffs() || setup_cgroups() || setup_dirs())
		return -1;
	if (netns_unshare() || testhost_start() || check_network())
		return -1;
	testenv.ready = 1;
	return 0;
}

void testenv_path(const char *name, char out[PATH_MAX])
{
	format_path(out, "%s/%s", testenv.tmpdir, name);
}

int testenv_write_file(const char *name, const char *text, char out[PATH_MAX])
{
	ssize_t len = (ssize_t)strlen(text);
	int fd, ok;

	testenv_path(name, out);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "  %s: %s\n", out, strerror(errno));
		return -1;
	}
	ok = write(fd, text, (size_t)len) == len;
	close(fd);
	return ok ? 0 : -1;
}

int testenv_read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (!f)
		return -1;
	fclose(f);
	return 0;
}

int testenv_guard_start(struct guard *g, const char *policy, const char *mode, const char *name)
{
	char events[PATH_MAX], log[PATH_MAX], file[NAME_MAX];
	struct guard_config c = {
		.pin_dir = testenv.pin_dir,
		.policy = policy,
		.mode = mode,
		.cgroup = testenv.cg_guarded,
		.events = events,
		.log = log,
	};

	g->pid = 0;
	if (!testenv.ready) {
		fprintf(stderr, "  the test environment is not set up (see the first test)\n");
		return -1;
	}
	snprintf(file, sizeof(file), "%s.events", name);
	testenv_path(file, events);
	snprintf(file, sizeof(file), "%s.log", name);
	testenv_path(file, log);
	return guard_start(g, &c);
}

int testenv_pins_gone(void)
{
	struct stat st;

	return stat(testenv.pin_dir, &st) && errno == ENOENT;
}

void testenv_guard_reset(void)
{
	guard_stop_running();
	if (!testenv_pins_gone()) {
		guard_detach(testenv.pin_dir);
		guard_remove_pins(testenv.pin_dir);
	}
}

int testenv_guard_finish(struct guard *g, int test_failed)
{
	int status;

	if (g->pid <= 0)
		return 0;
	status = guard_stop(g);
	if (test_failed || status != 0) {
		evlog_dump(g->events);
		guard_print_log(g);
	}
	testenv_guard_reset();
	return status;
}

uint64_t testenv_counter(uint32_t slot)
{
	int fd = eg_pinned_map_fd(testenv.pin_dir, EG_STR(EG_MAP_HOT));
	uint64_t v = fd < 0 ? 0 : eg_counter_sum(fd, slot);

	if (fd >= 0)
		close(fd);
	return v;
}
