// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The journald sink, through libsystemd's sd-journal: MESSAGE is the readable
 * text line, PRIORITY the syslog level, and every field of the event its own
 * journal field, EXFILGUARD_VERDICT=deny, EXFILGUARD_DADDR=..., so that
 * `journalctl EXFILGUARD_VERDICT=deny` selects them. sd_journal_sendv() may
 * block while journald is busy: it runs in the sink's own thread.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
/* No CODE_FILE/CODE_LINE of this sink in every entry: they would say nothing about the event. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include "event_sink.h"
#include "event_sink_journald.h"

#define FIELD_PREFIX "EXFILGUARD_"

/* "as_org" -> "EXFILGUARD_AS_ORG=" (journal field names: upper case, digits, '_'). */
static void put_field_name(FILE *f, const char *name)
{
	fputs(FIELD_PREFIX, f);
	for (; *name; name++)
		fputc(isalnum((unsigned char)*name) ? toupper((unsigned char)*name) : '_', f);
	fputc('=', f);
}

char *eg_journald_fields(const struct eg_sink_record *rec, size_t *len)
{
	size_t i, text_len = rec->text_len;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	if (text_len && rec->text[text_len - 1] == '\n')
		text_len--;
	fprintf(f, "MESSAGE=%.*s%cPRIORITY=%d%cSYSLOG_IDENTIFIER=exfilguard%c", (int)text_len,
		rec->text, 0, rec->severity, 0, 0);
	fprintf(f, "%sEVENT=%s%c", FIELD_PREFIX, rec->msgid, 0);
	for (i = 0; i < rec->n_fields; i++) {
		put_field_name(f, rec->fields[i].name);
		fprintf(f, "%s%c", rec->fields[i].value, 0);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *journald_format(struct eg_sink *sink, const struct eg_sink_record *rec, size_t *len)
{
	(void)sink;
	return eg_journald_fields(rec, len);
}

/* Each NUL-ended "NAME=value" of buf, one iovec each. */
static int journald_deliver(struct eg_sink *sink, const char *buf, size_t len)
{
	struct iovec iov[EG_JOURNALD_MAX_FIELDS];
	int n = 0;
	size_t at = 0;

	(void)sink;
	while (at < len && n < EG_JOURNALD_MAX_FIELDS) {
		size_t flen = strlen(buf + at);

		iov[n].iov_base = (void *)(buf + at);
		iov[n++].iov_len = flen;
		at += flen + 1;
	}
	return sd_journal_sendv(iov, n) < 0 ? -1 : 0;
}

static const struct eg_sink_ops journald_ops = {
	.format = journald_format,
	.deliver = journald_deliver,
	.close = eg_sink_release,
};

/* Refused at start when no journald listens, rather than dropping every event silently. */
static int journald_open(struct eg_sink *sink, const char *arg, struct eg_error *err)
{
	if (arg)
		return eg_fail(err, EINVAL, "output journald: takes no argument, got '%s'", arg);
	if (access(EG_JOURNALD_SOCKET, W_OK))
		return eg_fail(err, errno, "output journald: %s: %s (is systemd-journald running?)",
			       EG_JOURNALD_SOCKET, strerror(errno));
	sink->ops = &journald_ops;
	snprintf(sink->name, sizeof(sink->name), "journald");
	return 0;
}

const struct eg_sink_kind eg_sink_kind_journald = {.scheme = "journald", .open = journald_open};
