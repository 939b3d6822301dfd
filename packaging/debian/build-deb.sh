#!/usr/bin/env bash
# Builds the Debian package without debhelper: compiles exfilguard with
# Debian's hardening flags in OUT/build, installs it into OUT/root with
# `make install` (PREFIX=/usr, units in /lib/systemd/system as bookworm's
# packages have them), adds the files Debian policy asks for (copyright,
# changelog, compressed man pages, md5sums, conffiles, a control file whose
# Depends dpkg-shlibdeps computed) and packs it with dpkg-deb. Prints the
# path of the .deb. Usage: build-deb.sh OUT
set -euo pipefail
# The project has no mailing list yet: whoever publishes the package sets this.
maintainer=${DEB_MAINTAINER:-exfilguard developers <exfilguard@example.org>}
out=${1:?usage: build-deb.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$out/root
build=$out/build

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
flags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS)"
make -s -j2 BUILD="$build" CFLAGS="$flags" LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" all
rm -rf "$root"
make -s BUILD="$build" DESTDIR="$root" PREFIX=/usr UNITDIR=/lib/systemd/system install

strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/sbin/exfilguard"
gzip -9n "$root"/usr/share/man/man*/*.[0-9]

version=$("$build/exfilguard" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
doc=$root/usr/share/doc/exfilguard
install -d "$doc"
install -m 0644 "$here/copyright" "$doc/copyright"
sed -e "s/@VERSION@/$version/" -e "s|@MAINTAINER@|$maintainer|" "$here/changelog.in" | gzip -9n > "$doc/changelog.gz"

# dpkg-shlibdeps wants a debian/control beside it; give it one in a scratch dir.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/debian"
printf 'Source: exfilguard\n\nPackage: exfilguard\nArchitecture: any\n' > "$scratch/debian/control"
shlibs=$(cd "$scratch" && dpkg-shlibdeps -O "$root/usr/sbin/exfilguard" 2> >(grep -v 'should already be installed' >&2) |
	sed -n 's/^shlibs:Depends=//p')

install -d "$root/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s|@MAINTAINER@|$maintainer|" -e "s/@DEPENDS@/$shlibs/" \
	-e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$root" | cut -f1)/" \
	"$here/control.in" > "$root/DEBIAN/control"
echo /etc/exfilguard/policy.yaml > "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root"/DEBIAN/*
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$root/DEBIAN/"
find "$root" -type d -exec chmod 0755 {} +

deb=$out/exfilguard_${version}_${arch}.deb
dpkg-deb --build --root-owner-group -Zxz "$root" "$deb" >/dev/null
echo "$deb"
