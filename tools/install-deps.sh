#!/usr/bin/env bash
# Installs the Debian packages exfilguard builds, runs and tests with, if any
# is missing (`make deps`; `make run` and `make test` run it first). Quiet and
# quick when everything is there already.
set -euo pipefail

packages=(
	make gcc clang llvm clang-format libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config
	libyaml-dev libjson-c-dev libmaxminddb-dev libssl-dev libsystemd-dev mmdb-bin libmaxmind-db-writer-perl
	chromium # tests: `exfilguard report` rendered headless
	iproute2 linux-libc-dev nftables tayga
	# Packaging and deployment tests: make install/deb (dpkg-dev for the hardening
	# flags and shlibs), lintian, man pages (groff), completion, the units
	# (systemd-analyze; systemd is not started), the container image (podman,
	# runc and crun, and debootstrap for a base image made from Debian's mirror).
	dpkg-dev lintian groff-base bash-completion systemd podman crun runc debootstrap
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
# `exfilguard data fetch` downloads with npm. Any npm will do: Debian's package
# conflicts with the nodejs packages that bring their own (NodeSource).
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}; run as root (sudo) to install them" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
