// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The syslog sink: RFC 5424 messages whose structured data carries the
 * event's fields, [exfilguard@32473 verdict="deny" daddr="..." ...], and whose
 * MSG is the readable text line. To /dev/log (a local datagram socket) by
 * default, or to "udp://HOST:PORT", "tcp://HOST:PORT" (RFC 6587 octet
 * counting) or "unix:PATH".
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "event_sink.h"

#define SD_ID	      "exfilguard@32473"
#define DEFAULT_PATH  "/dev/log"
#define UTF8_BOM      "\xef\xbb\xbf"
#define HOST_NAME_LEN 256

struct syslog_state {
	int socktype; /* SOCK_DGRAM or SOCK_STREAM */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char hostname[HOST_NAME_LEN];
};

/* A PARAM-VALUE: '"', '\' and ']' escaped with a backslash (RFC 5424, 6.3.3). */
static void put_param_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == ']')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* RFC 3339 with at most 6 digits of fraction, as RFC 5424 allows ("-": none). */
static void put_timestamp(FILE *f, const char *time)
{
	const char *dot = time ? strchr(time, '.') : NULL;
	size_t digits = dot ? strspn(dot + 1, "0123456789") : 0;

	if (!time) {
		fputc('-', f);
		return;
	}
	if (!dot || digits <= 6) {
		fputs(time, f);
		return;
	}
	fprintf(f, "%.*s%s", (int)(dot + 7 - time), time, dot + 1 + digits);
}

static void put_message(FILE *f, const struct syslog_state *st, const struct eg_sink_record *rec)
{
	size_t i, text_len = rec->text_len;

	fprintf(f, "<%d>1 ", LOG_DAEMON | rec->severity);
	put_timestamp(f, rec->time);
	fprintf(f, " %s exfilguard %d %s [" SD_ID, st->hostname, (int)getpid(), rec->msgid);
	for (i = 0; i < rec->n_fields; i++) {
		fprintf(f, " %s=\"", rec->fields[i].name);
		put_param_value(f, rec->fields[i].value);
		fputc('"', f);
	}
	if (text_len && rec->text[text_len - 1] == '\n')
		text_len--;
	fprintf(f, "] " UTF8_BOM "%.*s", (int)text_len, rec->text);
}

static char *syslog_format(struct eg_sink *sink, const struct eg_sink_record *rec, size_t *len)
{
	struct syslog_state *st = sink->priv;
	char *msg = NULL, *framed = NULL;
	FILE *f = open_memstream(&msg, len);
	int n;

	if (!f)
		return NULL;
	put_message(f, st, rec);
	if (fclose(f)) {
		free(msg);
		return NULL;
	}
	if (st->socktype == SOCK_DGRAM)
		return msg;
	/* A stream carries "LENGTH SP MESSAGE" (RFC 6587, octet counting). */
	n = asprintf(&framed, "%zu %s", *len, msg);
	free(msg);
	*len = n < 0 ? 0 : (size_t)n;
	return n < 0 ? NULL : framed;
}

static int connect_socket(struct eg_sink *sink)
{
	struct syslog_state *st = sink->priv;
	int fd = socket(st->addr.ss_family, st->socktype | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&st->addr, st->addrlen)) {
		close(fd);
		return -1;
	}
	if (sink->fd >= 0)
		close(sink->fd);
	sink->fd = fd;
	return 0;
}

/* Sent, or after one reconnect (a restarted syslog daemon, a dropped TCP connection). */
static int syslog_deliver(struct eg_sink *sink, const char *buf, size_t len)
{
	if (sink->fd >= 0 && !eg_sink_write_all(sink->fd, buf, len))
		return 0;
	if (connect_socket(sink))
		return -1;
	return eg_sink_write_all(sink->fd, buf, len);
}

static const struct eg_sink_ops syslog_ops = {
	.format = syslog_format,
	.deliver = syslog_deliver,
	.close = eg_sink_release,
};

static int unix_address(struct syslog_state *st, const char *path, struct eg_error *err)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&st->addr;

	if (strlen(path) >= sizeof(un->sun_path))
		return eg_fail(err, ENAMETOOLONG, "output syslog: unix:%s: path too long", path);
	un->sun_family = AF_UNIX;
	strcpy(un->sun_path, path);
	st->addrlen = sizeof(*un);
	st->socktype = SOCK_DGRAM;
	return 0;
}

/* "HOST:PORT" or "[V6]:PORT", numeric or resolved here, once. */
static int inet_address(struct syslog_state *st, const char *target, const char *hostport,
			struct eg_error *err)
{
	struct addrinfo hints = {.ai_socktype = st->socktype, .ai_flags = AI_NUMERICSERV}, *ai;
	char host[HOST_NAME_LEN];
	const char *colon = strrchr(hostport, ':');
	size_t hlen = colon ? (size_t)(colon - hostport) : 0;
	int rc;

	if (hlen >= 2 && hostport[0] == '[' && hostport[hlen - 1] == ']') {
		hostport++;
		hlen -= 2;
	}
	if (!colon || !hlen || hlen >= sizeof(host) || !colon[1])
		return eg_fail(err, EINVAL, "output syslog:%s: expected HOST:PORT after the scheme",
			       target);
	memcpy(host, hostport, hlen);
	host[hlen] = '\0';
	rc = getaddrinfo(host, colon + 1, &hints, &ai);
	if (rc)
		return eg_fail(err, EINVAL, "output syslog:%s: %s", target, gai_strerror(rc));
	memcpy(&st->addr, ai->ai_addr, ai->ai_addrlen);
	st->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int parse_target(struct syslog_state *st, const char *target, struct eg_error *err)
{
	if (!target)
		return unix_address(st, DEFAULT_PATH, err);
	if (!strncmp(target, "unix:", 5))
		return unix_address(st, target + 5, err);
	st->socktype = !strncmp(target, "tcp://", 6) ? SOCK_STREAM : SOCK_DGRAM;
	if (strncmp(target, "udp://", 6) && strncmp(target, "tcp://", 6))
		return eg_fail(err, EINVAL,
			       "output syslog:%s: expected udp://HOST:PORT, tcp://HOST:PORT or "
			       "unix:PATH",
			       target);
	return inet_address(st, target, target + 6, err);
}

/* RFC 5424 HOSTNAME: printable US-ASCII without spaces, else "-". */
static void own_hostname(char *out, size_t len)
{
	size_t i;

	if (gethostname(out, len) || !out[0])
		snprintf(out, len, "-");
	out[len - 1] = '\0';
	for (i = 0; out[i]; i++)
		if (out[i] <= ' ' || out[i] > '~')
			out[i] = '_';
}

static int syslog_open(struct eg_sink *sink, const char *target, struct eg_error *err)
{
	struct syslog_state *st = calloc(1, sizeof(*st));

	if (!st)
		return eg_fail(err, ENOMEM, "output syslog: out of memory");
	sink->ops = &syslog_ops;
	sink->priv = st;
	sink->owns_fd = 1;
	snprintf(sink->name, sizeof(sink->name), "syslog %s", target ? target : DEFAULT_PATH);
	own_hostname(st->hostname, sizeof(st->hostname));
	if (parse_target(st, target, err))
		goto fail;
	/* A receiver that is not there at start is a mistake worth stopping for. */
	if (connect_socket(sink)) {
		eg_fail(err, errno, "output syslog %s: cannot connect: %s",
			target ? target : DEFAULT_PATH, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	eg_sink_release(sink);
	return -1;
}

const struct eg_sink_kind eg_sink_kind_syslog = {.scheme = "syslog", .open = syslog_open};
