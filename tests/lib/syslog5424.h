/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A strict reader of RFC 5424 syslog messages, for tests that stand in for a
 * syslog receiver: the header fields, one structured-data element with its
 * parameters (escapes undone), and the message after its UTF-8 BOM. Anything
 * the RFC does not allow (an unescaped '"', '\' or ']' in a value, a bad
 * name, a missing space) fails the read, with the reason printed.
 */
#ifndef EXFILGUARD_TESTS_SYSLOG5424_H
#define EXFILGUARD_TESTS_SYSLOG5424_H

#include <stddef.h>

#define SYSLOG_MAX_PARAMS 48

struct syslog_param {
	char name[33];
	char value[1024];
};

struct syslog_msg {
	int pri;
	char timestamp[64], hostname[256], app[49], procid[129], msgid[33];
	char sd_id[33];
	struct syslog_param params[SYSLOG_MAX_PARAMS];
	size_t n_params;
	char msg[8192]; /* without the BOM */
};

/* 0, or -1 (printed) when buf is not one well-formed RFC 5424 message with one SD element. */
int syslog5424_parse(const char *buf, size_t len, struct syslog_msg *out);

/* A parameter's value, or NULL when absent. */
const char *syslog5424_param(const struct syslog_msg *m, const char *name);

#endif
