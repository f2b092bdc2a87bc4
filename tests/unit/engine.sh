#!/bin/bash
# --engine from the command line: what auto picks on this host, and the
# one-line failures.  auto must pick the first of kvm (where `--engine
# kvm` runs a program here), systrap (two CPUs or more, where `--engine
# systrap` runs one) and ptrace; --verbose names it.  An unknown engine,
# and kvm where /dev/kvm cannot be used, fail with one line and status 1.
# Run from the top of the build tree (tests/run-tests does).
set -u
umk=${UMK:-./umk}
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
works() { "$umk" run --engine "$1" -- /bin/true > /dev/null 2>&1; }

if works kvm; then
	want=kvm
elif [ "$(nproc)" -gt 1 ] && works systrap; then
	want=systrap
else
	want=ptrace
fi
got=$("$umk" run --verbose -- /bin/true 2>&1)
rc=$?
[ $rc = 0 ] || fail "auto: exit $rc: $got"
echo "$got" | grep -qxF "umk: the $want engine runs guest programs (--engine auto)" ||
	fail "auto should pick $want here; it said: $got"
# Quiet unless --verbose: auto says nothing about the engines it passed over.
got=$("$umk" run -- /bin/true 2>&1)
[ -z "$got" ] || fail "auto without --verbose printed: $got"

for e in kvm systrap ptrace; do
	works "$e" && continue
	out=$("$umk" run --engine "$e" -- /bin/true 2>&1)
	rc=$?
	[ $rc = 1 ] || fail "--engine $e that cannot run: exit $rc, not 1"
	[ "$(echo "$out" | wc -l)" = 1 ] || fail "--engine $e that cannot run: not one line: $out"
	if [ $e = kvm ] && [ ! -c /dev/kvm ]; then
		echo "$out" | grep -q "/dev/kvm" || fail "--engine kvm without /dev/kvm does not name it: $out"
	fi
done
out=$("$umk" run --engine bogus -- /bin/true 2>&1)
rc=$?
[ $rc != 0 ] || fail "--engine bogus: exit 0"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "--engine bogus: not one line: $out"
echo "$out" | grep -q "auto, systrap, ptrace or kvm" || fail "--engine bogus does not list the engines: $out"
[ $fails = 0 ]
