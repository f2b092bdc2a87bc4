# Loops: for, while, until, break, continue, nesting.
cd "$TEST_TMP" || exit 99
for i in a b c; do printf '%s ' "$i"; done; echo
for i in 1 2 3 4 5 6; do
	[ $i = 2 ] && continue
	[ $i = 5 ] && break
	printf '%s ' $i
done
echo
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); printf '%s ' $i; done; echo
until [ $i -le 0 ]; do i=$((i - 1)); printf '%s ' $i; done; echo
for x in 1 2 3; do
	for y in a b c; do
		[ $y = b ] && continue 2
		[ $x = 3 ] && break 2
		printf '%s%s ' $x $y
	done
done
echo
n=0
while :; do n=$((n + 1)); [ $n -ge 1000 ] && break; done
echo "counted to $n"
for f in; do echo never; done
set -- p q r
for arg; do printf '<%s>' "$arg"; done; echo
count=0
for w in $(echo one two three); do count=$((count + 1)); done
echo "words $count"
