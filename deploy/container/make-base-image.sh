#!/usr/bin/env bash
# Makes a Debian bookworm base image from Debian's package mirror, for hosts
# with no container registry: debootstrap (minbase) into a directory, then
# `podman import`. Prints the image name. With a registry at hand, build with
# --build-arg BASE_IMAGE=docker.io/library/debian:bookworm-slim instead.
#
# Usage: make-base-image.sh [IMAGE]   (default localhost/exfilguard-base:bookworm)
# MIRROR overrides the mirror (default: the first one apt uses here).
set -euo pipefail
image=${1:-localhost/exfilguard-base:bookworm}
if podman image exists "$image"; then
	echo "$image"
	exit 0
fi
mirror=${MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}
dir=$(mktemp -d /var/tmp/exfilguard-base.XXXXXX)
# debootstrap mounts /proc (and may leave it mounted when it fails): unmount
# whatever is below the directory before removing it, and never cross into a mount.
cleanup() {
	awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r umount -l
	rm -rf --one-file-system "$dir"
}
trap cleanup EXIT
echo "make-base-image: debootstrap bookworm from $mirror" >&2
debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$dir.log" 2>&1 || {
	tail -n 20 "$dir.log" >&2
	rm -f "$dir.log"
	exit 1
}
rm -f "$dir.log"
# As the official slim image: no apt lists, caches, documentation or
# translations in the layer, and dpkg told to leave them out from now on.
rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb
find "$dir/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
rm -rf "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/*
cat >"$dir/etc/dpkg/dpkg.cfg.d/slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CFG
cat >"$dir/etc/apt/apt.conf.d/slim" <<'CFG'
APT::Install-Recommends "false";
Acquire::Languages "none";
CFG
tar -C "$dir" --numeric-owner -c . |
	podman import -q --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "$image"
