# read: lines from stdin (read.in), fields, IFS, -r, EOF status.
cd "$TEST_TMP" || exit 99
read first
echo "first line: [$first]"
read a b c
echo "fields: [$a] [$b] [$c]"
read -r raw
echo "raw: [$raw]"
read cooked
echo "cooked: [$cooked]"
IFS=: read x y
echo "IFS colon: [$x] [$y]"
n=0
while read line; do n=$((n + 1)); last=$line; done
echo "remaining lines $n, last [$last]"
read gone
echo "read at EOF: $? [$gone]"
printf 'no newline' > partial
read p < partial
echo "partial line: $? [$p]"
