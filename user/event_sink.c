// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>
#include "event_sink.h"

#define EG_SINK_ENTRY_(name) &eg_sink_kind_##name,
static const struct eg_sink_kind *const kinds[] = {EG_SINK_KINDS(EG_SINK_ENTRY_)};

/* The kind whose scheme prefixes target ("syslog:..."), else the one without a scheme. */
static const struct eg_sink_kind *kind_for(const char *target)
{
	const struct eg_sink_kind *fallback = NULL;
	size_t i, len;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!kinds[i]->scheme) {
			fallback = kinds[i];
			continue;
		}
		len = strlen(kinds[i]->scheme);
		if (target && !strncmp(target, kinds[i]->scheme, len) && target[len] == ':')
			return kinds[i];
	}
	return fallback;
}

int eg_sink_open(struct eg_sink *sink, const char *target, struct eg_error *err)
{
	memset(sink, 0, sizeof(*sink));
	sink->fd = -1;
	return kind_for(target)->open(sink, target, err);
}

int eg_sink_write(struct eg_sink *sink, const char *line, size_t len,
		  const volatile sig_atomic_t *stopping)
{
	return sink->ops->write_line(sink, line, len, stopping);
}

int eg_sink_poll_fd(const struct eg_sink *sink)
{
	return sink->ops->poll_fd(sink);
}

int eg_sink_stalled(const struct eg_sink *sink)
{
	return sink->ops->stalled(sink);
}

void eg_sink_close(struct eg_sink *sink)
{
	if (sink->ops)
		sink->ops->close(sink);
	sink->ops = NULL;
}
