#!/bin/sh
# Build (once per machine) a Debian 12 "bookworm" root file system for umk:
# debootstrap --variant=minbase plus the tools of a CI job (a compiler,
# make, python3, perl, git...).
#
#   rootfs/mkdebian.sh            build the root if it is not there yet;
#                                 the last line of stdout is its path
#   rootfs/mkdebian.sh --path     print the path it has (or would have),
#                                 build nothing; exit 1 if it is not built
#   rootfs/mkdebian.sh --packages print the package list and exit
#
# The root lives in the cache directory $UMK_CACHE (default
# /var/cache/umk), named after a hash of what went into it (suite,
# architecture, package list, this script's ROOT_FORMAT), so a changed
# package list makes a new root and an unchanged one is reused.  It is
# built into a temporary directory next to it and renamed into place
# only when complete, under a lock, so a half-built root is never seen
# and two builds at once do not collide.  Downloaded packages are kept in
# $UMK_CACHE/debs for the next build.
#
# Building needs root (debootstrap creates devices and chroots) and the
# Debian archive ($UMK_DEBIAN_MIRROR, default the mirror apt uses here,
# else http://deb.debian.org/debian).  Nothing but Debian packages is
# downloaded.  Use the result with: umk run --root "$(rootfs/mkdebian.sh
# --path)" -- bash
set -eu

SUITE=bookworm
ARCH=amd64
# Bump when the post-processing below changes what a root contains.
ROOT_FORMAT=2
# On top of minbase (which has bash, coreutils, findutils, sed, grep, tar,
# gzip, mawk, dpkg and apt): what the workloads in tests/debian/ use.
PACKAGES="gcc libc6-dev make python3 perl git xz-utils gawk bzip2 file"

cache=${UMK_CACHE:-/var/cache/umk}

# The mirror apt uses on this machine, so that a root builds wherever the
# host's own package archive is reachable.
default_mirror() {
	m=$(grep -hs -E '^(URIs:|deb) ' /etc/apt/sources.list.d/debian.sources \
		/etc/apt/sources.list 2>/dev/null |
		grep -o 'https\?://[^ ]*/debian/\?$' | grep -v security | head -n 1)
	echo "${m:-http://deb.debian.org/debian}"
}
mirror=${UMK_DEBIAN_MIRROR:-$(default_mirror)}

# The root's name: what it contains, hashed.  The mirror is not part of
# it: every mirror serves the same packages.
key=$(printf '%s\n' "$SUITE" "$ARCH" "$ROOT_FORMAT" $PACKAGES |
	sha256sum | cut -c1-12)
root=$cache/debian-$SUITE-$ARCH-$key

case "${1:-}" in
--path)
	echo "$root"
	[ -d "$root" ]
	exit
	;;
--packages)
	echo $PACKAGES
	exit 0
	;;
"") ;;
*)
	echo "usage: $0 [--path | --packages]" >&2
	exit 2
	;;
esac

if [ -d "$root" ]; then
	echo "$root"
	exit 0
fi

die() {
	echo "mkdebian.sh: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] ||
	die "building the Debian root needs root (debootstrap): run 'sudo make debian-root' once"
command -v debootstrap > /dev/null ||
	die "debootstrap is not installed: apt-get install debootstrap"
command -v flock > /dev/null ||
	die "flock is not installed: apt-get install util-linux"

mkdir -p "$cache/debs"
chmod 755 "$cache"
# One build at a time; the loser of a race finds the winner's root.
exec 9> "$cache/.lock"
flock 9
if [ -d "$root" ]; then
	echo "$root"
	exit 0
fi

tmp=$(mktemp -d "$cache/.build.XXXXXX")
# A failed build leaves nothing behind but the downloaded packages.
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
start=$(date +%s)
echo "mkdebian.sh: debootstrap $SUITE ($ARCH, minbase + $PACKAGES) from $mirror into $tmp" >&2
if ! debootstrap --variant=minbase --arch="$ARCH" \
	--include="$(echo $PACKAGES | tr ' ' ,)" \
	--cache-dir="$cache/debs" \
	"$SUITE" "$tmp" "$mirror" >&2; then
	log=$tmp/debootstrap/debootstrap.log
	[ -f "$log" ] && tail -n 20 "$log" >&2
	die "debootstrap failed (is $mirror reachable?)"
fi

# Post-processing: nothing a workload's output could depend on that came
# from this host or this moment, and no package files left around.
# (No package lists either: the guest has no network to use them.)
rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/cache/apt/*.bin \
	"$tmp"/var/log/bootstrap.log
find "$tmp/var/lib/apt/lists" -maxdepth 1 -type f -delete
echo umk > "$tmp/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
	> "$tmp/etc/hosts"
: > "$tmp/etc/resolv.conf"
{
	echo "suite: $SUITE"
	echo "arch: $ARCH"
	echo "format: $ROOT_FORMAT"
	echo "packages: $PACKAGES"
	echo "mirror: $mirror"
	echo "built: $(date -u '+%Y-%m-%d %H:%M:%S UTC') in $(( $(date +%s) - start ))s"
} > "$tmp/.umk-debian"

mv "$tmp" "$root"
trap - EXIT
echo "mkdebian.sh: built $root in $(( $(date +%s) - start ))s" >&2
echo "$root"
