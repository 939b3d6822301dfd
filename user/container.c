// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Container and pod identity from cgroup v2 paths; container-ID and pod-UID selectors (globs:
 * cgroup_glob.c). */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include "container.h"

/* One path component, not NUL-terminated. */
struct comp {
	const char *s;
	size_t len;
};

static bool comp_is(struct comp c, const char *word)
{
	size_t n = strlen(word);

	return c.len == n && memcmp(c.s, word, n) == 0;
}

static bool comp_has_prefix(struct comp c, const char *prefix)
{
	size_t n = strlen(prefix);

	return c.len >= n && memcmp(c.s, prefix, n) == 0;
}

static bool comp_has_suffix(struct comp c, const char *suffix)
{
	size_t n = strlen(suffix);

	return c.len >= n && memcmp(c.s + c.len - n, suffix, n) == 0;
}

static bool is_lower_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

static bool is_hex_text(const char *s, size_t len, bool any_case)
{
	for (size_t i = 0; i < len; i++) {
		if (!is_lower_hex(s[i]) && !(any_case && isxdigit((unsigned char)s[i])))
			return false;
	}
	return true;
}

static bool is_full_id(struct comp c)
{
	return c.len == EG_CONTAINER_ID_LEN && is_hex_text(c.s, c.len, false);
}

/* Copy len bytes of src into a field of size bytes, truncated and terminated. */
static void set_field(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

#define SET_TEXT(field, text) set_field(field, sizeof(field), text, strlen(text))

/*
 * A pod UID as text: 8-4-4-4-12 hex with one of seps between the groups, or
 * the 32-hex hash the kubelet gives static pods. Written to out in canonical
 * form (lowercase, dashes) only when valid.
 */
static bool parse_pod_uid(const char *s, size_t len, const char *seps, bool any_case,
			  char out[EG_POD_UID_LEN + 1])
{
	char uid[EG_POD_UID_LEN + 1];

	if (len == 32 && is_hex_text(s, len, any_case)) {
		for (size_t i = 0; i < len; i++)
			uid[i] = (char)tolower((unsigned char)s[i]);
	} else if (len == EG_POD_UID_LEN) {
		for (size_t i = 0; i < len; i++) {
			bool sep_at = i == 8 || i == 13 || i == 18 || i == 23;

			if (sep_at && (s[i] == '\0' || !strchr(seps, s[i])))
				return false;
			if (!sep_at && !is_hex_text(s + i, 1, any_case))
				return false;
			uid[i] = sep_at ? '-' : (char)tolower((unsigned char)s[i]);
		}
	} else {
		return false;
	}
	uid[len] = '\0';
	memcpy(out, uid, len + 1);
	return true;
}

/* ---- the kubelet's tree ---- */

/* What the previous component was in the kubelet's hierarchy. */
enum kube_level {
	KUBE_NONE,  /* not inside kubepods */
	KUBE_ROOT,  /* kubepods itself */
	KUBE_QOS,   /* a burstable or besteffort level */
	KUBE_POD,   /* a pod */
	KUBE_BELOW, /* anything else below kubepods: no more levels to find */
};

static bool is_qos_word(struct comp w)
{
	return comp_is(w, "burstable") || comp_is(w, "besteffort");
}

/*
 * The systemd driver names each slice after its parent ("a.slice/a-b.slice/
 * a-b-c.slice"), so a slice's last words say where it is. Fills words[0] with
 * the last word, words[1] the one before...; returns how many (0: no slice).
 */
static int slice_last_words(struct comp c, struct comp words[3])
{
	size_t end, start;
	int n = 0;

	if (!comp_has_suffix(c, ".slice"))
		return 0;
	end = c.len - strlen(".slice");
	while (n < 3) {
		for (start = end; start > 0 && c.s[start - 1] != '-'; start--)
			;
		words[n++] = (struct comp){c.s + start, end - start};
		if (start == 0)
			break;
		end = start - 1;
	}
	return n;
}

/* "pod<uid>" with the given separators; sets out->pod_uid. */
static bool pod_word(struct comp w, const char *seps, struct eg_container_info *out)
{
	if (!comp_has_prefix(w, "pod"))
		return false;
	return parse_pod_uid(w.s + 3, w.len - 3, seps, false, out->pod_uid);
}

/* cgroupfs driver: kubepods/[burstable|besteffort/]pod<dashed uid>. */
static enum kube_level kube_step_cgroupfs(struct comp c, enum kube_level parent,
					  struct eg_container_info *out)
{
	if (parent == KUBE_NONE)
		return comp_is(c, "kubepods") ? KUBE_ROOT : KUBE_NONE;
	if (parent == KUBE_ROOT && is_qos_word(c)) {
		set_field(out->qos, sizeof(out->qos), c.s, c.len);
		return KUBE_QOS;
	}
	if ((parent == KUBE_ROOT || parent == KUBE_QOS) && pod_word(c, "-", out)) {
		if (parent == KUBE_ROOT)
			SET_TEXT(out->qos, "guaranteed");
		return KUBE_POD;
	}
	return KUBE_BELOW;
}

/*
 * systemd driver, r- being an optional cgroup root such as kind's "kubelet-":
 * [r-]kubepods.slice/[r-]kubepods-<qos>.slice/[r-]kubepods[-<qos>]-pod<uid>.slice
 */
static enum kube_level kube_step_systemd(struct comp c, enum kube_level parent,
					 struct eg_container_info *out)
{
	struct comp w[3];
	int n = slice_last_words(c, w);

	if (parent == KUBE_NONE)
		return n >= 1 && comp_is(w[0], "kubepods") ? KUBE_ROOT : KUBE_NONE;
	if (parent == KUBE_ROOT && n >= 2 && comp_is(w[1], "kubepods") && is_qos_word(w[0])) {
		set_field(out->qos, sizeof(out->qos), w[0].s, w[0].len);
		return KUBE_QOS;
	}
	if (parent != KUBE_ROOT && parent != KUBE_QOS)
		return KUBE_BELOW;
	/* systemd reads '-' as nesting, so the kubelet writes the UID's dashes as '_'. */
	if (n >= 2 && comp_is(w[1], "kubepods") && pod_word(w[0], "_", out)) {
		SET_TEXT(out->qos, "guaranteed");
		return KUBE_POD;
	}
	if (n >= 3 && comp_is(w[2], "kubepods") && is_qos_word(w[1]) && pod_word(w[0], "_", out)) {
		set_field(out->qos, sizeof(out->qos), w[1].s, w[1].len);
		return KUBE_POD;
	}
	return KUBE_BELOW;
}

static enum kube_level kube_step(struct comp c, enum kube_level parent,
				 struct eg_container_info *out)
{
	enum kube_level level;

	if (parent == KUBE_POD || parent == KUBE_BELOW)
		return KUBE_BELOW;
	if (comp_has_suffix(c, ".slice"))
		level = kube_step_systemd(c, parent, out);
	else
		level = kube_step_cgroupfs(c, parent, out);
	if (level == KUBE_ROOT)
		SET_TEXT(out->runtime, "kubepods");
	return level;
}

/* ---- container names ---- */

struct walk {
	enum kube_level kube; /* where the previous component is in the kubelet's tree */
	struct comp prev;     /* the previous component */
	int depth;	      /* index of the current component, 0 for the first */
};

struct runtime_prefix {
	const char *prefix;
	const char *runtime;
};

static const struct runtime_prefix runtime_prefixes[] = {
	{"cri-containerd-", "containerd"}, /* containerd's CRI plugin, systemd driver */
	{"crio-conmon-", "cri-o"},	   /* CRI-O's monitor process: same id */
	{"crio-", "cri-o"},
	{"docker-", "docker"}, /* dockerd or cri-dockerd, systemd driver */
	{"libpod-conmon-", "podman"},
	{"libpod-", "podman"},
	{"nerdctl-", "containerd"}, /* nerdctl, systemd driver */
};

/* "<prefix><id>" or "<prefix><id>.scope": the runtime, with *id set; else NULL. */
static const char *prefixed_container(struct comp c, const char **id)
{
	for (size_t i = 0; i < sizeof(runtime_prefixes) / sizeof(runtime_prefixes[0]); i++) {
		const struct runtime_prefix *rp = &runtime_prefixes[i];
		struct comp rest;

		if (!comp_has_prefix(c, rp->prefix))
			continue;
		rest = (struct comp){c.s + strlen(rp->prefix), c.len - strlen(rp->prefix)};
		if (comp_has_suffix(rest, ".scope"))
			rest.len -= strlen(".scope");
		if (is_full_id(rest)) {
			*id = rest.s;
			return rp->runtime;
		}
	}
	return NULL;
}

static bool is_systemd_unit(struct comp c)
{
	return comp_has_suffix(c, ".slice") || comp_has_suffix(c, ".scope") ||
	       comp_has_suffix(c, ".service");
}

/*
 * A bare id names a container only where a runtime puts one; anywhere else
 * a 64-hex directory is someone's own cgroup (and trivially forged).
 */
static const char *bare_container(struct comp c, const struct walk *w)
{
	if (!is_full_id(c))
		return NULL;
	if (w->kube != KUBE_NONE)
		return w->kube == KUBE_POD ? "kubepods" : NULL; /* containerd or docker: unsaid */
	if (w->depth > 0 && comp_is(w->prev, "docker"))
		return "docker";
	if (w->depth == 1 && !is_systemd_unit(w->prev))
		return "containerd"; /* /<containerd namespace>/<id> */
	return NULL;
}

/* Is c a container's own cgroup? If so fill runtime and id. */
static bool container_step(struct comp c, const struct walk *w, struct eg_container_info *out)
{
	const char *id = c.s;
	const char *runtime = prefixed_container(c, &id);

	if (!runtime)
		runtime = bare_container(c, w);
	if (!runtime)
		return false;
	SET_TEXT(out->runtime, runtime);
	set_field(out->container_id, sizeof(out->container_id), id, EG_CONTAINER_ID_LEN);
	return true;
}

/* The next non-empty component at or after *p, advancing *p; false at the end. */
static bool next_comp(const char **p, struct comp *c)
{
	const char *s = *p;

	while (*s == '/')
		s++;
	if (!*s)
		return false;
	c->s = s;
	while (*s && *s != '/')
		s++;
	c->len = (size_t)(s - c->s);
	*p = s;
	return true;
}

void eg_container_from_cgroup(const char *path, struct eg_container_info *out)
{
	struct walk w = {.kube = KUBE_NONE};
	struct comp c;

	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	if (!path)
		return;
	for (; next_comp(&path, &c); w.prev = c, w.depth++) {
		/* The outermost container wins: see the header for why. */
		if (container_step(c, &w, out))
			return;
		w.kube = kube_step(c, w.kube, out);
	}
}

/* ---- selectors ---- */

/* Skip a Kubernetes-style "<runtime>://" in front of an id. */
static const char *strip_scheme(const char *selector)
{
	const char *sep = strstr(selector, "://");

	return sep ? sep + 3 : selector;
}

int eg_container_id_selector_valid(const char *selector)
{
	size_t len;

	if (!selector)
		return 0;
	selector = strip_scheme(selector);
	len = strlen(selector);
	return len >= EG_CONTAINER_ID_MINLEN && len <= EG_CONTAINER_ID_LEN &&
	       is_hex_text(selector, len, true);
}

int eg_container_id_match(const char *selector, const struct eg_container_info *ci)
{
	if (!ci || !ci->container_id[0] || !eg_container_id_selector_valid(selector))
		return 0;
	selector = strip_scheme(selector);
	/* The id is lowercase; the selector may be in any case. */
	return strncasecmp(selector, ci->container_id, strlen(selector)) == 0;
}

int eg_pod_uid_selector_valid(const char *selector)
{
	char uid[EG_POD_UID_LEN + 1];

	return selector && parse_pod_uid(selector, strlen(selector), "-_", true, uid);
}

int eg_pod_uid_match(const char *selector, const struct eg_container_info *ci)
{
	char uid[EG_POD_UID_LEN + 1];

	if (!selector || !ci || !ci->pod_uid[0])
		return 0;
	if (!parse_pod_uid(selector, strlen(selector), "-_", true, uid))
		return 0;
	return strcmp(uid, ci->pod_uid) == 0;
}
