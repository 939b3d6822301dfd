// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `exfilguard report` rendered by a real browser: a day of events with known
 * totals goes through the binary, the page is loaded by headless Chromium
 * (Debian's package) in a network namespace with no network at all, and the
 * totals are read back from the DOM it built. Its screenshot is kept as
 * <build>/test-artifacts/report.png.
 *
 * Needs root (for the empty network namespace) and chromium; missing, it fails.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "../lib/check.h"
#include "../lib/guard.h"

#define EVENTS	 144 /* one every 10 minutes for a day */
#define CHROMIUM "chromium"
#define CHROME_FLAGS                                                                               \
	"--headless --no-sandbox --disable-gpu --disable-background-networking "                   \
	"--disable-component-update --disable-sync --no-first-run"

static char dir[] = "/tmp/exfilguard-report-e2e-XXXXXX";
static char artifacts[PATH_MAX];

/* Every third event is audited with 100 bytes; the rest denied; countries CN, RU, US in turn. */
static int write_events(const char *path)
{
	static const char *const cc[] = {"CN", "RU", "US"};
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (int i = 0; i < EVENTS; i++)
		fprintf(f,
			"{\"time\":\"2025-05-01T%02d:%02d:00Z\",\"event\":\"verdict\","
			"\"verdict\":\"%s\",\"mode\":\"enforce\",\"daddr\":\"198.51.100.%d\","
			"\"dport\":443,\"comm\":\"w%d\",\"cgroup\":\"/app<%d>\",\"country\":\"%s\","
			"\"provider\":\"p%d\",\"jurisdiction\":\"%s\",\"dataset\":\"d\"%s}\n",
			i / 6, i % 6 * 10, i % 3 ? "deny" : "audit", i % 7, i % 2, i % 4, cc[i % 3],
			i % 5, cc[i % 3], i % 3 ? "" : ",\"bytes\":100");
	fputs("garbage\n{\"time\":\"2025-05-01T23:59:00Z\",\"event\":\"lost\",\"count\":4}\n[]\n",
	      f);
	return fclose(f);
}

static int run(const char *cmd)
{
	int st = system(cmd);

	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "  failed (status %d): %s\n", st, cmd);
		return -1;
	}
	return 0;
}

/* The page, as rendered, into dom (allocated); its screenshot into png. */
static char *render(const char *page, const char *png)
{
	char cmd[4 * PATH_MAX], dom_path[PATH_MAX];
	char *dom = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(dom_path, sizeof(dom_path), "%s/dom.html", dir);
	/* unshare -n: a namespace with no network, so the page must stand alone. */
	snprintf(cmd, sizeof(cmd),
		 "timeout 90 unshare -n " CHROMIUM " " CHROME_FLAGS " --user-data-dir=%s/profile "
		 "--dump-dom file://%s >%s 2>/dev/null && "
		 "timeout 90 unshare -n " CHROMIUM " " CHROME_FLAGS " --user-data-dir=%s/profile "
		 "--window-size=1000,3200 --screenshot=%s file://%s >/dev/null 2>&1",
		 dir, page, dom_path, dir, png, page);
	if (run(cmd))
		return NULL;
	f = fopen(dom_path, "r");
	if (!f || getdelim(&dom, &len, '\0', f) < 0) {
		free(dom);
		dom = NULL;
	}
	if (f)
		fclose(f);
	return dom;
}

/* data-value of the element with this id, -1 when not there. */
static long long dom_value(const char *dom, const char *id)
{
	char want[96];
	const char *at;

	snprintf(want, sizeof(want), "id=\"%s\" data-value=\"", id);
	at = strstr(dom, want);
	return at ? atoll(at + strlen(want)) : -1;
}

static void check_dom(const char *dom)
{
	ASSERT_EQ(dom_value(dom, "total-attempts"), EVENTS, "attempts");
	ASSERT_EQ(dom_value(dom, "total-denied"), EVENTS * 2 / 3, "blocked");
	ASSERT_EQ(dom_value(dom, "total-audited"), EVENTS / 3, "audited");
	ASSERT_EQ(dom_value(dom, "total-bytes"), EVENTS / 3 * 100, "bytes");
	ASSERT_EQ(dom_value(dom, "lost-events"), 4, "lost events");
	ASSERT_EQ(dom_value(dom, "invalid-lines"), 2, "invalid lines counted");
	ASSERT_CONTAINS(dom, "data-key=\"CN\" data-deny=\"0\" data-audit=\"48\"",
			"CN: every third event, all audited");
	ASSERT_CONTAINS(dom, "data-key=\"RU\" data-deny=\"48\" data-audit=\"0\"", "RU: denied");
	ASSERT_CONTAINS(dom, "data-key=\"/app&lt;0&gt;\"", "a workload name escaped, not markup");
	ASSERT_CONTAINS(dom, "<svg id=\"chart-over-time\"", "the chart over time is there");
	ASSERT_CONTAINS(dom, "data-start=\"2025-05-01 23:00\" data-deny=\"4\" data-audit=\"2\"",
			"its last hourly bar");
	ASSERT_TRUE(!strstr(dom, "<script") && !strstr(dom, "http://") &&
			    !strstr(dom, "https://") && !strstr(dom, " src="),
		    "nothing to fetch, nothing to run");
}

static void test_report_in_chromium(void)
{
	char events[PATH_MAX], page[PATH_MAX], png[PATH_MAX], cmd[4 * PATH_MAX];
	struct stat st;
	char *dom;

	ASSERT_TRUE(guard_binary(), "$EXFILGUARD");
	snprintf(events, sizeof(events), "%s/events.json", dir);
	snprintf(page, sizeof(page), "%s/report.html", dir);
	snprintf(png, sizeof(png), "%s/report.png", artifacts);
	ASSERT_EQ(write_events(events), 0, "events written");
	snprintf(cmd, sizeof(cmd), "%s report %s -o %s 2>/dev/null", guard_binary(), events, page);
	ASSERT_EQ(run(cmd), 0, "report made");
	unlink(png);
	dom = render(page, png);
	ASSERT_TRUE(dom, "rendered by headless chromium (Debian's package)");
	check_dom(dom);
	free(dom);
	ASSERT_TRUE(!stat(png, &st) && st.st_size > 10000, "screenshot kept");
	fprintf(stderr, "  screenshot: %s\n", png);
}

int main(void)
{
	char bin[PATH_MAX];

	if (!mkdtemp(dir) || !guard_binary())
		return 1;
	/* Beside the binary under test: build/test-artifacts, build/sanitize/test-artifacts. */
	snprintf(bin, sizeof(bin), "%s", guard_binary());
	snprintf(artifacts, sizeof(artifacts), "%s/test-artifacts", dirname(bin));
	mkdir(artifacts, 0755);
	RUN_TEST(test_report_in_chromium);
	snprintf(bin, sizeof(bin), "rm -rf %s", dir);
	if (system(bin))
		fprintf(stderr, "  could not remove %s\n", dir);
	return check_summary();
}
