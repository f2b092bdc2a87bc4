#!/bin/bash
# Escape attempts: a guest must never reach a host file outside its root,
# a host device or FIFO as a host object, or write through a read-only
# volume; and the host's copy of the root must be unchanged however the
# guest rewrites it.  Each check prints "ok NAME" or "FAIL NAME: why";
# the script exits 1 if any failed.
#
#   tests/escape/escape.sh            (UMK=path/to/umk, default ./umk)
set -u
umk=$(realpath "${UMK:-./umk}")
# Not under /tmp: the guest's /tmp is its own tmpfs and would hide it.
work=$(mktemp -d /var/tmp/umk-escape.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
failed=0
root=$work/root
secret=$work/secret.txt
echo "HOST-SECRET-$$" > "$secret"

fail() { echo "FAIL $1: $2"; failed=1; }
ok() { echo "ok $1"; }

# A root made from busybox (from the umk binary's own initramfs is not
# reachable from here, so use the host's busybox-static).
mkdir -p "$root"/{bin,etc,tmp,dev,proc,data}
cp "$(command -v busybox)" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
done
echo "guest-passwd" > "$root/etc/passwd"
# The secret's path also exists inside the guest, with other contents:
# every check must find this one (proof that it resolved in the guest).
mkdir -p "$root$(dirname "$secret")"
echo "GUEST-VIEW" > "$root$secret"
ln -s "$secret" "$root/abs-link"            # absolute host path
ln -s "$work" "$root/abs-dir-link"
ln -s ../../../../../../../../"$secret" "$root/dotdot-link"
mkfifo "$root/host-fifo"
if [ "$(id -u)" = 0 ]; then
	mknod "$root/host-null" c 1 3
	mknod "$root/host-disk" b 8 0
	mknod "$root/host-kmsg" c 1 11
fi
chmod -R a+rX "$work"

run() { timeout 30 "$umk" run --root "$root" "$@"; }
guest() { run -- /bin/sh -c "$1" 2>&1; }

# 1. Symlinks to absolute host paths resolve inside the guest.
out=$(guest 'cat /abs-link; cat /abs-dir-link/secret.txt')
expect_guest() { # NAME OUT: the guest view, never the host's
	case "$2" in
	*HOST-SECRET*) fail "$1" "read the host file";;
	*GUEST-VIEW*) ok "$1";;
	*) fail "$1" "did not resolve inside the guest either: $2";;
	esac
}
expect_guest abs-symlink "$out"

# 2. ".." chains stop at the guest root.
out=$(guest "cat /../../../../..$secret; cat ../../../../..$secret; cd /; cd ../../../..; cat .$secret; cat /dotdot-link")
expect_guest dotdot "$out"

# 3. A symlink swapped on the host during walks never leads out.  The
#    root is the guest's own (cached); a shared volume is where the host
#    changes things under a walk, so the race is run there.
vol=$work/swapvol
mkdir -p "$vol/swap.d$(dirname "$secret")"
echo GUEST-VIEW > "$vol/swap.d$secret"
ln -s swap.d "$vol/swap"
chmod -R a+rwX "$vol"
(for i in $(seq 1 300); do
	ln -sfn / "$vol/swap.new" && mv -T "$vol/swap.new" "$vol/swap"
	ln -sfn swap.d "$vol/swap.new" && mv -T "$vol/swap.new" "$vol/swap"
 done) &
swapper=$!
out=$(run -v "$vol:/vol" -- /bin/sh -c "for i in \$(seq 1 300); do cat /vol/swap$secret 2>/dev/null; done; echo done" 2>&1)
wait $swapper
case "$out" in
*HOST-SECRET*) fail swapped-symlink "read the host file";;
*GUEST-VIEW*done*) ok swapped-symlink;;
*) fail swapped-symlink "guest did not finish or never resolved: $out";;
esac

# 4. The guest cannot hard-link a file outside its root.
out=$(guest "ln /..$secret /data/x; ln /abs-link /data/y; cat /data/x /data/y")
expect_guest hardlink "$out"

# 5. A host FIFO in the root is a guest FIFO: host writers are not heard.
(exec 3<>"$root/host-fifo"; echo HOST-FIFO-DATA >&3; sleep 3) &
writer=$!
out=$(guest 'cat /host-fifo & sleep 1; echo guest-data > /host-fifo; wait')
kill $writer 2>/dev/null; wait $writer 2>/dev/null
case "$out" in
*HOST-FIFO-DATA*) fail host-fifo "read the host writer's data";;
*guest-data*) ok host-fifo;;
*) fail host-fifo "the guest's own FIFO did not work: $out";;
esac

# 6. Device nodes in the root are guest devices, never host ones.
if [ "$(id -u)" = 0 ]; then
	out=$(guest 'echo x > /host-null && echo null-ok; cat /host-disk; cat /host-kmsg; echo end')
	case "$out" in
	*kernel*|*Linux*|*umk*) fail devices "read a host device: $out";;
	*null-ok*"No such device or address"*end*) ok devices;;
	*) fail devices "unexpected: $out";;
	esac
fi

# 7. A read-only volume stays read-only.
mkdir -p "$work/vol"; echo keep > "$work/vol/f"; chmod -R a+rwX "$work/vol"
out=$(run -v "$work/vol:/vol:ro" -- /bin/sh -c 'cat /vol/f; echo gone > /vol/f; rm /vol/f; touch /vol/new; mkdir /vol/d; mv /vol/f /vol/g' 2>&1)
if [ "$(cat "$work/vol/f" 2>/dev/null)" != keep ] || [ "$(ls "$work/vol")" != f ]; then
	fail ro-volume "the volume changed"
else
	case "$out" in
	keep*"Read-only file system"*) ok ro-volume;;
	*) fail ro-volume "the guest could not use the volume: $out";;
	esac
fi

# 8. /proc/self/root and /proc/PID/cwd lead nowhere outside.
out=$(guest "cat /proc/self/root/..$secret; cat /proc/1/cwd/../../..$secret; cd /proc/self/root/../..; cat .$secret")
expect_guest proc-links "$out"

# 9. The host's root is byte-for-byte unchanged after a guest rewrote it.
snapshot() { (cd "$root" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort; find . -type f -exec sha256sum {} + | LC_ALL=C sort); }
before=$(snapshot)
out=$(guest 'echo rewritten > /etc/passwd; echo new > /newfile; mkdir -p /a/b; chmod 777 /etc; touch -d 2001-01-01 /bin/sh; mv /abs-link /moved; cat /etc/passwd; rm -rf /bin /etc /data /a /newfile /moved /var; set -- /*; echo left: $*')
after=$(snapshot)
if [ "$before" != "$after" ]; then
	fail root-unchanged "$(diff <(echo "$before") <(echo "$after") | head -5)"
else
	case "$out" in
	rewritten*"left: "*) case "$out" in *"/bin"*|*"/etc"*) fail root-unchanged "the guest could not delete: $out";; *) ok root-unchanged;; esac;;
	*) fail root-unchanged "the guest did not rewrite its view: $out";;
	esac
fi

exit $failed
