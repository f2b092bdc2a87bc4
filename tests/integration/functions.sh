# Functions: arguments, return status, recursion, local variables.
cd "$TEST_TMP" || exit 99
greet() { echo "hello $1 ($# args)"; }
greet world
greet "big world" extra
fact() {
	if [ $1 -le 1 ]; then echo 1; return; fi
	echo $(( $1 * $(fact $(( $1 - 1 ))) ))
}
echo "10! = $(fact 10)"
fib() {
	local n=$1
	if [ $n -lt 2 ]; then r=$n; return; fi
	fib $((n - 1)); local a=$r
	fib $((n - 2)); r=$((a + r))
}
fib 15
echo "fib 15 = $r"
st() { return $1; }
st 0; echo "status $?"
st 3; echo "status $?"
st 255; echo "status $?"
g=global
scope() { local g=local; echo "inside $g"; }
scope
echo "outside $g"
args() { echo "$0" >/dev/null; shift; echo "rest: $*"; }
args a b c
redefine() { echo first; }
redefine
redefine() { echo second; }
redefine
nested() { inner() { echo "inner defined"; }; inner; }
nested
inner
