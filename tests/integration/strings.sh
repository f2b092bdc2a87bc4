# String operations: trimming, substitution, substrings, printf, test.
cd "$TEST_TMP" || exit 99
p=/usr/local/lib/libfoo.so.1.2
echo "${p#*/}" "${p##*/}" "${p%.*}" "${p%%.*}"
echo "${p/lib/LIB}" "${p//lib/LIB}" "${p/#\/usr/ROOT}" "${p/%2/TWO}"
s=abcdefgh
echo "${s:2}" "${s:2:3}" "${s: -3}" "${#s}"
printf '%5s|%-5s|%05d|%x|%o|%c|%%\n' ab cd 42 255 8 xyz
printf '%s\n' one two three
printf '%d + %d = %d\n' 2 3 5
printf '[%.3s]\n' abcdef
printf 'esc: \t|\\|\101\n'
[ abc = abc ] && echo eq
[ abc != abd ] && echo ne
[ -z "" ] && echo empty
[ -n "x" ] && echo nonempty
[ abc \< abd ] && echo less
[ 10 -gt 9 ] && echo numeric-gt
[ "10" \> "9" ] || echo string-not-gt
up=$(echo hello | tr a-z A-Z)
echo "$up"
echo "a,b,,c" | cut -d, -f2,4
echo "  spaced   out  " | sed 's/^ *//; s/ *$//'
echo "length via expr: $(expr length "hello world")"
echo "substr via awk: $(echo hello | awk '{ print substr($0, 2, 3) }')"
