#!/bin/bash
# umk run --stats: the counts printed at the end add up.  A guest that
# makes fewer than 20 kinds of system call has them all listed, and
# their sum is the "syscall" trap count; it exits once (exit_group 1);
# running it mapped pages; the guest's own output and status are
# untouched.  Run from the top of the build tree (tests/run-tests does).
set -u
umk=${UMK:-./umk}
out=$("$umk" run --stats -- /bin/sh -c 'echo hi; exit 3' 2> /tmp/umk-stats.$$)
rc=$?
err=$(cat /tmp/umk-stats.$$)
rm -f /tmp/umk-stats.$$
fails=0
fail() { echo "FAIL: $*"; echo "$err" | sed 's/^/    /'; fails=$((fails + 1)); }
[ "$out" = hi ] || fail "guest stdout: '$out', not hi"
[ $rc = 3 ] || fail "exit status $rc, not 3"
traps=$(echo "$err" | grep '^umk: traps: ')
calls=$(echo "$err" | grep '^umk: most frequent system calls: ')
n=$(echo "$traps" | sed -n 's/.* syscall \([0-9]*\) .*/\1/p')
pages=$(echo "$traps" | sed -n 's/.*pages mapped \([0-9]*\).*/\1/p')
set -- ${calls#umk: most frequent system calls: }
kinds=$(($# / 2)) sum=0 exits=0
while [ $# -ge 2 ]; do
	sum=$((sum + $2))
	[ "$1" = exit_group ] && exits=$2
	shift 2
done
[ -n "$n" ] && [ "$n" -gt 0 ] || fail "no syscall count"
[ "$kinds" -lt 20 ] && [ "$sum" != "$n" ] && fail "listed calls add up to $sum, not $n"
[ "$exits" = 1 ] || fail "exit_group counted $exits times, not 1"
[ -n "$pages" ] && [ "$pages" -gt 0 ] || fail "no pages mapped counted"
[ $fails = 0 ]
