// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The outputs: the events file (created 0600 and appended to; a symlink
 * planted where it goes, or a file another user owns, is refused with an
 * error naming it; reopened when rotated), syslog over UDP and TCP read back
 * by a strict RFC 5424 reader, journald's fields, and the policy's outputs.
 * Needs root for the file owned by another user (as `make test` runs); the
 * syslog tests run in a network namespace of their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sched.h>
#include <syslog.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "../lib/check.h"
#include "../lib/syslog5424.h"
#include "event_sink.h"
#include "event_sink_journald.h"
#include "policy.h"

static char dir[] = "/tmp/exfilguard-sink-XXXXXX";

/* A path in the test directory (two rotating buffers: two paths may be used at once). */
static const char *in_dir(const char *name)
{
	static char paths[2][256];
	static unsigned next;
	char *path = paths[next++ % 2];

	snprintf(path, sizeof(paths[0]), "%s/%s", dir, name);
	return path;
}

/* A record whose line (and text) is line. */
static struct eg_sink_record line_record(const char *line)
{
	return (struct eg_sink_record){.line = line,
				       .len = strlen(line),
				       .text = line,
				       .text_len = strlen(line),
				       .msgid = "verdict",
				       .severity = LOG_WARNING};
}

/* Add one sink for target, emit each line, wait until written, close. */
static int write_lines(const char *target, const char *const *lines, size_t n)
{
	struct eg_sinks sinks = {0};
	struct eg_error err = {0};
	int rc = 0;

	if (eg_sinks_add(&sinks, target, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct eg_sink_record rec = line_record(lines[i]);

		rc |= eg_sinks_emit(&sinks, &rec);
	}
	rc |= eg_sinks_flush(&sinks, 2000);
	eg_sinks_close(&sinks, 0);
	return rc || eg_sinks_dropped(&sinks) ? -1 : 0;
}

static void read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

static void test_fresh_file_is_0600_and_appended(void)
{
	static const char *const one[] = {"one\n"}, *const two[] = {"two\n"};
	struct stat st;
	char buf[64] = "";
	mode_t old = umask(0); /* the mode must not depend on a lax umask */
	int rc = write_lines(in_dir("fresh.events"), one, 1);

	umask(old);
	ASSERT_EQ(rc, 0, "a line written");
	ASSERT_EQ(stat(in_dir("fresh.events"), &st), 0, "created");
	ASSERT_EQ(st.st_mode & 07777, 0600, "mode 0600");
	ASSERT_EQ(write_lines(in_dir("fresh.events"), two, 1), 0, "reopened, another line");
	read_text(in_dir("fresh.events"), buf, sizeof(buf));
	ASSERT_STREQ(buf, "one\ntwo\n", "appended, not truncated");
}

/* Emit one line through sinks and wait for it. */
static int put(struct eg_sinks *sinks, const char *line)
{
	struct eg_sink_record rec = line_record(line);

	return eg_sinks_emit(sinks, &rec) || eg_sinks_flush(sinks, 2000) ? -1 : 0;
}

/* logrotate renames (or removes) the file: the next line goes to a new file at the path. */
static void test_rotated_file_reopened(void)
{
	struct eg_sinks sinks = {0};
	struct eg_error err = {0};
	char target[300], buf[64];

	snprintf(target, sizeof(target), "file:%s", in_dir("rot.events"));
	ASSERT_EQ(eg_sinks_add(&sinks, target, &err), 0, err.msg);
	ASSERT_EQ(put(&sinks, "one\n"), 0, "first line");
	ASSERT_EQ(rename(in_dir("rot.events"), in_dir("rot.events.1")), 0, "rotated away");
	ASSERT_EQ(put(&sinks, "two\n"), 0, "second line");
	read_text(in_dir("rot.events"), buf, sizeof(buf));
	ASSERT_STREQ(buf, "two\n", "the rename was noticed: a new file at the path");
	unlink(in_dir("rot.events"));
	ASSERT_EQ(put(&sinks, "three\n"), 0, "third line, after the new file was removed");
	eg_sinks_reopen(&sinks); /* SIGUSR1: the same file, reopened */
	ASSERT_EQ(put(&sinks, "four\n"), 0, "fourth line");
	eg_sinks_close(&sinks, 0);
	read_text(in_dir("rot.events.1"), buf, sizeof(buf));
	ASSERT_STREQ(buf, "one\n", "the rotated file kept what was written before");
	read_text(in_dir("rot.events"), buf, sizeof(buf));
	ASSERT_STREQ(buf, "three\nfour\n", "a new file at the path took the rest");
	ASSERT_EQ(eg_sinks_dropped(&sinks), 0, "nothing dropped");
	unlink(in_dir("rot.events"));
	unlink(in_dir("rot.events.1"));
}

static void test_planted_symlink_refused(void)
{
	struct eg_error err = {0};
	struct stat st;
	int fd;

	ASSERT_EQ(symlink(in_dir("victim"), in_dir("planted.events")), 0, "symlink planted");
	fd = eg_sink_file_open(in_dir("planted.events"), &err);
	ASSERT_EQ(fd, -1, "refused");
	ASSERT_CONTAINS(err.msg, in_dir("planted.events"), "the error names the path");
	ASSERT_CONTAINS(err.msg, "symbolic link", "and says why");
	ASSERT_TRUE(lstat(in_dir("victim"), &st) && errno == ENOENT,
		    "nothing created at the link's target");
}

static void test_foreign_file_refused(void)
{
	struct eg_error err = {0};
	struct eg_sinks sinks = {0};
	int fd = open(in_dir("foreign.events"), O_WRONLY | O_CREAT | O_EXCL, 0666);

	ASSERT_TRUE(fd >= 0, "file made");
	close(fd);
	ASSERT_EQ(chown(in_dir("foreign.events"), 65534, 65534), 0, "given to nobody (needs root)");
	ASSERT_EQ(eg_sinks_add(&sinks, in_dir("foreign.events"), &err), -1, "refused");
	ASSERT_CONTAINS(err.msg, in_dir("foreign.events"), "the error names the path");
	ASSERT_CONTAINS(err.msg, "owned by uid 65534", "and whose it is");
}

static void test_root_owned_file_taken(void)
{
	struct eg_error err = {0};
	int fd = open(in_dir("root.events"), O_WRONLY | O_CREAT | O_EXCL, 0640);

	ASSERT_TRUE(fd >= 0, "file made");
	close(fd);
	fd = eg_sink_file_open(in_dir("root.events"), &err);
	ASSERT_TRUE(fd >= 0, err.msg);
	close(fd);
	ASSERT_EQ(eg_sink_file_open(NULL, &err), STDOUT_FILENO, "no path: standard output");
}

/* Fields with every character RFC 5424 wants escaped, and a name journald must upper-case. */
static const struct eg_sink_field fields[] = {
	{"verdict", "deny"},
	{"daddr", "198.51.100.7"},
	{"comm", "a\"b]c\\d"},
	{"as_org", "Example Net"},
};

static struct eg_sink_record event_record(void)
{
	static const char text[] = "2024-05-01T10:00:00.123456789Z deny connect4 tcp x\n";
	struct eg_sink_record rec = line_record("{}\n");

	rec.text = text;
	rec.text_len = strlen(text);
	rec.time = "2024-05-01T10:00:00.123456789Z";
	rec.fields = fields;
	rec.n_fields = sizeof(fields) / sizeof(fields[0]);
	return rec;
}

static void check_syslog_message(const char *buf, size_t len)
{
	struct syslog_msg m;

	ASSERT_EQ(syslog5424_parse(buf, len, &m), 0, "a well-formed RFC 5424 message");
	ASSERT_EQ(m.pri, LOG_DAEMON | LOG_WARNING, "facility daemon, severity warning");
	ASSERT_STREQ(m.timestamp, "2024-05-01T10:00:00.123456Z", "time cut to 6 digits");
	ASSERT_STREQ(m.app, "exfilguard", "APP-NAME");
	ASSERT_STREQ(m.msgid, "verdict", "MSGID");
	ASSERT_STREQ(m.sd_id, "exfilguard@32473", "SD-ID");
	ASSERT_EQ(m.n_params, 4, "one parameter a field");
	ASSERT_STREQ(syslog5424_param(&m, "verdict"), "deny", "verdict");
	ASSERT_STREQ(syslog5424_param(&m, "daddr"), "198.51.100.7", "daddr");
	ASSERT_STREQ(syslog5424_param(&m, "comm"), "a\"b]c\\d", "escapes undone to the original");
	ASSERT_STREQ(m.msg, "2024-05-01T10:00:00.123456789Z deny connect4 tcp x",
		     "MSG: the text line");
}

/* A sink for target ("syslog:udp://127.0.0.1:PORT"), one record through it. */
static void emit_to(const char *target, const struct eg_sink_record *rec)
{
	struct eg_sinks sinks = {0};
	struct eg_error err = {0};

	ASSERT_EQ(eg_sinks_add(&sinks, target, &err), 0, err.msg);
	ASSERT_EQ(eg_sinks_emit(&sinks, rec), 0, "queued");
	ASSERT_EQ(eg_sinks_flush(&sinks, 2000), 0, "sent");
	eg_sinks_close(&sinks, 0);
	ASSERT_EQ(eg_sinks_dropped(&sinks), 0, "nothing dropped");
}

/* A socket on 127.0.0.1 (in this test's own network namespace), its port in *port. */
static int loopback_socket(int type, int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) || (type == SOCK_STREAM && listen(fd, 1)))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_syslog_udp(void)
{
	struct eg_sink_record rec = event_record();
	char target[64], buf[4096];
	int port, fd = loopback_socket(SOCK_DGRAM, &port);
	ssize_t n;

	ASSERT_TRUE(fd >= 0, "UDP receiver");
	snprintf(target, sizeof(target), "syslog:udp://127.0.0.1:%d", port);
	emit_to(target, &rec);
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	close(fd);
	ASSERT_GE(n, 1, "one datagram received");
	check_syslog_message(buf, (size_t)n);
}

/* Over TCP, each message is framed "LENGTH SP MESSAGE" (RFC 6587). */
static void test_syslog_tcp_framed(void)
{
	struct eg_sink_record rec = event_record();
	char target[64], buf[4096];
	int port, lfd = loopback_socket(SOCK_STREAM, &port), fd, used = 0;
	size_t len = 0;
	ssize_t n;

	ASSERT_TRUE(lfd >= 0, "TCP receiver");
	snprintf(target, sizeof(target), "syslog:tcp://127.0.0.1:%d", port);
	emit_to(target, &rec);
	fd = accept(lfd, NULL, NULL);
	close(lfd);
	ASSERT_TRUE(fd >= 0, "connection accepted");
	while ((n = recv(fd, buf + len, sizeof(buf) - 1 - len, MSG_DONTWAIT)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	ASSERT_EQ(sscanf(buf, "%zu %n", &len, &used), 1, "a length first");
	ASSERT_EQ(strlen(buf + used), len, "the length is the message's");
	check_syslog_message(buf + used, len);
}

static void test_output_targets_refused(void)
{
	struct eg_sinks sinks = {0};
	struct eg_error err = {0};

	ASSERT_EQ(eg_sinks_add(&sinks, "syslog:ftp://x:1", &err), -1, "unknown transport");
	ASSERT_CONTAINS(err.msg, "expected udp://HOST:PORT", "says what is expected");
	ASSERT_EQ(eg_sinks_add(&sinks, "syslog:udp://127.0.0.1", &err), -1, "no port");
	ASSERT_CONTAINS(err.msg, "HOST:PORT", "says what is expected");
	ASSERT_EQ(eg_sinks_add(&sinks, "file", &err), -1, "file without a path");
	ASSERT_CONTAINS(err.msg, "file:PATH", "says how");
	ASSERT_EQ(eg_sinks_add(&sinks, "syslog:unix:/nonexistent/log", &err), -1, "no receiver");
	ASSERT_CONTAINS(err.msg, "/nonexistent/log", "names it");
	ASSERT_EQ(sinks.n, 0, "nothing left open");
}

/* The journal entry's fields, as sd_journal_sendv() gets them. */
static void test_journald_fields(void)
{
	struct eg_sink_record rec = event_record();
	const char *want[] = {
		"MESSAGE=2024-05-01T10:00:00.123456789Z deny connect4 tcp x",
		"PRIORITY=4",
		"SYSLOG_IDENTIFIER=exfilguard",
		"EXFILGUARD_EVENT=verdict",
		"EXFILGUARD_VERDICT=deny",
		"EXFILGUARD_DADDR=198.51.100.7",
		"EXFILGUARD_COMM=a\"b]c\\d",
		"EXFILGUARD_AS_ORG=Example Net",
	};
	size_t len, at = 0, i;
	char *buf = eg_journald_fields(&rec, &len);

	ASSERT_TRUE(buf, "fields made");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ASSERT_TRUE(at < len, "as many fields as expected");
		ASSERT_STREQ(buf + at, want[i], "field in order");
		at += strlen(buf + at) + 1;
	}
	ASSERT_EQ(at, len, "and no more");
	free(buf);
}

static void test_policy_outputs(void)
{
	static const char text[] = "outputs:\n"
				   "  - type: journald\n"
				   "  - {type: syslog, target: udp://127.0.0.1:514}\n"
				   "  - {type: file, path: /var/log/eg.json}\n"
				   "  - type: syslog\n";
	static const char wrong[] = "outputs:\n  - {type: journald, path: /x}\n";
	struct eg_policy p;
	struct eg_error err = {0};

	ASSERT_EQ(eg_policy_parse(text, strlen(text), "o.yaml", &p, &err), 0, err.msg);
	ASSERT_EQ(p.outputs.n, 4, "four outputs");
	ASSERT_STREQ(p.outputs.targets[0], "journald", "journald");
	ASSERT_STREQ(p.outputs.targets[1], "syslog:udp://127.0.0.1:514", "syslog over UDP");
	ASSERT_STREQ(p.outputs.targets[2], "file:/var/log/eg.json", "a file");
	ASSERT_STREQ(p.outputs.targets[3], "syslog", "syslog to /dev/log");
	eg_policy_free(&p);
	ASSERT_EQ(eg_policy_parse(wrong, strlen(wrong), "o.yaml", &p, &err), -1, "refused");
	ASSERT_CONTAINS(err.msg, "o.yaml:2:", "where");
	ASSERT_CONTAINS(err.msg, "type journald takes no \"path\"", "and what is wrong");
}

/* A network namespace of our own with loopback up: the syslog tests send nowhere else. */
static int private_loopback(void)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	int fd, rc;

	if (unshare(CLONE_NEWNET) && unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ifr.ifr_flags = IFF_UP;
	rc = fd < 0 ? -1 : ioctl(fd, SIOCSIFFLAGS, &ifr);
	if (rc)
		perror("bringing lo up");
	if (fd >= 0)
		close(fd);
	return rc;
}

int main(void)
{
	if (private_loopback())
		return 1;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN_TEST(test_fresh_file_is_0600_and_appended);
	RUN_TEST(test_planted_symlink_refused);
	RUN_TEST(test_foreign_file_refused);
	RUN_TEST(test_root_owned_file_taken);
	RUN_TEST(test_rotated_file_reopened);
	RUN_TEST(test_syslog_udp);
	RUN_TEST(test_syslog_tcp_framed);
	RUN_TEST(test_output_targets_refused);
	RUN_TEST(test_journald_fields);
	RUN_TEST(test_policy_outputs);
	unlink(in_dir("fresh.events"));
	unlink(in_dir("planted.events"));
	unlink(in_dir("foreign.events"));
	unlink(in_dir("root.events"));
	rmdir(dir);
	return check_summary();
}
