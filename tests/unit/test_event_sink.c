// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The events file: created 0600 and appended to; a symlink planted where it
 * goes, or a file another user owns, is refused with an error naming it.
 * Needs root for the file owned by another user (as `make test` runs).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../lib/check.h"
#include "event_sink.h"

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

static void test_fresh_file_is_0600_and_appended(void)
{
	struct eg_error err = {0};
	struct eg_sink sink;
	struct stat st;
	char buf[64] = "";
	mode_t old = umask(0); /* the mode must not depend on a lax umask */
	int rc = eg_sink_open(&sink, in_dir("fresh.events"), &err), fd;

	umask(old);
	ASSERT_EQ(rc, 0, err.msg);
	ASSERT_EQ(eg_sink_write(&sink, "one\n", 4, NULL), 0, "a line written");
	ASSERT_EQ(eg_sink_poll_fd(&sink) >= 0, 1, "a file sink has an fd to poll");
	ASSERT_EQ(eg_sink_stalled(&sink), 0, "not stalled");
	eg_sink_close(&sink);
	ASSERT_EQ(stat(in_dir("fresh.events"), &st), 0, "created");
	ASSERT_EQ(st.st_mode & 07777, 0600, "mode 0600");
	ASSERT_EQ(eg_sink_open(&sink, in_dir("fresh.events"), &err), 0, "reopened");
	ASSERT_EQ(eg_sink_write(&sink, "two\n", 4, NULL), 0, "another line");
	eg_sink_close(&sink);
	fd = open(in_dir("fresh.events"), O_RDONLY);
	ASSERT_TRUE(fd >= 0 && read(fd, buf, sizeof(buf) - 1) == 8, "both lines there");
	close(fd);
	ASSERT_STREQ(buf, "one\ntwo\n", "appended, not truncated");
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
	struct eg_sink sink;
	int fd = open(in_dir("foreign.events"), O_WRONLY | O_CREAT | O_EXCL, 0666);

	ASSERT_TRUE(fd >= 0, "file made");
	close(fd);
	ASSERT_EQ(chown(in_dir("foreign.events"), 65534, 65534), 0, "given to nobody (needs root)");
	ASSERT_EQ(eg_sink_open(&sink, in_dir("foreign.events"), &err), -1, "refused");
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

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN_TEST(test_fresh_file_is_0600_and_appended);
	RUN_TEST(test_planted_symlink_refused);
	RUN_TEST(test_foreign_file_refused);
	RUN_TEST(test_root_owned_file_taken);
	unlink(in_dir("fresh.events"));
	unlink(in_dir("planted.events"));
	unlink(in_dir("foreign.events"));
	unlink(in_dir("root.events"));
	rmdir(dir);
	return check_summary();
}
