#!/usr/bin/env bash
# The container image: built offline with podman from a Debian base made with
# debootstrap (deploy/container/make-base-image.sh), multi-stage (no compiler
# in the guard image), then run as the guard of a host cgroup: bpffs and the
# cgroup v2 tree bind-mounted, the host's cgroup namespace, four capabilities.
# A private cgroup under this test's own is guarded (never the root); a UDP
# connect from it to a denied documentation address must be refused while the
# container runs and no longer once it stopped. The probes run in a fresh
# network namespace with loopback only, so nothing could leave even if allowed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/check.sh"
cd "$top"

. "$top/tests/lib/deploy.sh"
base=${EXFILGUARD_BASE_IMAGE:-localhost/exfilguard-base:bookworm}
image=localhost/exfilguard:test
name=exfilguard-test-$$
caps=CAP_BPF,CAP_NET_ADMIN,CAP_PERFMON,CAP_DAC_READ_SEARCH
remove_container() { podman rm -f -t 2 "$name" >/dev/null 2>&1; }
DEPLOY_CLEANUP=remove_container
deploy_setup ctr

# podman with runc and the limits this process has. crun refuses a hybrid
# cgroup layout whose v2 hierarchy holds a controller (this VM's: hugetlb), and
# podman's default RLIMIT_NOFILE/NPROC exceed the hard limits here, which a
# root without CAP_SYS_RESOURCE (this VM's) cannot raise. Neither is needed on
# a host with the unified hierarchy: EXFILGUARD_OCI_RUNTIME=crun there.
limits=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)
pod() {
	local cmd=$1
	shift
	case $cmd in
	run | build | create) podman --runtime "${EXFILGUARD_OCI_RUNTIME:-runc}" "$cmd" "${limits[@]}" "$@" ;;
	*) podman --runtime "${EXFILGUARD_OCI_RUNTIME:-runc}" "$cmd" "$@" ;;
	esac
}

echo "== base image and build"
base=$(deploy/container/make-base-image.sh "$base" 2>"$tmp/base.log") || {
	cat "$tmp/base.log"
	check_fatal "base image from debootstrap"
}
check "base image $base exists" pod image exists "$base"
build() { # TARGET TAG
	pod build -q --network=host --build-arg BASE_IMAGE="$base" --target "$1" \
		-f deploy/container/Containerfile -t "$2" . >"$tmp/build-$1.log" 2>&1 || {
		tail -n 30 "$tmp/build-$1.log"
		return 1
	}
}
check "podman build (guard)" build guard "$image"
check "podman build (fetcher)" build fetcher localhost/exfilguard-fetcher:test
pod image exists "$image" || check_done

echo "== image contents"
check_eq "image runs exfilguard --version" "$("$EXFILGUARD" --version)" \
	"$(pod run --rm --network=none "$image" --version 2>&1)"
check "guard image has no compiler" pod run --rm --network=none --entrypoint /bin/sh "$image" \
	-c '! command -v cc && ! command -v clang && ! test -e /usr/include/bpf/libbpf.h'
check "every library resolves" pod run --rm --network=none --entrypoint /bin/sh "$image" \
	-c '! ldd /usr/sbin/exfilguard | grep "not found"'
check "example policy and catalog in the image" pod run --rm --network=none --entrypoint /bin/sh "$image" \
	-c 'test -s /etc/exfilguard/policy.yaml && test -s /usr/share/exfilguard/providers.yaml'
check "fetcher image has npm" pod run --rm --network=none --entrypoint /bin/sh \
	localhost/exfilguard-fetcher:test -c 'command -v npm && command -v tar'
size=$(pod image inspect --format '{{.Size}}' "$image")
echo "  guard image: $((size / 1048576)) MiB"
check "guard image under 120 MiB (runtime libraries only)" test "$size" -lt $((120 * 1048576))

echo "== the container guards a host cgroup"
printf 'rules:\n  - name: test-nets\n    action: deny\n    cidr: [198.51.100.0/24]\n' >"$tmp/policy.yaml"
check_eq "before: not refused (no route in the empty netns)" ENETUNREACH "$(probe "$cg")"
pod run -d --name "$name" --network=none --cgroupns=host \
	--cap-drop=all --cap-add="$caps" --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
	-v /sys/fs/bpf:/sys/fs/bpf -v "$cg_mount:$cg_mount" \
	-v "$tmp/policy.yaml:/etc/exfilguard/policy.yaml:ro" \
	"$image" --pin-dir "$pin_dir" run --policy /etc/exfilguard/policy.yaml --cgroup "$cg_rel" \
	>"$tmp/run.log" 2>&1 || { cat "$tmp/run.log"; check_fatal "podman run"; }
ready=""
for _ in $(seq 1 100); do
	pod logs "$name" 2>&1 | grep -q 'self-test passed' && ready=1 && break
	[ "$(pod inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ] || break
	sleep 0.2
done
check "the guard in the container passed its self-test" test -n "$ready"
[ -n "$ready" ] || { pod logs "$name" 2>&1 | tail -n 20; check_done; }
check_eq "guarded: the denied connect is refused" EPERM "$(probe "$cg")"
mkdir -p "$cg/child"
check_eq "guarded: also from a cgroup below" EPERM "$(probe "$cg/child")"
sleep 0.5
pod logs "$name" 2>/dev/null | grep '"event":"verdict"' >"$tmp/events"
check_grep "a deny event on stdout names the address and cgroup" \
	"\"daddr\":\"198.51.100.10\".*\"cgroup\":\"$cg_rel/child\"" "$tmp/events"
check_grep "and the rule" '"rule":\{"index":0,"number":1,"action":"deny".*"name":"test-nets"' "$tmp/events"
check "exfilguard status inside the container" pod exec "$name" exfilguard --pin-dir "$pin_dir" status
check "the host sees the pinned guard" "$EXFILGUARD" --pin-dir "$pin_dir" status
pod stop -t 10 "$name" >/dev/null 2>&1
check_eq "the guard exited cleanly on SIGTERM" 0 "$(pod inspect -f '{{.State.ExitCode}}' "$name")"
check_grep "it detached" 'hooks detached' <(pod logs "$name" 2>&1)
check_eq "after stop: not refused any more" ENETUNREACH "$(probe "$cg")"
check_not "pins removed" test -e "$pin_dir"
check_done
