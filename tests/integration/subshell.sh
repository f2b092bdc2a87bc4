# Subshells and groups: isolation of cwd, variables and exit.
cd "$TEST_TMP" || exit 99
v=parent
(v=child; echo "in subshell $v")
echo "after subshell $v"
{ v=group; echo "in group $v"; }
echo "after group $v"
(cd /; [ "$(pwd)" = / ] && echo "subshell at /")
[ "$(pwd)" = "$TEST_TMP" ] && echo "parent cwd unchanged"
(exit 4)
echo "subshell exit $?"
(echo out; echo err >&2) 2>&1 | sort
( (echo nested; exit 2); echo "inner status $?" )
x=$( (echo a; echo b) | wc -l)
echo "lines from nested subshell $x"
(set -- 1 2 3; echo "subshell args $#")
echo "outer args $#"
