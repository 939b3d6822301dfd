#!/usr/bin/env bash
# A ConfigMap volume as the kubelet lays it out and updates it (its
# AtomicWriter), for tests of the policy reload on a ConfigMap change:
#
#   DIR/..2026_07_01_12_00_00.123456/policy.yaml   the files, one directory per version
#   DIR/..data -> ..2026_07_01_12_00_00.123456     the version in force
#   DIR/policy.yaml -> ..data/policy.yaml          what the pod opens (never changes)
#
# An update writes a new version directory, points a new symlink ..data_tmp at
# it and renames that over ..data (rename(2): atomic; inotify sees IN_MOVED_TO
# "..data" in DIR, never an event on policy.yaml itself), then removes the old
# version. The guard's contract: watch DIR for "..data" being moved or created
# and reload as `exfilguard reload` would.
#
#   kubelet_configmap.sh init DIR FILE...     first version (FILE's basenames)
#   kubelet_configmap.sh update DIR FILE...   swap in a new version
set -euo pipefail

new_version() { # DIR FILE...: makes a version directory, prints its name
	local dir=$1 name f
	shift
	name=..$(date -u +%Y_%m_%d_%H_%M_%S).$(date +%N)
	mkdir -m 0755 "$dir/$name"
	for f in "$@"; do
		install -m 0644 "$f" "$dir/$name/$(basename "$f")"
	done
	echo "$name"
}

cmd=${1:?usage: kubelet_configmap.sh init|update DIR FILE...}
dir=${2:?usage: kubelet_configmap.sh init|update DIR FILE...}
shift 2
case $cmd in
init)
	mkdir -p "$dir"
	version=$(new_version "$dir" "$@")
	ln -s "$version" "$dir/..data"
	for f in "$@"; do
		ln -s "..data/$(basename "$f")" "$dir/$(basename "$f")"
	done
	;;
update)
	old=$(readlink "$dir/..data")
	version=$(new_version "$dir" "$@")
	ln -s "$version" "$dir/..data_tmp"
	mv -T "$dir/..data_tmp" "$dir/..data"
	rm -rf "${dir:?}/$old"
	;;
*)
	echo "kubelet_configmap.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
