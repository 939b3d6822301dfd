# shellcheck shell=bash
# What the packaging and deployment tests share (source after check.sh):
#
#   deploy_setup NAME   sets tmp (a temporary directory), pin_dir
#                       (/sys/fs/bpf/exfilguard-NAME-PID), cg_mount, cg_rel and cg
#                       (a cgroup NAME-PID under this test's own, never the root,
#                       created), EXFILGUARD (default build/exfilguard), and a
#                       cleanup at exit: a guard started in the background
#                       (guard_pid), DEPLOY_CLEANUP (a command, if set), detach,
#                       pins, cgroups, tmp.
#   probe [CGROUP]      a UDP connect (which sends nothing) to 198.51.100.10 from a
#                       new process in CGROUP (default $cg), inside a network
#                       namespace with loopback only: prints EPERM (refused by a
#                       hook) or ENETUNREACH (allowed: no route there).
#   wait_ready FILE PID waits up to 30 s for READY=1 in FILE while PID lives.

deploy_cleanup() {
	[ -n "${guard_pid:-}" ] && kill "$guard_pid" 2>/dev/null && wait "$guard_pid" 2>/dev/null
	[ -n "${DEPLOY_CLEANUP:-}" ] && $DEPLOY_CLEANUP
	[ -d "$pin_dir" ] && "$EXFILGUARD" --pin-dir "$pin_dir" detach >/dev/null 2>&1
	rm -rf "$pin_dir"
	local d
	for d in "$cg"/*/ "$cg"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	rm -rf "$tmp"
}

deploy_setup() {
	: "${EXFILGUARD:=$top/build/exfilguard}"
	tmp=$(mktemp -d)
	pin_dir=/sys/fs/bpf/exfilguard-$1-$$
	cg_mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	cg_rel=$(sed -n 's/^0:://p' /proc/self/cgroup)
	cg_rel=${cg_rel%/}/exfilguard-$1-$$
	cg=$cg_mount$cg_rel
	guard_pid=""
	trap deploy_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	[ -n "$cg_mount" ] || check_fatal "no cgroup2 mount in /proc/mounts"
	mkdir -p "$cg" || check_fatal "mkdir $cg"
}

probe() {
	unshare -n bash -c 'echo $$ >"$1/cgroup.procs" || exit
		exec 3<>/dev/udp/198.51.100.10/53 && echo CONNECTED' _ "${1:-$cg}" 2>&1 |
		sed -n -e 's/.*Operation not permitted$/EPERM/p' -e 's/.*Network is unreachable$/ENETUNREACH/p' \
			-e '/^CONNECTED$/p' | head -n 1
}

wait_ready() {
	local i
	for i in $(seq 1 300); do
		grep -q READY=1 "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
