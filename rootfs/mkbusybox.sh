#!/bin/sh
# Build umk's default root file system: a directory with Debian's static
# busybox and a link for each of its applets.
#   mkbusybox.sh BUSYBOX DESTDIR
set -eu
busybox=${1:-}
dest=$2
if [ -z "$busybox" ] || ! "$busybox" true 2>/dev/null; then
	echo "mkbusybox.sh: no busybox found: install the Debian package busybox-static" >&2
	exit 1
fi
if readelf -l "$busybox" 2>/dev/null | grep -q INTERP; then
	echo "mkbusybox.sh: $busybox is not static: install busybox-static" >&2
	exit 1
fi
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
cd "$dest.tmp"
mkdir -p bin sbin usr/bin usr/sbin etc dev proc sys tmp root home var/tmp run
chmod 1777 tmp var/tmp
cp "$busybox" bin/busybox
chmod 755 bin/busybox
for applet in $(bin/busybox --list-full); do
	case "$applet" in
	bin/busybox) continue ;;
	esac
	dir=$(dirname "$applet")
	mkdir -p "$dir"
	# relative links, so the tree works wherever it is mounted
	rel=$(echo "$dir" | sed 's|[^/][^/]*|..|g')
	ln -sf "$rel/bin/busybox" "$applet"
done
cat > etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > etc/group <<'G'
root:x:0:
nogroup:x:65534:
G
echo umk > etc/hostname
cd ..
base=$(basename "$dest")
rm -rf "$base"
mv "$base.tmp" "$base"
touch "$base/.stamp"
