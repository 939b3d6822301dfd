/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Container and pod identity from a cgroup v2 path, and the matchers policy
 * scopes use: cgroup path globs, container-ID and pod-UID selectors.
 * Pure string work: no I/O, no allocation, safe on any input.
 */
#ifndef EXFILGUARD_CONTAINER_H
#define EXFILGUARD_CONTAINER_H

#define EG_CONTAINER_ID_LEN    64 /* hex chars in a full container id */
#define EG_CONTAINER_ID_MINLEN 12 /* shortest selector prefix: docker's short id */
#define EG_POD_UID_LEN	       36 /* 8-4-4-4-12 with dashes */

struct eg_container_info {
	/*
	 * Who made the container's cgroup: "docker", "containerd" (CRI plugin,
	 * nerdctl, ctr), "cri-o", "podman" (libpod-* names; also conmon's), or
	 * "kubepods" when only the kubelet's tree tells (cgroupfs driver, whose
	 * bare-id names do not say which runtime). "" outside any container/pod.
	 */
	char runtime[16];
	char container_id[65]; /* 64 lowercase hex chars (full id), or "" */
	/*
	 * Canonical lowercase 8-4-4-4-12 UUID, or "". Static pods are the one
	 * exception: the kubelet names them by a 32-hex hash (no dashes), which
	 * is what the mirror pod shows as the kubernetes.io/config.hash annotation.
	 */
	char pod_uid[37];
	char qos[16]; /* "guaranteed", "burstable", "besteffort" under kubepods, or "" */
};

/*
 * Parse a cgroup path relative to the cgroup2 mount ("/kubepods.slice/...",
 * the third field of /proc/PID/cgroup). Never fails: unknown shapes, NULL and
 * "" give empty fields. Recognised shapes (<id> is 64 lowercase hex):
 *
 *   <prefix>-<id>.scope (systemd) or <prefix>-<id> (cgroupfs) at any depth,
 *     prefix: docker, cri-containerd, crio, crio-conmon, libpod, libpod-conmon,
 *     nerdctl (conmon is the container's monitor: same id)
 *   /docker/<id>, .../docker/<id>       docker, cgroupfs driver
 *   /<namespace>/<id>                   containerd/nerdctl, cgroupfs ("/default/<id>")
 *   kubelet, systemd driver: [<root>-]kubepods.slice / [..-]kubepods-<qos>.slice /
 *     [..-]kubepods[-<qos>]-pod<uid with '_'>.slice / <container scope>
 *   kubelet, cgroupfs driver: [/<root>]/kubepods[/<qos>]/pod<uid>/<id or crio-<id>>
 *
 * Uppercase hex is rejected, not normalised: runtimes only ever write
 * lowercase, so an uppercase name was not made by one.
 *
 * The outermost container wins and nothing below it is read. Sub-cgroups
 * inside a container (".../libpod-<id>.scope/container", a systemd or a
 * nested runtime in it, kind nodes, docker-in-docker) still give the outer
 * container, because a container with a delegated cgroup can name its own
 * sub-cgroups anything, including another container's scope: only the outer
 * name was chosen by the host's runtime.
 *
 * Names are not authenticated: a subtree delegated to an unprivileged user
 * (user@UID.service, where rootless podman lives) can hold any name, so an
 * identity found there is only as trustworthy as that user.
 */
void eg_container_from_cgroup(const char *path, struct eg_container_info *out);

/*
 * Shell-style match of a whole cgroup path: '*' any run within one
 * component, '?' one character but '/', "[a-z]" / "[!a-z]" a class (never
 * '/'; an unclosed '[' is literal, as is '\' inside one), '\' quotes the
 * next character, and '**' any run including '/'. A '**' that is a whole
 * component also stands for no component at all, so "/kubepods.slice/" followed by "**" matches the
 * slice itself and every descendant: that is how a scope takes in sub-cgroups. Without it a pattern
 * matches exactly one path. Paths longer than PATH_MAX never match. Returns 1 on a match, else 0.
 */
int eg_cgroup_glob_match(const char *pattern, const char *path);

/*
 * Does selector name ci's container? A selector is the full id or a prefix
 * of at least 12 hex chars (docker's short id), any case, optionally written
 * as Kubernetes reports it ("containerd://<id>", "cri-o://<id>"). Whether a
 * prefix is unambiguous depends on the other containers on the host, which
 * only the caller knows; 12 hex chars make an accidental clash unlikely.
 */
int eg_container_id_match(const char *selector, const struct eg_container_info *ci);

/* Does selector name ci's pod? Dashes or underscores, any case; or a static pod's 32 hex. */
int eg_pod_uid_match(const char *selector, const struct eg_container_info *ci);

/* For policy checks at load time: could the selector ever match? 1 if so, else 0. */
int eg_container_id_selector_valid(const char *selector);
int eg_pod_uid_selector_valid(const char *selector);

#endif
