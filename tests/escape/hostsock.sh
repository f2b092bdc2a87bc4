#!/bin/bash
# Host sockets are out of reach: a guest's AF_UNIX connect only ever
# reaches a socket of the same guest.  A host process listens on a
# socket file in the guest's root, in a volume and in the abstract
# namespace; the guest tries each and must be refused, and the host
# listener must see nothing.  Positive controls: the guest's own
# sockets work in the root (an overlay), in /tmp and in a volume, and
# the socket file a guest bind leaves in a volume is not a way in for
# the host either.  Each check prints "ok NAME" or "FAIL NAME: why";
# the script exits 1 if any failed.
#
#   tests/escape/hostsock.sh          (UMK=path/to/umk, default ./umk)
set -u
umk=$(realpath "${UMK:-./umk}")
cc=${CC:-cc}
work=$(mktemp -d /var/tmp/umk-hostsock.XXXXXX)
chmod 755 "$work"
listener=
trap '[ -n "$listener" ] && kill $listener 2>/dev/null; rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL $1: $2"; failed=1; }
ok() { echo "ok $1"; }

# sockprobe: one static program for both sides.
#   connect PATH        connect (PATH "@name": abstract), say what came
#                       back, and exchange a line when connected
#   serve PATH N LOG    listen, answer N connections with "hello",
#                       noting each in LOG
cat > "$work/sockprobe.c" << 'EOF'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t mkaddr(struct sockaddr_un *a, const char *p)
{
	size_t n = strlen(p);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, p, n);
	if (p[0] == '@')
		a->sun_path[0] = 0;
	else
		n++;
	return (socklen_t)(2 + n);
}

int main(int argc, char **argv)
{
	struct sockaddr_un a;
	socklen_t len;
	char buf[64];
	int s, n;

	if (argc < 3)
		return 2;
	len = mkaddr(&a, argv[2]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (!strcmp(argv[1], "connect")) {
		if (connect(s, (struct sockaddr *)&a, len) < 0) {
			printf("connect %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		n = (int)read(s, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("connected %s: read \"%s\"\n", argv[2], buf);
		return 0;
	}
	if (argc < 5 || bind(s, (struct sockaddr *)&a, len) < 0 ||
	    listen(s, 8) < 0) {
		printf("serve %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	printf("listening %s\n", argv[2]);
	fflush(stdout);
	for (int i = 0; i < atoi(argv[3]); i++) {
		int c = accept(s, NULL, NULL);
		FILE *log = fopen(argv[4], "a");

		if (log) {
			fprintf(log, "accepted on %s\n", argv[2]);
			fclose(log);
		}
		write(c, "hello", 5);
		close(c);
	}
	return 0;
}
EOF
if ! "$cc" -static -O1 -o "$work/sockprobe" "$work/sockprobe.c" 2> "$work/cc.log"; then
	echo "ok compile (skipped: no static C compiler: $(head -1 "$work/cc.log"))"
	exit 0
fi

root=$work/root
vol=$work/vol
mkdir -p "$root"/{bin,tmp,dev,proc} "$vol"
cp "$(command -v busybox)" "$root/bin/busybox"
for a in sh sleep ls test cat; do ln -s busybox "$root/bin/$a"; done
cp "$work/sockprobe" "$root/bin/sockprobe"
ln -s "$work/root/hostsock" "$root/abs-link"   # a host path, absolute
chmod -R a+rwX "$work"

run() { timeout 30 "$umk" run --root "$root" -v "$vol:/vol" "$@" 2>&1; }

# The host listens in the root, in the volume and in the abstract
# namespace; whatever reaches it is written to host.log.
: > "$work/host.log"
abstract="@umk-hostsock-$$"
( "$work/sockprobe" serve "$root/hostsock" 100 "$work/host.log" &
  "$work/sockprobe" serve "$vol/hostsock" 100 "$work/host.log" &
  "$work/sockprobe" serve "$abstract" 100 "$work/host.log" &
  wait ) > "$work/listeners.out" &
listener=$!
for i in $(seq 1 50); do
	[ "$(grep -c listening "$work/listeners.out" 2>/dev/null)" = 3 ] && break
	sleep 0.1
done
if [ "$(grep -c listening "$work/listeners.out")" != 3 ]; then
	fail listeners "the host listeners did not start: $(cat "$work/listeners.out")"
	exit 1
fi
# Positive control of the control: the host can reach its own sockets.
out=$("$work/sockprobe" connect "$vol/hostsock")
case "$out" in
*hello*) ;;
*) fail host-control "the host cannot reach its own listener: $out"; exit 1;;
esac
: > "$work/host.log"

# 1. Host sockets in the root, in a volume, in the abstract namespace,
#    through a symlink, and through /proc: refused.
out=$(run -- /bin/sh -c '
	sockprobe connect /hostsock
	sockprobe connect /vol/hostsock
	sockprobe connect '"$abstract"'
	sockprobe connect /abs-link
	sockprobe connect /proc/self/root/hostsock
	cat /hostsock; echo "cat: $?"')
[ -n "${VERBOSE:-}" ] && echo "$out"
expect_refused() { # NAME PATTERN
	case "$out" in
	*"connected $2"*) fail "$1" "reached the host socket: $out";;
	*"connect $2: Connection refused"*|*"connect $2: No such file"*) ok "$1";;
	*) fail "$1" "unexpected: $out";;
	esac
}
expect_refused host-socket-root /hostsock
expect_refused host-socket-volume /vol/hostsock
expect_refused host-socket-abstract "$abstract"
expect_refused host-socket-symlink /abs-link
expect_refused host-socket-proc-root /proc/self/root/hostsock
if [ -s "$work/host.log" ]; then
	fail host-listener "the host listener was reached: $(cat "$work/host.log")"
else
	ok host-listener
fi

# 2. The guest's own sockets: in the overlay root, /tmp and the volume.
before=$(cd "$root" && find . | LC_ALL=C sort)
out=$(run -- /bin/sh -c '
	for p in /guestsock /tmp/guestsock /vol/guestsock @guest-abstract; do
		sockprobe serve $p 1 /tmp/log > /dev/null &
		for i in 1 2 3 4 5 6 7 8 9 10; do
			sockprobe connect $p > /tmp/c 2>&1 && break
			sleep 0.1
		done
		cat /tmp/c
		wait
	done
	test -S /vol/guestsock && echo "guest sees a socket node"')
for p in /guestsock /tmp/guestsock /vol/guestsock @guest-abstract; do
	case "$out" in
	*"connected $p: read \"hello\""*) ok "guest-socket $p";;
	*) fail "guest-socket $p" "the guest's own socket did not work: $out";;
	esac
done
case "$out" in
*"guest sees a socket node"*) ok guest-socket-node;;
*) fail guest-socket-node "$out";;
esac
after=$(cd "$root" && find . | LC_ALL=C sort)
if [ "$before" != "$after" ]; then
	fail root-unchanged "$(diff <(echo "$before") <(echo "$after") | head -5)"
else
	ok root-unchanged
fi

# 3. The socket file a guest bind left in the volume is a host socket
#    file no host process listens on: the host is refused too, and the
#    guest's socket (gone with the guest) is not behind it.
if [ -S "$vol/guestsock" ]; then
	out=$("$work/sockprobe" connect "$vol/guestsock")
	case "$out" in
	*"Connection refused"*) ok volume-node-from-host;;
	*) fail volume-node-from-host "$out";;
	esac
else
	fail volume-node-from-host "no socket file in the volume"
fi

exit $failed
