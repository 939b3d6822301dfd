#!/usr/bin/env bash
# exfilguard.service's sandbox, exercised without systemd as PID 1 (this test
# must run where it is not): the guard runs, reloads and reports status under
# the unit's own CapabilityBoundingSet (as the bounding set, nothing
# inheritable), NoNewPrivileges, and ProtectSystem=strict +
# ProtectKernelTunables with its ReadWritePaths (every mount remounted
# read-only in a private mount namespace, those paths read-write again); it
# guards a private cgroup under this test's own and refuses a denied connect.
# Each capability of the set is shown to be needed: without it `run` refuses.
# The unit files themselves are checked by test_install.sh (systemd-analyze).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/check.sh"
cd "$top"
. "$top/tests/lib/deploy.sh"
deploy_setup unit

make -s install PREFIX="$tmp/prefix" SYSCONFDIR="$tmp/prefix/etc" UNITDIR="$tmp/units" >/dev/null 2>&1 ||
	check_fatal "make install"
unit=$tmp/units/exfilguard.service
setting() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
unit_caps=$(setting CapabilityBoundingSet)
check_eq "unit's capability set" "CAP_BPF CAP_NET_ADMIN CAP_PERFMON CAP_DAC_READ_SEARCH" "$unit_caps"
check_eq "ambient = bounding" "$unit_caps" "$(setting AmbientCapabilities)"
check_eq "NoNewPrivileges" yes "$(setting NoNewPrivileges)"
check_eq "ProtectSystem" strict "$(setting ProtectSystem)"
rw_paths=$(setting ReadWritePaths)
check_eq "ReadWritePaths" "/sys/fs/bpf /sys/fs/cgroup" "$rw_paths"

# setpriv's form of a capability list: "CAP_BPF CAP_NET_ADMIN" -> "-all,+bpf,+net_admin"
setpriv_caps() {
	local out=-all c
	for c in $1; do out+=",+$(echo "${c#CAP_}" | tr A-Z a-z)"; done
	echo "$out"
}
# $tmp/sandboxed CAPS COMMAND...: execs COMMAND (so $! is its pid) in a
# private mount namespace where every mount is read-only but the unit's
# ReadWritePaths (and what is mounted below them), bounded to CAPS, with
# no_new_privs.
cat >"$tmp/sandboxed" <<'SH'
#!/usr/bin/env bash
caps=$1
shift
exec unshare --mount --propagation private -- bash -c '
	rw=$1 caps=$2
	shift 2
	for m in $(awk "{ print \$5 }" /proc/self/mountinfo | sort -u); do
		keep=""
		for p in $rw; do case $m/ in "$p"/*) keep=1 ;; esac; done
		[ -n "$keep" ] || mount -o remount,bind,ro "$m" 2>/dev/null
	done
	exec setpriv --bounding-set "$caps" --inh-caps -all --ambient-caps -all --no-new-privs -- "$@"
' _ "$RW_PATHS" "$caps" "$@"
SH
chmod +x "$tmp/sandboxed"
export RW_PATHS=$rw_paths
sandboxed() { "$tmp/sandboxed" "$@"; }
printf 'rules:\n  - action: deny\n    cidr: [198.51.100.0/24]\n' >"$tmp/policy.yaml"
caps=$(setpriv_caps "$unit_caps")
check_not "the sandbox really is read-only" sandboxed "$caps" touch "$tmp/x"
check "the sandbox keeps /sys/fs/bpf writable" \
	sandboxed "$caps" sh -c "mkdir '$pin_dir-w' && rmdir '$pin_dir-w'"

echo "== run under the unit's restrictions"
"$tmp/sandboxed" "$caps" "$EXFILGUARD" --pin-dir "$pin_dir" run --policy "$tmp/policy.yaml" \
	--cgroup "$cg_rel" --ready-fd 3 3>"$tmp/ready" >"$tmp/events" 2>"$tmp/guard.log" &
guard_pid=$!
wait_ready "$tmp/ready" "$guard_pid"
check "guard ready (self-test passed)" grep -q 'self-test passed' "$tmp/guard.log"
[ -s "$tmp/ready" ] || { cat "$tmp/guard.log"; check_done; }
check_eq "denied connect refused" EPERM "$(probe)"
check "status (ExecReload's sandbox)" sandboxed "$caps" "$EXFILGUARD" --pin-dir "$pin_dir" status
check "reload (ExecReload)" sandboxed "$caps" "$EXFILGUARD" --pin-dir "$pin_dir" reload
check_eq "still refused after the reload" EPERM "$(probe)"
kill -TERM "$guard_pid"
wait "$guard_pid"
check_eq "SIGTERM (systemctl stop): clean exit" 0 "$?"
guard_pid=""
check_eq "hooks detached" ENETUNREACH "$(probe)"
check_not "pins removed" test -e "$pin_dir"

echo "== each capability is needed"
for drop in $unit_caps; do
	fewer=$(setpriv_caps "$(echo "$unit_caps" | tr ' ' '\n' | grep -vx "$drop" | xargs)")
	"$tmp/sandboxed" "$fewer" "$EXFILGUARD" --pin-dir "$pin_dir" run --policy "$tmp/policy.yaml" \
		--cgroup "$cg_rel" >"$tmp/fewer.log" 2>&1 </dev/null &
	pid=$!
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	check "without $drop run refuses, naming it" grep -q "missing capabilities $drop" "$tmp/fewer.log"
	rm -rf "$pin_dir"
done
check_done
