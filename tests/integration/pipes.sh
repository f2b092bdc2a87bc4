# Pipelines: data through pipes, exit status, negation, big transfers.
cd "$TEST_TMP" || exit 99
echo a b | wc -w
seq 1 100 | sort -rn | head -3
printf 'b\na\nc\n' | sort | tr '\n' ' '; echo
seq 1 20000 | wc -l
seq 1 20000 | awk '{ s += $1 } END { print s }'
yes | head -3
true | false; echo "status $?"
false | true; echo "status $?"
! true; echo "negated $?"
! false; echo "negated $?"
echo abc | { read x; echo "group read $x"; }
seq 1 5 | while read n; do echo "n=$n"; done | tail -2
dd if=/dev/zero bs=1024 count=512 2>/dev/null | wc -c
echo hello | cat | cat | cat | tr h H
