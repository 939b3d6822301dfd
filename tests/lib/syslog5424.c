// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "syslog5424.h"

struct cursor {
	const char *p, *end;
};

static int bad(const struct cursor *c, const char *what)
{
	fprintf(stderr, "  syslog: %s at \"%.40s\"\n", what, c->p);
	return -1;
}

/* Characters up to the next space (1..max-1 of PRINTUSASCII), then the space. */
static int token(struct cursor *c, char *out, size_t max, const char *what)
{
	size_t n = 0;

	while (c->p < c->end && *c->p != ' ') {
		if (*c->p < 33 || *c->p > 126 || n + 1 >= max)
			return bad(c, what);
		out[n++] = *c->p++;
	}
	out[n] = '\0';
	if (!n || c->p >= c->end)
		return bad(c, what);
	c->p++;
	return 0;
}

/* SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']', '"'. */
static int sd_name(struct cursor *c, char out[33])
{
	size_t n = 0;

	while (c->p<c->end && * c->p> 32 && *c->p < 127 && !strchr("= ]\"", *c->p)) {
		if (n == 32)
			return bad(c, "SD-NAME longer than 32");
		out[n++] = *c->p++;
	}
	out[n] = '\0';
	return n ? 0 : bad(c, "empty SD-NAME");
}

/* '"' value '"', where '"', '\' and ']' must be escaped with '\'. */
static int param_value(struct cursor *c, char *out, size_t max)
{
	size_t n = 0;

	if (c->p >= c->end || *c->p++ != '"')
		return bad(c, "PARAM-VALUE must start with '\"'");
	while (c->p < c->end && *c->p != '"') {
		if (*c->p == ']')
			return bad(c, "unescaped ']' in PARAM-VALUE");
		if (*c->p == '\\') {
			if (c->p + 1 >= c->end || !strchr("\"\\]", c->p[1]))
				return bad(c, "'\\' not escaping '\"', '\\' or ']'");
			c->p++;
		}
		if (n + 1 >= max)
			return bad(c, "PARAM-VALUE too long for the test");
		out[n++] = *c->p++;
	}
	out[n] = '\0';
	if (c->p >= c->end)
		return bad(c, "unterminated PARAM-VALUE");
	c->p++;
	return 0;
}

static int sd_element(struct cursor *c, struct syslog_msg *m)
{
	if (c->p >= c->end || *c->p++ != '[' || sd_name(c, m->sd_id))
		return bad(c, "expected one SD-ELEMENT");
	while (c->p < c->end && *c->p == ' ') {
		struct syslog_param *prm = &m->params[m->n_params];

		c->p++;
		if (m->n_params == SYSLOG_MAX_PARAMS)
			return bad(c, "too many parameters for the test");
		if (sd_name(c, prm->name) || c->p >= c->end || *c->p++ != '=' ||
		    param_value(c, prm->value, sizeof(prm->value)))
			return -1;
		m->n_params++;
	}
	if (c->p >= c->end || *c->p++ != ']')
		return bad(c, "SD-ELEMENT not closed by ']'");
	return 0;
}

static int header(struct cursor *c, struct syslog_msg *m)
{
	int used = 0;

	if (sscanf(c->p, "<%3d>1 %n", &m->pri, &used) != 1 || !used || m->pri < 0 || m->pri > 191)
		return bad(c, "expected <PRI>1 ");
	c->p += used;
	return token(c, m->timestamp, sizeof(m->timestamp), "TIMESTAMP") ||
	       token(c, m->hostname, sizeof(m->hostname), "HOSTNAME") ||
	       token(c, m->app, sizeof(m->app), "APP-NAME") ||
	       token(c, m->procid, sizeof(m->procid), "PROCID") ||
	       token(c, m->msgid, sizeof(m->msgid), "MSGID");
}

int syslog5424_parse(const char *buf, size_t len, struct syslog_msg *m)
{
	struct cursor c = {.p = buf, .end = buf + len};
	size_t rest;

	memset(m, 0, sizeof(*m));
	if (header(&c, m) || sd_element(&c, m))
		return -1;
	if (c.p == c.end)
		return 0;
	if (*c.p++ != ' ' || c.end - c.p < 3 || memcmp(c.p, "\xef\xbb\xbf", 3))
		return bad(&c, "MSG must follow one space and start with the UTF-8 BOM");
	c.p += 3;
	rest = (size_t)(c.end - c.p);
	if (rest >= sizeof(m->msg))
		return bad(&c, "MSG too long for the test");
	memcpy(m->msg, c.p, rest);
	m->msg[rest] = '\0';
	return 0;
}

const char *syslog5424_param(const struct syslog_msg *m, const char *name)
{
	for (size_t i = 0; i < m->n_params; i++)
		if (!strcmp(m->params[i].name, name))
			return m->params[i].value;
	return NULL;
}
