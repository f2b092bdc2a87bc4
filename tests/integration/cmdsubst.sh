# Command substitution: $(...), backquotes, nesting, newlines, status.
cd "$TEST_TMP" || exit 99
a=$(echo hello)
b=`echo world`
echo "$a $b"
echo "nested: $(echo $(echo $(echo deep)))"
n="$(printf 'x\n\n\n')"
echo "trailing newlines stripped: [$n]"
m="$(printf 'a\nb')"
echo "inner newline kept: [$m]"
c=$(false)
echo "status of \$(false): $?"
c=$(exit 7)
echo "status of \$(exit 7): $?"
echo "arith on output: $(( $(echo 6) * $(echo 7) ))"
lines=$(for i in 1 2 3; do echo "line $i"; done)
echo "$lines"
echo "count: $(echo "$lines" | wc -l)"
x=outer
y=$(x=inner; echo $x)
echo "$x $y"
echo "$(echo "quoted  spaces")" $(echo "unquoted  spaces")
