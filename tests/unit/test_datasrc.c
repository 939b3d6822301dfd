// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Data sources: the MaxMind DB and CSV/TSV readers on fixtures written at
 * test time by tests/fixtures/gen_fixtures.pl (real mmdb files from
 * MaxMind::DB::Writer), gzip, broken inputs, range helpers, and the real
 * datasets when data/ holds them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include "../lib/check.h"
#include "../lib/realdata.h"
#include "addr.h"
#include "datasrc.h"
#include "sha256.h"

static char fixture_dir[64];

/* ---- helpers ---- */

static const char *fixture(const char *name)
{
	static char path[4][256];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", fixture_dir, name);
	return p;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_fixtures(void)
{
	if (fixture_dir[0])
		nftw(fixture_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Run the generator into a fresh directory (tests run from the repository root). */
static int make_fixtures(void)
{
	snprintf(fixture_dir, sizeof(fixture_dir), "/tmp/eg-datasrc-XXXXXX");
	if (!mkdtemp(fixture_dir)) {
		perror("mkdtemp");
		fixture_dir[0] = '\0';
		return -1;
	}
	atexit(remove_fixtures);
	return fixtures_generate(fixture_dir);
}

static void addr(const char *text, uint8_t out[16])
{
	uint8_t family;

	if (eg_addr_parse(text, out, &family))
		memset(out, 0xee, 16);
}

/* Value of the range holding text, or 0. */
static uint32_t lookup(const struct eg_dataset *ds, const char *text)
{
	uint8_t a[16];
	size_t lo = 0, hi = ds->ranges.n;

	addr(text, a);
	while (lo < hi) { /* first range starting after a */
		size_t mid = (lo + hi) / 2;

		if (memcmp(ds->ranges.v[mid].first, a, 16) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && memcmp(a, ds->ranges.v[lo - 1].last, 16) <= 0)
		return ds->ranges.v[lo - 1].value;
	return 0;
}

struct want {
	const char *first, *last;
	uint32_t value;
};

/* ds holds exactly these ranges, in order; message says where not. */
static int same_ranges(const struct eg_dataset *ds, const struct want *want, size_t n, char *msg,
		       size_t len)
{
	char a[EG_ADDR_STRLEN], b[EG_ADDR_STRLEN];

	for (size_t i = 0; i < ds->ranges.n || i < n; i++) {
		uint8_t f[16], l[16];

		if (i >= ds->ranges.n || i >= n) {
			snprintf(msg, len, "%zu ranges, expected %zu", ds->ranges.n, n);
			return 0;
		}
		addr(want[i].first, f);
		addr(want[i].last, l);
		if (memcmp(f, ds->ranges.v[i].first, 16) || memcmp(l, ds->ranges.v[i].last, 16) ||
		    want[i].value != ds->ranges.v[i].value) {
			eg_addr_format(ds->ranges.v[i].first, a, sizeof(a));
			eg_addr_format(ds->ranges.v[i].last, b, sizeof(b));
			snprintf(msg, len, "range %zu is %s-%s (%u), expected %s-%s (%u)", i, a, b,
				 ds->ranges.v[i].value, want[i].first, want[i].last, want[i].value);
			return 0;
		}
	}
	return 1;
}

#define ASSERT_RANGES(ds, want)                                                                    \
	do {                                                                                       \
		char msg_[256];                                                                    \
		if (!same_ranges((ds), (want), sizeof(want) / sizeof((want)[0]), msg_,             \
				 sizeof(msg_))) {                                                  \
			CHECK_FAIL_("%s: %s", (ds)->path, msg_);                                   \
			eg_dataset_free(ds);                                                       \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define ASSERT_LOADS(path, kind, ds)                                                               \
	do {                                                                                       \
		struct eg_error err_ = {0};                                                        \
		if (eg_dataset_load((path), (kind), (ds), &err_)) {                                \
			CHECK_FAIL_("load %s: %s", (path), err_.msg);                              \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CN EG_CC('C', 'N')
#define US EG_CC('U', 'S')
#define DE EG_CC('D', 'E')

static const struct want country_ranges[] = {
	{"192.0.2.0", "192.0.2.255", DE},
	{"198.19.113.0", "198.19.113.255", US},
	{"198.51.100.0", "198.51.100.255", CN},
	{"2001:db8:1::", "2001:db8:1:ffff:ffff:ffff:ffff:ffff", US},
	{"2001:db8:bad::", "2001:db8:bad:ffff:ffff:ffff:ffff:ffff", CN},
};

static const struct want asn_ranges[] = {
	{"198.19.113.0", "198.19.113.127", 45102},
	{"198.19.113.128", "198.19.113.255", 16509},
	{"198.51.100.0", "198.51.100.255", 4134},
	{"2001:db8:1::", "2001:db8:1:ffff:ffff:ffff:ffff:ffff", 45102},
};

/* The digest by coreutils' sha256sum: a check independent of ours. */
static int file_sha256(const char *path, char hex[65])
{
	char cmd[512];
	FILE *p;
	int ok;

	snprintf(cmd, sizeof(cmd), "sha256sum -- '%s'", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fscanf(p, "%64s", hex) == 1;
	return pclose(p) == 0 && ok && strlen(hex) == 64 ? 0 : -1;
}

/* The same of text, through a file. */
static int text_sha256(const char *text, char hex[65])
{
	const char *path = fixture("digest-input");
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	if (fclose(f))
		return -1;
	return file_sha256(path, hex);
}

/* ---- SHA-256 ---- */

/* The FIPS 180-2 (appendix B) examples, and the empty message. */
static void test_sha256_known_answers(void)
{
	static const struct {
		const char *msg;
		const char *hex;
	} cases[] = {
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	};
	static char million[1000000];
	char hex[EG_SHA256_HEXLEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(eg_sha256_hex(cases[i].msg, strlen(cases[i].msg), hex), 0, cases[i].msg);
		ASSERT_STREQ(hex, cases[i].hex, cases[i].msg);
	}
	memset(million, 'a', sizeof(million));
	ASSERT_EQ(eg_sha256_hex(million, sizeof(million), hex), 0, "a million a");
	ASSERT_STREQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		     "a million a");
}

/* ---- MaxMind DB ---- */

static void test_mmdb_geolite2_country(void)
{
	struct eg_dataset ds;
	char hex[65];

	ASSERT_LOADS(fixture("geolite2-country.mmdb"), EG_DATA_COUNTRY, &ds);
	ASSERT_RANGES(&ds, country_ranges);
	ASSERT_STREQ(ds.format, "mmdb", "format");
	ASSERT_STREQ(ds.description, "GeoLite2-Country", "description: database_type");
	ASSERT_NE(ds.build_epoch, 0, "build epoch from the metadata");
	ASSERT_EQ(ds.n_records, 5, "data records: DE, DE (registered only), CN, US, no country");
	ASSERT_EQ(ds.n_skipped, 1, "the record with only a continent");
	ASSERT_EQ(ds.n_conflicts, 0, "no conflicts");
	ASSERT_EQ(file_sha256(fixture("geolite2-country.mmdb"), hex), 0, "read fixture");
	ASSERT_STREQ(ds.sha256, hex, "sha256 of the stored file");
	eg_dataset_free(&ds);
}

/* The ::ffff:0:0/96, 2002::/16 and 2001::/32 aliases must not repeat the IPv4 data. */
static void test_mmdb_ipv4_once(void)
{
	static const char *const files[] = {"geolite2-country.mmdb", "geolite2-asn.mmdb"};
	struct eg_dataset ds;

	for (size_t f = 0; f < 2; f++) {
		size_t v4 = 0, v6 = 0;

		ASSERT_LOADS(fixture(files[f]), f ? EG_DATA_ASN : EG_DATA_COUNTRY, &ds);
		for (size_t i = 0; i < ds.ranges.n; i++) {
			const uint8_t *first = ds.ranges.v[i].first;

			if (eg_addr_is_v4mapped(first))
				v4++;
			else
				v6++;
			if ((first[0] == 0x20 && first[1] == 0x02) ||
			    (first[0] == 0x20 && first[1] == 0x01 && !first[2] && !first[3]) ||
			    (!eg_addr_is_v4mapped(first) && first[0] == 0)) {
				CHECK_FAIL_("%s: range %zu lies in an alias of the IPv4 space",
					    files[f], i);
				eg_dataset_free(&ds);
				return;
			}
		}
		ASSERT_EQ(v4, 3, "three IPv4 ranges, once each");
		ASSERT_EQ(v6, f ? 1 : 2, "IPv6 ranges present");
		eg_dataset_free(&ds);
	}
}

static void test_mmdb_dbip_country(void)
{
	static const struct want v4_only[] = {
		{"192.0.2.0", "192.0.2.255", DE},
		{"198.19.113.0", "198.19.113.255", US},
		{"198.51.100.0", "198.51.100.255", CN},
	};
	struct eg_dataset ds;

	ASSERT_LOADS(fixture("dbip-country.mmdb"), EG_DATA_COUNTRY, &ds);
	ASSERT_RANGES(&ds, country_ranges); /* "de" in the file comes out as DE */
	ASSERT_STREQ(ds.description, "country ipvAll", "description");
	eg_dataset_free(&ds);

	ASSERT_LOADS(fixture("dbip-country-ipv4.mmdb"), EG_DATA_COUNTRY, &ds);
	ASSERT_RANGES(&ds, v4_only);
	eg_dataset_free(&ds);
}

static void test_mmdb_geolite2_asn(void)
{
	struct eg_dataset ds;

	ASSERT_LOADS(fixture("geolite2-asn.mmdb"), EG_DATA_ASN, &ds);
	ASSERT_RANGES(&ds, asn_ranges);
	ASSERT_EQ(ds.n_names, 3, "three AS names");
	ASSERT_STREQ(eg_dataset_asn_name(&ds, 45102), "Alibaba (US) Technology Co., Ltd.", "45102");
	ASSERT_STREQ(eg_dataset_asn_name(&ds, 16509), "Amazon", "16509");
	ASSERT_STREQ(eg_dataset_asn_name(&ds, 4134), "Chinanet", "4134");
	ASSERT_TRUE(eg_dataset_asn_name(&ds, 1) == NULL, "unknown AS has no name");
	ASSERT_EQ(lookup(&ds, "198.19.113.77"), 45102, "lookup v4");
	ASSERT_EQ(lookup(&ds, "::ffff:198.19.113.200"), 16509, "lookup mapped");
	ASSERT_EQ(lookup(&ds, "2001:db8:1:2::3"), 45102, "lookup v6");
	ASSERT_EQ(lookup(&ds, "192.0.2.1"), 0, "no AS");
	eg_dataset_free(&ds);
}

/* ---- CSV and TSV ---- */

static void test_csv_asn(void)
{
	struct eg_dataset ds;

	ASSERT_LOADS(fixture("asn.csv"), EG_DATA_ASN, &ds);
	ASSERT_RANGES(&ds, asn_ranges);
	ASSERT_STREQ(ds.format, "csv", "format");
	ASSERT_STREQ(ds.description, "asn.csv", "description: base name");
	ASSERT_NE(ds.build_epoch, 0, "mtime");
	ASSERT_EQ(ds.n_records, 4, "rows");
	ASSERT_STREQ(eg_dataset_asn_name(&ds, 16509), "Amazon.com, Inc.", "quoted comma");
	ASSERT_STREQ(eg_dataset_asn_name(&ds, 4134), "Chinanet", "bare name");
	eg_dataset_free(&ds);
}

/* Header, comments, blank lines, CRLF, spaces, quoted addresses and "AS" prefixes. */
static void test_csv_decorated(void)
{
	struct eg_dataset ds;

	ASSERT_LOADS(fixture("asn-fancy.csv"), EG_DATA_ASN, &ds);
	ASSERT_RANGES(&ds, asn_ranges);
	ASSERT_EQ(ds.n_records, 4, "the header is not a row");
	ASSERT_STREQ(eg_dataset_asn_name(&ds, 45102), "Alibaba (US) Technology Co., Ltd.",
		     "first name of an AS wins");
	eg_dataset_free(&ds);
}

static void test_csv_quotes_in_memory(void)
{
	static const char text[] = "10.0.0.0,10.0.0.255,64500,\"a \"\"b\"\", c\"\r\n"
				   "\"2001:db8::\",\"2001:db8::ff\",64501,\"\"\n";
	struct eg_dataset ds;
	struct eg_error err = {0};

	ASSERT_EQ(eg_dataset_load_mem(text, sizeof(text) - 1, EG_DATA_ASN, "mem.csv", &ds, &err), 0,
		  err.msg);
	ASSERT_EQ(ds.ranges.n, 2, "two ranges");
	ASSERT_STREQ(eg_dataset_asn_name(&ds, 64500), "a \"b\", c", "escaped quotes");
	ASSERT_TRUE(eg_dataset_asn_name(&ds, 64501) == NULL, "an empty name is no name");
	ASSERT_STREQ(ds.path, "mem.csv", "name");
	ASSERT_EQ(ds.build_epoch, 0, "no mtime in memory");
	eg_dataset_free(&ds);
}

/* A byte order mark, then a header: both skipped. */
static void test_csv_bom_header(void)
{
	static const char text[] = "\xef\xbb\xbfstart,end,asn\n10.0.0.0,10.0.0.255,64500\n";
	static const char late[] = "10.0.0.0,10.0.0.1,1\nstart,end,asn\n";
	struct eg_dataset ds;
	struct eg_error err = {0};

	ASSERT_EQ(eg_dataset_load_mem(text, sizeof(text) - 1, EG_DATA_ASN, "bom.csv", &ds, &err), 0,
		  err.msg);
	ASSERT_EQ(ds.ranges.n, 1, "one range");
	ASSERT_EQ(ds.n_records, 1, "one row");
	eg_dataset_free(&ds);
	/* Only the first line may be a header. */
	ASSERT_EQ(eg_dataset_load_mem(late, sizeof(late) - 1, EG_DATA_ASN, "late.csv", &ds, &err),
		  -1, "a late header is a bad line");
	ASSERT_CONTAINS(err.msg, "late.csv:2: bad start address \"start\"", "message");
}

static void test_csv_country(void)
{
	struct eg_dataset ds;

	ASSERT_LOADS(fixture("country.csv"), EG_DATA_COUNTRY, &ds);
	ASSERT_RANGES(&ds, country_ranges);
	eg_dataset_free(&ds);
}

static void test_tsv_ip2asn(void)
{
	static const struct want asn[] = {
		{"198.19.113.0", "198.19.113.127", 45102},
		{"198.19.113.128", "198.19.113.255", 16509},
		{"198.51.100.0", "198.51.100.255", 4134},
	};
	static const struct want country[] = {
		{"198.19.113.0", "198.19.113.255", US}, /* two rows of US merge */
		{"198.51.100.0", "198.51.100.255", CN},
	};
	struct eg_dataset ds;

	ASSERT_LOADS(fixture("ip2asn-v4.tsv"), EG_DATA_ASN, &ds);
	ASSERT_RANGES(&ds, asn);
	ASSERT_STREQ(ds.format, "tsv", "format");
	ASSERT_EQ(ds.n_records, 5, "rows");
	ASSERT_EQ(ds.n_skipped, 2, "AS 0 rows: not routed");
	ASSERT_STREQ(eg_dataset_asn_name(&ds, 16509), "AMAZON-02", "description");
	eg_dataset_free(&ds);

	ASSERT_LOADS(fixture("ip2asn-v4.tsv"), EG_DATA_COUNTRY, &ds);
	ASSERT_RANGES(&ds, country);
	ASSERT_EQ(ds.n_skipped, 2, "country None rows");
	eg_dataset_free(&ds);
}

/* ---- gzip ---- */

static void test_gzip_equals_plain(void)
{
	static const struct {
		const char *name;
		enum eg_data_kind kind;
		const char *format;
	} cases[] = {
		{"asn.csv", EG_DATA_ASN, "csv.gz"},
		{"country.csv", EG_DATA_COUNTRY, "csv.gz"},
		{"ip2asn-v4.tsv", EG_DATA_ASN, "tsv.gz"},
		{"geolite2-country.mmdb", EG_DATA_COUNTRY, "mmdb.gz"},
		{"geolite2-asn.mmdb", EG_DATA_ASN, "mmdb.gz"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct eg_dataset plain, gz;
		char gz_name[128];

		snprintf(gz_name, sizeof(gz_name), "%s.gz", cases[i].name);
		ASSERT_LOADS(fixture(cases[i].name), cases[i].kind, &plain);
		ASSERT_LOADS(fixture(gz_name), cases[i].kind, &gz);
		ASSERT_STREQ(gz.format, cases[i].format, gz_name);
		ASSERT_EQ(gz.ranges.n, plain.ranges.n, gz_name);
		ASSERT_EQ(memcmp(gz.ranges.v, plain.ranges.v,
				 plain.ranges.n * sizeof(*plain.ranges.v)),
			  0, gz_name);
		ASSERT_EQ(gz.n_names, plain.n_names, gz_name);
		ASSERT_TRUE(strcmp(gz.sha256, plain.sha256) != 0, "digest of the stored bytes");
		eg_dataset_free(&plain);
		eg_dataset_free(&gz);
	}
}

static void test_gzip_bomb_refused(void)
{
	uint64_t saved = eg_dataset_max_bytes;
	struct eg_dataset ds;
	struct eg_error err = {0};
	int rc;

	eg_dataset_max_bytes = 200; /* asn.csv.gz has 175 bytes and inflates to 254 */
	rc = eg_dataset_load(fixture("asn.csv.gz"), EG_DATA_ASN, &ds, &err);
	eg_dataset_max_bytes = saved;
	ASSERT_EQ(rc, -1, "refused");
	ASSERT_CONTAINS(err.msg, "asn.csv.gz: decompresses to more than 200 bytes", "message");
}

/* Write a gzip file of mib MiB of zeros, deflated from one 1 MiB buffer over and over. */
static int write_gzip_bomb(const char *path, unsigned mib)
{
	static const uint8_t zeros[1 << 20];
	static uint8_t out[1 << 16];
	z_stream zs = {0};
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f || deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	for (unsigned i = 0; i < mib && rc == 0; i++) {
		zs.next_in = (Bytef *)zeros;
		zs.avail_in = sizeof(zeros);
		do {
			zs.next_out = out;
			zs.avail_out = sizeof(out);
			deflate(&zs, i + 1 == mib ? Z_FINISH : Z_NO_FLUSH);
			if (fwrite(out, 1, sizeof(out) - zs.avail_out, f) !=
			    sizeof(out) - zs.avail_out)
				rc = -1;
		} while (zs.avail_out == 0);
	}
	deflateEnd(&zs);
	return fclose(f) || rc ? -1 : 0;
}

/* A /proc/self/status figure in KiB ("VmRSS:", "VmHWM:"), or -1. */
static long status_kib(const char *key)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			kib = atol(line + strlen(key));
	if (f)
		fclose(f);
	return kib;
}

/* Reset the peak RSS (VmHWM) to the current RSS (Linux 4.0+). */
static int reset_peak_rss(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	int ok = fd >= 0 && write(fd, "5", 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/*
 * A bomb (128 MiB of zeros in ~130 KB) against a 64 MiB cap: refused,
 * naming the file, while the peak RSS grows by far less than the cap (the
 * inflated bytes are counted through a small buffer, never held).
 */
static void test_gzip_bomb_bounded_memory(void)
{
	const char *path = fixture("bomb.csv.gz");
	uint64_t saved = eg_dataset_max_bytes;
	struct eg_dataset ds;
	struct eg_error err = {0};
	long rss, peak;
	int rc;

	ASSERT_EQ(write_gzip_bomb(path, 128), 0, "write the bomb");
	ASSERT_EQ(reset_peak_rss(), 0, "reset the peak RSS");
	rss = status_kib("VmRSS:");
	eg_dataset_max_bytes = 64u << 20;
	rc = eg_dataset_load(path, EG_DATA_ASN, &ds, &err);
	eg_dataset_max_bytes = saved;
	peak = status_kib("VmHWM:");
	ASSERT_EQ(rc, -1, "refused");
	ASSERT_CONTAINS(err.msg, "bomb.csv.gz: decompresses to more than 67108864 bytes",
			"message");
	ASSERT_EQ(err.code, EFBIG, "code");
	ASSERT_TRUE(rss > 0 && peak > 0, "RSS figures read");
	ASSERT_LE(peak - rss, 8 * 1024, "peak RSS growth (KiB) while refusing");
}

/* A stream with no size up front (a device, a pipe) is cut off at the limit too. */
static void test_stream_too_large(void)
{
	uint64_t saved = eg_dataset_max_bytes;
	struct eg_dataset ds;
	struct eg_error err = {0};
	int rc;

	eg_dataset_max_bytes = 200;
	rc = eg_dataset_load("/dev/zero", EG_DATA_ASN, &ds, &err);
	eg_dataset_max_bytes = saved;
	ASSERT_EQ(rc, -1, "refused");
	ASSERT_STREQ(err.msg, "/dev/zero: more than 200 bytes; a dataset can be at most 200 bytes",
		     "message");
	ASSERT_EQ(err.code, EFBIG, "code");
}

/* The bytes of a big range file: BOM, header, CRLF, names, no newline at the end. */
static char *big_csv(size_t *len)
{
	size_t cap = 3u << 20, n = 0;
	char *text = malloc(cap);

	if (!text)
		return NULL;
	n += (size_t)snprintf(text + n, cap - n, "\xef\xbb\xbfstart,end,asn,org\r\n");
	for (unsigned i = 0; n < (5u << 19); i++)
		n += (size_t)snprintf(
			text + n, cap - n, "10.%u.%u.0,10.%u.%u.255,%u,\"Org %u, Inc.\"\r\n",
			i / 256 % 256, i % 256, i / 256 % 256, i % 256, 64500 + i % 7, i % 7);
	n += (size_t)snprintf(text + n, cap - n, "2001:db8::,2001:db8::ff,64999,Last");
	*len = n;
	return text;
}

/* A file over a MiB is parsed as it is read: the same dataset as from memory, digest included. */
static void test_csv_streamed_in_pieces(void)
{
	struct eg_dataset file, mem;
	struct eg_error err = {0};
	char digest[EG_SHA256_HEXLEN];
	const char *path = fixture("big.csv");
	size_t len = 0;
	char *text = big_csv(&len);
	FILE *f = fopen(path, "w");

	ASSERT_TRUE(text && f && fwrite(text, 1, len, f) == len && fclose(f) == 0, "written");
	ASSERT_EQ(eg_dataset_load(path, EG_DATA_ASN, &file, &err), 0, err.msg);
	ASSERT_EQ(eg_dataset_load_mem(text, len, EG_DATA_ASN, path, &mem, &err), 0, err.msg);
	ASSERT_OK(eg_sha256_hex(text, len, digest), "digest");
	EXPECT_STREQ(file.sha256, digest, "the digest of the file's bytes");
	EXPECT_EQ(file.ranges.n, mem.ranges.n, "ranges");
	EXPECT_TRUE(file.ranges.n == mem.ranges.n &&
			    memcmp(file.ranges.v, mem.ranges.v,
				   mem.ranges.n * sizeof(*mem.ranges.v)) == 0,
		    "the very ranges");
	EXPECT_EQ(file.n_records, mem.n_records, "rows: the header is none");
	EXPECT_EQ(file.n_names, mem.n_names, "names");
	EXPECT_STREQ(eg_dataset_asn_name(&file, 64503), "Org 3, Inc.", "a name");
	EXPECT_STREQ(eg_dataset_asn_name(&file, 64999), "Last", "the last line, unterminated");
	EXPECT_STREQ(file.format, "csv", "format");
	eg_dataset_free(&file);
	eg_dataset_free(&mem);
	/* A NUL byte past the first piece: not text; the message the snapshot reader gives. */
	text[(1u << 20) + 5] = '\0';
	f = fopen(path, "w");
	ASSERT_TRUE(f && fwrite(text, 1, len, f) == len && fclose(f) == 0, "rewritten");
	EXPECT_EQ(eg_dataset_load(path, EG_DATA_ASN, &file, &err), -1, "refused");
	EXPECT_CONTAINS(err.msg, "csv: binary data at byte 1048581", "says where");
	free(text);
	unlink(path);
}

static int same_runs(const struct eg_runs *a, const struct eg_runs *b)
{
	if (a->n != b->n || a->n4 != b->n4 || a->n6 != b->n6 || a->below4 != b->below4)
		return 0;
	return (!a->n4 || memcmp(a->s4, b->s4, a->n4 * sizeof(*a->s4)) == 0) &&
	       (!a->n6 || memcmp(a->s6, b->s6, a->n6 * sizeof(*a->s6)) == 0) &&
	       (!a->n || memcmp(a->val, b->val, a->n * sizeof(*a->val)) == 0);
}

/* A MaxMind DB walked straight into runs: the runs of its ranges, for every layout of tree. */
static void test_mmdb_straight_to_runs(void)
{
	static const struct {
		const char *file;
		enum eg_data_kind kind;
	} cases[] = {
		{"geolite2-country.mmdb", EG_DATA_COUNTRY}, /* IPv6 tree, IPv4 at ::/96 */
		{"geolite2-asn.mmdb", EG_DATA_ASN},	     {"dbip-country.mmdb", EG_DATA_COUNTRY},
		{"dbip-country-ipv4.mmdb", EG_DATA_COUNTRY}, /* an IPv4 tree */
		{"data/dbip-country.mmdb", EG_DATA_COUNTRY}, /* the real one, when fetched */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = i + 1 < sizeof(cases) / sizeof(cases[0]) ? fixture(cases[i].file)
									    : cases[i].file;
		struct eg_dataset ranges, runs;
		struct eg_error err = {0};

		if (access(path, R_OK) != 0 && i + 1 == sizeof(cases) / sizeof(cases[0]))
			break;
		ASSERT_EQ(eg_dataset_load(path, cases[i].kind, &ranges, &err), 0, err.msg);
		ASSERT_EQ(eg_dataset_load_compact(&path, 1, cases[i].kind, &runs, &err), 0,
			  err.msg);
		ASSERT_OK(eg_dataset_compact(&ranges), "compacted");
		EXPECT_TRUE(runs.ranges.n == 0 && runs.runs.n > 1, cases[i].file);
		EXPECT_TRUE(same_runs(&ranges.runs, &runs.runs), cases[i].file);
		EXPECT_EQ(runs.n_records, ranges.n_records, "records");
		EXPECT_EQ(runs.n_names, ranges.n_names, "names");
		EXPECT_STREQ(runs.sha256, ranges.sha256, "digest");
		eg_dataset_free(&ranges);
		eg_dataset_free(&runs);
	}
}

/* ---- broken inputs ---- */

static void test_bad_inputs(void)
{
	static const struct {
		const char *file;
		enum eg_data_kind kind;
		const char *want;
	} cases[] = {
		{"truncated.mmdb", EG_DATA_COUNTRY,
		 "truncated.mmdb: not a dataset in a format exfilguard reads (mmdb: no MaxMind DB "
		 "metadata marker; aws-json/google-json/azure-json/oracle-json: not a JSON object; "
		 "csv: binary data at byte 0)"},
		{"corrupt-tree.mmdb", EG_DATA_COUNTRY,
		 "corrupt-tree.mmdb: corrupt search tree: node 0 has an invalid record"},
		{"cyclic-tree.mmdb", EG_DATA_COUNTRY,
		 "cyclic-tree.mmdb: corrupt search tree: node 1 is its own descendant"},
		{"cyclic-tree-v4.mmdb", EG_DATA_COUNTRY, "node 1 is deeper than 32 bits"},
		{"corrupt-data.mmdb", EG_DATA_COUNTRY, "corrupt-data.mmdb: data record at offset "},
		{"country-nofields.mmdb", EG_DATA_COUNTRY,
		 "country-nofields.mmdb: no record has country.iso_code, "
		 "registered_country.iso_code "
		 "or country_code: not a country database?"},
		{"geolite2-country.mmdb", EG_DATA_ASN,
		 "geolite2-country.mmdb: no record has autonomous_system_number or asn: not an ASN "
		 "database?"},
		{"corrupt.csv.gz", EG_DATA_ASN, "corrupt.csv.gz: corrupt gzip data near byte "},
		{"truncated.csv.gz", EG_DATA_ASN, "truncated.csv.gz: gzip data truncated"},
		{"empty.csv", EG_DATA_ASN, "empty.csv: empty file"},
		{"only-header.csv", EG_DATA_ASN, "only-header.csv: no ASN ranges in it"},
		{"bad-start.csv", EG_DATA_ASN,
		 "bad-start.csv:3: bad start address \"198.51.100.x\""},
		{"bad-order.csv", EG_DATA_ASN,
		 "bad-order.csv:2: end 198.19.113.128 before start 198.19.113.200"},
		{"bad-fields.csv", EG_DATA_ASN,
		 "bad-fields.csv:2: expected 3 or 4 comma-separated fields "
		 "(start,end,asn[,organisation]), found 2 fields"},
		{"bad-asn.csv", EG_DATA_ASN, "bad-asn.csv:1: bad AS number \"AS41x4\""},
		{"bad-quote.csv", EG_DATA_ASN, "bad-quote.csv:1: unterminated quoted field"},
		{"bad-family.csv", EG_DATA_ASN,
		 "bad-family.csv:1: start 198.51.100.0 and end 2001:db8::ff are of different "
		 "address families"},
		{"bad-country.csv", EG_DATA_COUNTRY,
		 "bad-country.csv:2: bad country code \"CHN\" (expected two letters)"},
		{"asn-num.csv", EG_DATA_ASN,
		 "asn-num.csv:1: bad start address \"3325256704\" (numeric addresses"},
		{"country.csv", EG_DATA_ASN, "country.csv:1: bad AS number \"DE\""},
		{"no-such-file.csv", EG_DATA_ASN, "no-such-file.csv: cannot open: No such file"},
		{"", EG_DATA_ASN, ": cannot read: Is a directory"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct eg_dataset ds;
		struct eg_error err = {0};
		const char *path = fixture(cases[i].file);

		if (eg_dataset_load(path, cases[i].kind, &ds, &err) == 0) {
			CHECK_FAIL_("%s loaded", path);
			eg_dataset_free(&ds);
			return;
		}
		ASSERT_CONTAINS(err.msg, cases[i].want, cases[i].file);
		ASSERT_CONTAINS(err.msg, path, "the message names the file");
		ASSERT_NE(err.code, 0, "error code");
		ASSERT_TRUE(ds.ranges.n == 0 && !ds.path && !ds.names, "left empty");
	}
}

/* The first overlap with another value inside a file is resolved, counted and described. */
static void test_overlap_resolved(void)
{
	static const struct want want[] = {
		{"198.19.113.0", "198.19.113.63", 45102},
		{"198.19.113.64", "198.19.113.127", 16509},
	};
	struct eg_dataset ds;

	ASSERT_LOADS(fixture("overlap.csv"), EG_DATA_ASN, &ds);
	ASSERT_RANGES(&ds, want);
	ASSERT_EQ(ds.n_conflicts, 1, "one conflict");
	ASSERT_STREQ(
		ds.conflict,
		"198.19.113.0-198.19.113.127 (AS45102) and 198.19.113.64-198.19.113.127 (AS16509)",
		"described");
	eg_dataset_free(&ds);
}

/* ---- several files ---- */

static void test_load_files(void)
{
	const char *parts[2];
	struct eg_dataset ds, v4, v6;
	struct eg_error err = {0};
	char both[2 * 65 + 1], hex[65];

	ASSERT_LOADS(fixture("asn-v4.csv"), EG_DATA_ASN, &v4);
	ASSERT_LOADS(fixture("asn-v6.csv"), EG_DATA_ASN, &v6);
	snprintf(both, sizeof(both), "%s\n%s\n", v4.sha256, v6.sha256);
	ASSERT_EQ(text_sha256(both, hex), 0, "sha256sum of the digests");
	parts[0] = v4.path;
	parts[1] = v6.path;
	ASSERT_EQ(eg_dataset_load_files(parts, 2, EG_DATA_ASN, &ds, &err), 0, err.msg);
	eg_dataset_free(&v4);
	eg_dataset_free(&v6);
	ASSERT_RANGES(&ds, asn_ranges);
	ASSERT_STREQ(ds.sha256, hex, "digest of the parts' digests");
	ASSERT_STREQ(ds.format, "csv, csv", "formats");
	ASSERT_CONTAINS(ds.path, "asn-v4.csv, ", "paths joined");
	ASSERT_EQ(ds.n_names, 3, "names merged");
	ASSERT_EQ(ds.n_records, 4, "records summed");
	eg_dataset_free(&ds);

	parts[0] = fixture("asn.csv");
	parts[1] = fixture("overlap.csv");
	ASSERT_EQ(eg_dataset_load_files(parts, 2, EG_DATA_ASN, &ds, &err), -1, "conflict");
	ASSERT_CONTAINS(err.msg, "asn.csv: 198.19.113.0-198.19.113.127 (AS45102) conflicts with ",
			"first");
	ASSERT_CONTAINS(err.msg, "overlap.csv: 198.19.113.64-198.19.113.127 (AS16509)", "second");
	ASSERT_TRUE(ds.ranges.n == 0 && !ds.path, "left empty");
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT_TRUE(f != NULL, path);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The parts load side by side; of several bad ones, the first named says why, line and all. */
static void test_load_files_first_error(void)
{
	const char *parts[3];
	struct eg_dataset ds;
	struct eg_error err = {0};
	char want[600];

	parts[0] = fixture("asn-v4.csv");
	parts[1] = strdup(fixture("bad-part-a.csv"));
	parts[2] = strdup(fixture("bad-part-b.csv"));
	write_text(parts[1], "1.0.0.0,1.0.0.255,13335,ONE\n1.0.1.0,nope,13335,ONE\n");
	write_text(parts[2], "bad,1.0.2.255,13335,ONE\n");
	ASSERT_EQ(eg_dataset_load_files(parts, 3, EG_DATA_ASN, &ds, &err), -1, "refused");
	snprintf(want, sizeof(want), "%s:2: bad end address \"nope\"", parts[1]);
	ASSERT_STREQ(err.msg, want, "the first bad part, its line");
	ASSERT_TRUE(ds.ranges.n == 0 && !ds.path, "left empty");
	free((void *)parts[1]);
	free((void *)parts[2]);
}

static void test_load_mem_mmdb(void)
{
	static uint8_t buf[1 << 16];
	struct eg_dataset a, b;
	struct eg_error err = {0};
	FILE *f = fopen(fixture("geolite2-asn.mmdb.gz"), "rb");
	size_t n;

	ASSERT_TRUE(f != NULL, "open fixture");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ASSERT_EQ(eg_dataset_load_mem(buf, n, EG_DATA_ASN, "mem", &a, &err), 0, err.msg);
	ASSERT_LOADS(fixture("geolite2-asn.mmdb"), EG_DATA_ASN, &b);
	ASSERT_EQ(a.ranges.n, b.ranges.n, "same ranges");
	ASSERT_EQ(memcmp(a.ranges.v, b.ranges.v, a.ranges.n * sizeof(*a.ranges.v)), 0, "same");
	ASSERT_NE(a.build_epoch, 0, "mmdb build epoch");
	eg_dataset_free(&a);
	eg_dataset_free(&b);
}

/* ---- range helpers ---- */

#define MAX_CIDRS 256 /* a range splits into at most 2 * 128 - 2 blocks */

struct cidr_list {
	uint8_t addr[MAX_CIDRS][16];
	unsigned plen[MAX_CIDRS];
	size_t n;
};

static void collect(const uint8_t a[16], unsigned plen16, void *ctx)
{
	struct cidr_list *l = ctx;

	if (l->n < MAX_CIDRS) {
		memcpy(l->addr[l->n], a, 16);
		l->plen[l->n] = plen16;
	}
	l->n++;
}

static void test_range_to_cidrs(void)
{
	static const struct {
		const char *first, *last;
		size_t n;
		const char *first_cidr;
		unsigned first_plen;
	} cases[] = {
		{"0.0.0.0", "255.255.255.255", 1, "0.0.0.0", 96},
		{"0.0.0.1", "255.255.255.254", 62, "0.0.0.1", 128},
		{"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, "::", 0},
		{"2001:db8::", "2001:db8::", 1, "2001:db8::", 128},
		{"10.0.0.0", "10.0.1.255", 1, "10.0.0.0", 119},
		{"10.0.0.1", "10.0.0.6", 4, "10.0.0.1", 128},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
		 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1,
		 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 127},
	};
	static const unsigned want_1_6[] = {128, 127, 127, 128};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cidr_list l = {.n = 0};
		uint8_t f[16], t[16];

		addr(cases[i].first, f);
		addr(cases[i].last, t);
		eg_range_to_cidrs(f, t, collect, &l);
		ASSERT_EQ(l.n, cases[i].n, cases[i].first);
		addr(cases[i].first_cidr, f);
		ASSERT_EQ(memcmp(l.addr[0], f, 16), 0, "first block address");
		ASSERT_EQ(l.plen[0], cases[i].first_plen, "first block length");
	}
	{
		struct cidr_list l = {.n = 0};
		uint8_t f[16], t[16];

		addr("10.0.0.1", f);
		addr("10.0.0.6", t);
		eg_range_to_cidrs(f, t, collect, &l);
		for (size_t i = 0; i < 4; i++)
			ASSERT_EQ(l.plen[i], want_1_6[i], "1/32 2/31 4/31 6/32");
		addr("10.0.0.4", f);
		ASSERT_EQ(memcmp(l.addr[2], f, 16), 0, "third is 10.0.0.4");
	}
}

/* Random ranges: the blocks tile the range exactly, each aligned, and no two could merge. */
static void test_range_to_cidrs_random(void)
{
	unsigned seed = 12345;

	for (int round = 0; round < 2000; round++) {
		struct cidr_list l = {.n = 0};
		uint8_t f[16] = {0}, t[16] = {0};
		unsigned __int128 lo, hi, next;
		int bytes = round % 2 ? 16 : 4; /* random in the low 32 or all 128 bits */

		for (int i = 16 - bytes; i < 16; i++) {
			f[i] = (uint8_t)rand_r(&seed);
			t[i] = (uint8_t)rand_r(&seed);
		}
		if (memcmp(f, t, 16) > 0) {
			uint8_t x[16];

			memcpy(x, f, 16), memcpy(f, t, 16), memcpy(t, x, 16);
		}
		eg_range_to_cidrs(f, t, collect, &l);
		ASSERT_TRUE(l.n <= (bytes == 4 ? 62 : 254) && l.n >= 1,
			    "at most 2 * bits - 2 blocks");
		lo = 0, hi = 0;
		for (int i = 0; i < 16; i++)
			lo = lo << 8 | f[i], hi = hi << 8 | t[i];
		next = lo;
		for (size_t i = 0; i < l.n; i++) {
			unsigned __int128 a = 0, size;

			for (int k = 0; k < 16; k++)
				a = a << 8 | l.addr[i][k];
			ASSERT_TRUE(a == next, "blocks are contiguous");
			size = l.plen[i] ? (unsigned __int128)1 << (128 - l.plen[i]) : 0;
			ASSERT_TRUE(size && (a & (size - 1)) == 0, "aligned");
			if (i) /* two equal aligned neighbours would make one block */
				ASSERT_TRUE(!(l.plen[i] == l.plen[i - 1] &&
					      ((a - size) & (2 * size - 1)) == 0),
					    "minimal");
			next = a + size;
		}
		ASSERT_TRUE(next - 1 == hi, "ends at the last address");
	}
}

static void set_range(struct eg_range_list *l, const char *first, const char *last, uint32_t value)
{
	uint8_t f[16], t[16];

	addr(first, f);
	addr(last, t);
	l->n = 0; /* callers build lists with add; this starts one */
	eg_range_list_add(l, f, t, value);
}

static void add_range(struct eg_range_list *l, const char *first, const char *last, uint32_t value)
{
	uint8_t f[16], t[16];

	addr(first, f);
	addr(last, t);
	eg_range_list_add(l, f, t, value);
}

static void test_normalize(void)
{
	struct eg_range_list l = {0};
	struct eg_error err = {0};
	struct eg_dataset view = {0};

	/* Out of order; touching and overlapping ranges of one value merge. */
	set_range(&l, "10.0.0.10", "10.0.0.19", 1);
	add_range(&l, "10.0.0.0", "10.0.0.9", 1);
	add_range(&l, "10.0.0.15", "10.0.0.30", 1);
	add_range(&l, "10.0.0.31", "10.0.0.40", 2); /* touching, another value: stays apart */
	add_range(&l, "2001:db8::", "2001:db8::ff", 1);
	ASSERT_EQ(eg_range_list_normalize(&l, "t", &err), 0, err.msg);
	view.ranges = l;
	{
		static const struct want want[] = {
			{"10.0.0.0", "10.0.0.30", 1},
			{"10.0.0.31", "10.0.0.40", 2},
			{"2001:db8::", "2001:db8::ff", 1},
		};
		char msg[256];

		if (!same_ranges(&view, want, 3, msg, sizeof(msg))) {
			CHECK_FAIL_("%s", msg);
			eg_range_list_free(&l);
			return;
		}
	}
	/* add() itself extends the last range when the next continues it. */
	set_range(&l, "10.0.0.0", "10.0.0.9", 7);
	add_range(&l, "10.0.0.10", "10.0.0.20", 7);
	ASSERT_EQ(l.n, 1, "extended on add");

	set_range(&l, "10.0.0.0", "10.0.0.9", 1);
	add_range(&l, "10.0.0.5", "10.0.0.20", 2);
	ASSERT_EQ(eg_range_list_normalize(&l, "t.csv", &err), -1, "conflicting overlap");
	ASSERT_STREQ(err.msg,
		     "t.csv: overlapping ranges with different values: 10.0.0.0-10.0.0.9 (1) and "
		     "10.0.0.5-10.0.0.20 (2)",
		     "names both");
	ASSERT_EQ(eg_range_list_normalize_kind(&l, EG_DATA_ASN, "t.csv", &err), -1, "again");
	ASSERT_CONTAINS(err.msg, "10.0.0.0-10.0.0.9 (AS1) and 10.0.0.5-10.0.0.20 (AS2)", "kind");
	eg_range_list_free(&l);
}

static void test_resolve(void)
{
	static const struct want nested[] = {
		{"10.0.0.0", "10.0.0.63", 1},	 {"10.0.0.64", "10.0.0.127", 2},
		{"10.0.0.128", "10.0.0.191", 1}, {"10.0.0.192", "10.0.0.200", 3},
		{"10.0.0.201", "10.0.0.255", 1}, {"10.0.1.0", "10.0.1.9", 4},
	};
	struct eg_range_list l = {0};
	struct eg_dataset view = {0};
	size_t conflicts;
	char first[256], msg[256];

	set_range(&l, "10.0.0.0", "10.0.0.255", 1);
	add_range(&l, "10.0.0.64", "10.0.0.127", 2);  /* nested: wins inside */
	add_range(&l, "10.0.0.192", "10.0.0.200", 3); /* nested again */
	add_range(&l, "10.0.0.192", "10.0.0.195", 3); /* same value inside: no conflict */
	add_range(&l, "10.0.1.0", "10.0.1.9", 4);
	ASSERT_EQ(eg_range_list_resolve(&l, EG_DATA_ASN, &conflicts, first, sizeof(first)), 0,
		  "resolve");
	view.ranges = l;
	if (!same_ranges(&view, nested, sizeof(nested) / sizeof(nested[0]), msg, sizeof(msg))) {
		CHECK_FAIL_("%s", msg);
		eg_range_list_free(&l);
		return;
	}
	ASSERT_EQ(conflicts, 2, "two conflicts");
	ASSERT_STREQ(first, "10.0.0.0-10.0.0.255 (AS1) and 10.0.0.64-10.0.0.127 (AS2)", "first");

	/* Partial overlap: the later start wins; equal starts: the shorter wins. */
	set_range(&l, "10.0.0.0", "10.0.0.99", 1);
	add_range(&l, "10.0.0.50", "10.0.0.150", 2);
	add_range(&l, "10.0.0.50", "10.0.0.59", 3);
	ASSERT_EQ(eg_range_list_resolve(&l, EG_DATA_ASN, &conflicts, NULL, 0), 0, "resolve");
	{
		static const struct want want[] = {
			{"10.0.0.0", "10.0.0.49", 1},
			{"10.0.0.50", "10.0.0.59", 3},
			{"10.0.0.60", "10.0.0.150", 2},
		};

		view.ranges = l;
		if (!same_ranges(&view, want, 3, msg, sizeof(msg))) {
			CHECK_FAIL_("%s", msg);
			eg_range_list_free(&l);
			return;
		}
	}
	/* The whole space, and a range at its very end. */
	set_range(&l, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1);
	add_range(&l, "ffff::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 2);
	ASSERT_EQ(eg_range_list_resolve(&l, EG_DATA_ASN, &conflicts, NULL, 0), 0, "resolve");
	ASSERT_EQ(l.n, 2, "split in two");
	ASSERT_EQ(l.v[1].value, 2, "the end is the later range's");
	ASSERT_EQ(l.v[0].last[0], 0xff, "first part ends before ffff::");
	ASSERT_EQ(l.v[0].last[1], 0xfe, "at fffe:ffff:...");
	eg_range_list_free(&l);
}

static void test_values(void)
{
	uint16_t cc = 0;
	char text[16];

	ASSERT_EQ(eg_country_parse("cn", 2, &cc), 0, "lower case");
	ASSERT_EQ(cc, EG_CC('C', 'N'), "packed");
	ASSERT_EQ(eg_country_parse("C1", 2, &cc), -1, "digit");
	ASSERT_EQ(eg_country_parse("CHN", 3, &cc), -1, "three letters");
	ASSERT_EQ(eg_country_parse("@[", 2, &cc), -1, "next to the letters");
	eg_value_format(EG_DATA_COUNTRY, EG_CC('D', 'E'), text, sizeof(text));
	ASSERT_STREQ(text, "DE", "country");
	eg_value_format(EG_DATA_ASN, 45102, text, sizeof(text));
	ASSERT_STREQ(text, "AS45102", "asn");
}

/* ---- the real datasets, when present ---- */

/* Start address of the first row of asn-ipv4.csv announced by AS45102, read independently. */
static int first_row_of(const char *csv, const char *asn_field, char *start, size_t len)
{
	FILE *f = fopen(csv, "r");
	char line[1024];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *comma = strchr(line, ',');

		if (comma && strstr(line, asn_field)) {
			*comma = '\0';
			snprintf(start, len, "%s", line);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static void test_real_datasets(void)
{
	glob_t g = {0};
	const char *asn_parts[2] = {"data/asn-ipv4.csv", "data/asn-ipv6.csv"};
	struct eg_dataset country, asn;
	struct eg_error err = {0};
	char start[64];
	uint32_t cc;
	int rc;

	if (glob("data/*country*.mmdb", 0, NULL, &g) != 0 || access(asn_parts[0], R_OK) ||
	    access(asn_parts[1], R_OK)) {
		globfree(&g);
		SKIP("no real datasets in data/ (data/*country*.mmdb, data/asn-ipv4.csv, "
		     "data/asn-ipv6.csv)");
	}
	/* Prefer the dataset holding both families. */
	rc = eg_dataset_load(access("data/dbip-country.mmdb", R_OK) == 0 ? "data/dbip-country.mmdb"
									 : g.gl_pathv[0],
			     EG_DATA_COUNTRY, &country, &err);
	globfree(&g);
	ASSERT_EQ(rc, 0, err.msg);
	ASSERT_GE(country.ranges.n, 100000, "country ranges");
	ASSERT_EQ(eg_dataset_load_files(asn_parts, 2, EG_DATA_ASN, &asn, &err), 0, err.msg);
	ASSERT_GE(asn.ranges.n, 100000, "ASN ranges");
	ASSERT_GE(asn.n_names, 10000, "AS names");
	ASSERT_TRUE(first_row_of(asn_parts[0], ",45102,", start, sizeof(start)),
		    "the CSV has an AS45102 row");
	ASSERT_EQ(lookup(&asn, start), 45102, start);
	ASSERT_TRUE(eg_dataset_asn_name(&asn, 45102) != NULL, "AS45102 has a name");
	cc = lookup(&country, start);
	ASSERT_TRUE(cc >> 8 >= 'A' && cc >> 8 <= 'Z' && (cc & 0xff) >= 'A' && (cc & 0xff) <= 'Z',
		    "the AS45102 address has a country");
	printf("  real data: %s %zu ranges; %s %zu ranges, %zu names, %zu conflicts; %s: AS%u, "
	       "%c%c\n",
	       country.path, country.ranges.n, asn.path, asn.ranges.n, asn.n_names, asn.n_conflicts,
	       start, lookup(&asn, start), (char)(cc >> 8), (char)cc);
	eg_dataset_free(&country);
	eg_dataset_free(&asn);
}

int main(void)
{
	if (make_fixtures()) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN_TEST(test_sha256_known_answers);
	RUN_TEST(test_mmdb_geolite2_country);
	RUN_TEST(test_mmdb_ipv4_once);
	RUN_TEST(test_mmdb_dbip_country);
	RUN_TEST(test_mmdb_geolite2_asn);
	RUN_TEST(test_csv_asn);
	RUN_TEST(test_csv_decorated);
	RUN_TEST(test_csv_quotes_in_memory);
	RUN_TEST(test_csv_bom_header);
	RUN_TEST(test_csv_country);
	RUN_TEST(test_tsv_ip2asn);
	RUN_TEST(test_gzip_equals_plain);
	RUN_TEST(test_gzip_bomb_refused);
	RUN_TEST(test_gzip_bomb_bounded_memory);
	RUN_TEST(test_stream_too_large);
	RUN_TEST(test_csv_streamed_in_pieces);
	RUN_TEST(test_mmdb_straight_to_runs);
	RUN_TEST(test_bad_inputs);
	RUN_TEST(test_overlap_resolved);
	RUN_TEST(test_load_files);
	RUN_TEST(test_load_files_first_error);
	RUN_TEST(test_load_mem_mmdb);
	RUN_TEST(test_range_to_cidrs);
	RUN_TEST(test_range_to_cidrs_random);
	RUN_TEST(test_normalize);
	RUN_TEST(test_resolve);
	RUN_TEST(test_values);
	RUN_TEST(test_real_datasets);
	return check_summary();
}
