// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The metrics endpoint: listening, authentication, /healthz, and the daemon's updates. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>
#include "metrics_impl.h"

int eg_metrics_parse_listen(const char *text, struct eg_metrics_listen *out, const char **why)
{
	const char *colon = strrchr(text, ':'), *port = colon ? colon + 1 : text;
	size_t alen = colon ? (size_t)(colon - text) : 0;
	char *end;
	unsigned long n;

	snprintf(out->addr, sizeof(out->addr), "127.0.0.1");
	if (colon && alen >= 2 && text[0] == '[' && text[alen - 1] == ']') {
		text++; /* [IPv6]:PORT */
		alen -= 2;
	}
	if (colon && (alen == 0 || alen >= sizeof(out->addr))) {
		*why = "expected [ADDR:]PORT";
		return -1;
	}
	if (colon)
		snprintf(out->addr, sizeof(out->addr), "%.*s", (int)alen, text);
	errno = 0;
	n = strtoul(port, &end, 10);
	if (errno || end == port || *end || n == 0 || n > 65535) {
		*why = "the port must be a number from 1 to 65535";
		return -1;
	}
	out->port = (uint16_t)n;
	return 0;
}

/* The listening address as a socket address; -1 when it is no IPv4 or IPv6 address. */
static int listen_sockaddr(const struct eg_metrics_listen *l, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, l->addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(l->port);
		return 0;
	}
	if (inet_pton(AF_INET6, l->addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(l->port);
		return 0;
	}
	return -1;
}

static int read_token(const char *path, char *out, size_t len, struct eg_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd < 0 ? -1 : read(fd, out, len - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return eg_fail(err, errno, "--metrics-token-file %s: %s", path, strerror(errno));
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	if (!out[0] || (size_t)n == len - 1)
		return eg_fail(err, EINVAL,
			       "--metrics-token-file %s: expected one line of 1 to %d bytes", path,
			       EG_METRICS_TOKEN_MAX - 2);
	return 0;
}

/* Compare without leaking, through timing, how much of the token a guess got right. */
static int token_ok(const struct eg_metrics *m, struct MHD_Connection *c)
{
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	size_t tlen = strlen(m->token), i;
	unsigned char diff = 0;

	if (!m->token[0])
		return 1;
	if (!auth || strncmp(auth, "Bearer ", 7) || strlen(auth + 7) != tlen)
		return 0;
	for (i = 0; i < tlen; i++)
		diff |= (unsigned char)(auth[7 + i] ^ m->token[i]);
	return diff == 0;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, char *body, size_t len,
			       const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result respond_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	char *body = strdup(text);

	return body ? respond(c, status, body, strlen(body), "text/plain; charset=utf-8") : MHD_NO;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **con_cls)
{
	struct eg_metrics *m = cls;
	size_t len;
	char *body;
	int healthy;

	(void)version, (void)upload, (void)upload_len, (void)con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return respond_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (!token_ok(m, c))
		return respond_text(c, MHD_HTTP_UNAUTHORIZED, "a bearer token is required\n");
	if (strcmp(url, "/healthz") == 0) {
		pthread_mutex_lock(&m->lock);
		healthy = m->healthy;
		pthread_mutex_unlock(&m->lock);
		return respond_text(c, healthy ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
				    healthy ? "ok\n" : "not enforcing\n");
	}
	if (strcmp(url, "/metrics"))
		return respond_text(c, MHD_HTTP_NOT_FOUND, "/metrics or /healthz\n");
	body = eg_metrics_render(m, &len);
	if (!body)
		return respond_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	return respond(c, MHD_HTTP_OK, body, len, "text/plain; version=0.0.4; charset=utf-8");
}

struct eg_metrics *eg_metrics_start(const struct eg_metrics_listen *listen, const char *token_file,
				    const char *pin_dir, struct eg_sinks *sinks,
				    struct eg_error *err)
{
	struct eg_metrics *m = calloc(1, sizeof(*m));
	struct sockaddr_storage ss;

	if (!m) {
		eg_fail(err, ENOMEM, "metrics: out of memory");
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	snprintf(m->pin_dir, sizeof(m->pin_dir), "%s", pin_dir);
	if (listen_sockaddr(listen, &ss)) {
		eg_fail(err, EINVAL, "--metrics: '%s' is not an IPv4 or IPv6 address",
			listen->addr);
	} else if (!(token_file && read_token(token_file, m->token, sizeof(m->token), err))) {
		m->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
						  (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
					  listen->port, NULL, NULL, handle, m, MHD_OPTION_SOCK_ADDR,
					  (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_TIMEOUT,
					  (unsigned)10, MHD_OPTION_END);
		if (!m->mhd)
			eg_fail(err, errno ? errno : EADDRINUSE,
				"--metrics: cannot listen on %s:%u: %s", listen->addr, listen->port,
				strerror(errno ? errno : EADDRINUSE));
	}
	if (m->mhd && eg_metrics_sink_add(m, sinks, err) == 0)
		return m;
	eg_metrics_stop(m);
	return NULL;
}

int eg_metrics_open(struct eg_metrics **out, const char *cli, const char *policy,
		    const char *token_file, const char *pin_dir, struct eg_sinks *sinks,
		    struct eg_error *err)
{
	const char *text = cli ? cli : policy && policy[0] ? policy : NULL, *why = "";
	struct eg_metrics_listen listen;

	*out = NULL;
	if (!text)
		return token_file
			       ? eg_fail(err, EINVAL,
					 "--metrics-token-file needs --metrics or metrics: in the "
					 "policy")
			       : 0;
	if (eg_metrics_parse_listen(text, &listen, &why))
		return eg_fail(err, EINVAL, "--metrics %s: %s", text, why);
	*out = eg_metrics_start(&listen, token_file, pin_dir, sinks, err);
	return *out ? 0 : -1;
}

void eg_metrics_set_healthy(struct eg_metrics *m, int healthy)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->healthy = healthy;
	pthread_mutex_unlock(&m->lock);
}

static void set_in_force(struct eg_metrics *m, const char *mode, uint64_t dataset_built)
{
	snprintf(m->mode, sizeof(m->mode), "%s", mode);
	m->dataset_built = dataset_built;
}

static double seconds_since(const struct timespec *began)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - began->tv_sec) + (double)(now.tv_nsec - began->tv_nsec) / 1e9;
}

void eg_metrics_loaded(struct eg_metrics *m, const struct timespec *began, const char *mode,
		       uint64_t dataset_built)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->load_seconds = seconds_since(began);
	set_in_force(m, mode, dataset_built);
	pthread_mutex_unlock(&m->lock);
}

void eg_metrics_reload_begin(struct eg_metrics *m)
{
	if (m)
		clock_gettime(CLOCK_MONOTONIC, &m->reload_began);
}

void eg_metrics_reload_end(struct eg_metrics *m, int ok, const char *mode, uint64_t dataset_built)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->reloads[ok ? 1 : 0]++;
	m->last_reload_ok = ok;
	m->last_reload_seconds = seconds_since(&m->reload_began);
	m->last_reload_unix = (int64_t)time(NULL);
	set_in_force(m, mode, dataset_built);
	pthread_mutex_unlock(&m->lock);
}

void eg_metrics_stop(struct eg_metrics *m)
{
	if (!m)
		return;
	if (m->mhd)
		MHD_stop_daemon(m->mhd);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
