# Parameters: defaults, assignment forms, positional parameters, IFS.
cd "$TEST_TMP" || exit 99
unset v
echo "1 [${v-dflt}] [${v:-dflt}] [${v+alt}] [${v:+alt}]"
v=
echo "2 [${v-dflt}] [${v:-dflt}] [${v+alt}] [${v:+alt}]"
v=val
echo "3 [${v-dflt}] [${v:-dflt}] [${v+alt}] [${v:+alt}] ${#v}"
unset w
echo "4 [${w:=assigned}] [$w]"
set -- one "two three" "" four
echo "count $#"
for a in "$@"; do echo "at [$a]"; done
for a in "$*"; do echo "star [$a]"; done
for a in $*; do echo "unquoted [$a]"; done
shift
echo "after shift $# [$1]"
shift 2
echo "after shift 2 $# [$1]"
set --
echo "none $#"
IFS=:
line="a:b::c"
set -- $line
echo "fields $#: $1|$2|$3|$4"
IFS=' 	
'
readonly ro=1
(ro=2) 2>/dev/null && echo "readonly assignment worked" || echo "readonly refused"
export EXPORTED=yes
env | grep '^EXPORTED='
NOTEXPORTED=no
env | grep -c '^NOTEXPORTED=' || true
ONESHOT=once sh -c 'echo "child sees $ONESHOT"'
echo "parent sees [${ONESHOT-}]"
