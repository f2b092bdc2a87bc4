# Redirections in the scratch directory: >, >>, <, 2>&1, fds, noclobber.
cd "$TEST_TMP" || exit 99
echo first > out.txt
echo second >> out.txt
while read l; do echo "read: $l"; done < out.txt
wc -l < out.txt
echo error >&2 2>/dev/null
{ echo to-stdout; echo to-stderr >&2; } > both.txt 2>&1
sort both.txt
exec 3> fd3.txt
echo "via fd 3" >&3
echo "again" >&3
exec 3>&-
cat fd3.txt
exec 4< fd3.txt
read l <&4
echo "fd 4 read: $l"
exec 4<&-
set -C
echo clobber > out.txt 2>/dev/null || echo "noclobber refused"
echo forced >| out.txt
cat out.txt
set +C
: > empty.txt
[ -s empty.txt ] || echo "empty.txt is empty"
[ -f empty.txt ] && echo "empty.txt exists"
echo data 1>&2 2>/dev/null | wc -c
cat < /dev/null | wc -c
echo "to null" > /dev/null && echo "wrote to /dev/null"
printf 'abc' > n.txt; printf 'def' >> n.txt; cat n.txt; echo
ls
