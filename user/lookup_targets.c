// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "../maps/decide.h"
#include "lookup_targets.h"

/* text: the address as given; NULL to show it formatted. */
static int push(struct eg_lookup_target **out, size_t *n, const uint8_t addr[16], const char *name,
		const char *text)
{
	struct eg_lookup_target *grown;

	for (size_t i = 0; name && i < *n; i++)
		if ((*out)[i].name == name && !memcmp((*out)[i].addr, addr, 16))
			return 0; /* the same address under another socket type */
	grown = realloc(*out, (*n + 1) * sizeof(**out));
	if (!grown)
		return -1;
	*out = grown;
	memcpy(grown[*n].addr, addr, 16);
	if (text)
		snprintf(grown[*n].text, sizeof(grown[*n].text), "%s", text);
	else
		eg_addr_format(addr, grown[*n].text, sizeof(grown[*n].text));
	grown[*n].name = name;
	(*n)++;
	return 0;
}

/* Every address a host name resolves to, here, the way the workloads' resolver would. */
static int resolve(const char *name, struct eg_lookup_target **out, size_t *n, struct eg_error *err)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
	int rc = getaddrinfo(name, NULL, &hints, &res);

	if (rc)
		return eg_fail(err, ENOENT,
			       "'%s' is not an IPv4 or IPv6 address, and as a host name: %s", name,
			       gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		uint8_t addr[16];

		if (ai->ai_family == AF_INET)
			eg_addr_from_v4(addr, ((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr);
		else if (ai->ai_family == AF_INET6)
			memcpy(addr, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		else
			continue;
		if (push(out, n, addr, name, NULL)) {
			freeaddrinfo(res);
			return eg_fail(err, ENOMEM, "out of memory");
		}
	}
	freeaddrinfo(res);
	return 0;
}

/* Digits, dots and colons only (hex digits too with a colon): meant as an address, not a name. */
static int looks_like_address(const char *s)
{
	int colon = strchr(s, ':') != NULL;

	return s[strspn(s, colon ? "0123456789abcdefABCDEF:." : "0123456789.")] == '\0';
}

int eg_lookup_targets(int argc, char **argv, struct eg_lookup_target **out, size_t *n,
		      struct eg_error *err)
{
	*out = NULL;
	*n = 0;
	for (int i = 0; i < argc; i++) {
		uint8_t addr[16], family;
		int rc = eg_addr_parse(argv[i], addr, &family) == 0
				 ? push(out, n, addr, NULL, argv[i])
			 : looks_like_address(argv[i]) ? -2
						       : resolve(argv[i], out, n, err);

		if (rc == -2)
			eg_fail(err, EINVAL, "'%s' is not an IPv4 or IPv6 address", argv[i]);
		if (rc) {
			if (!err->msg[0])
				eg_fail(err, ENOMEM, "out of memory");
			free(*out);
			*out = NULL;
			return rc == -2 ? -2 : -1;
		}
	}
	return 0;
}
