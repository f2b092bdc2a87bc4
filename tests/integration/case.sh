# case: literal, glob, alternatives, classes, default.
cd "$TEST_TMP" || exit 99
for w in apple banana cherry 42 x7 "" "a b" Zed '*'; do
	case "$w" in
	apple|banana) r=fruit ;;
	ch*) r=starts-ch ;;
	[0-9][0-9]) r=two-digits ;;
	?[0-9]) r=char-digit ;;
	"") r=empty ;;
	*" "*) r=has-space ;;
	[A-Z]*) r=capital ;;
	\*) r=star ;;
	*) r=other ;;
	esac
	echo "[$w] $r"
done
case x in y) echo no ;; esac
echo "no match status $?"
v=hello
case $v in h?ll?) echo matched-pattern ;; esac
case $v in "h?ll?") echo literal ;; *) echo quoted-is-literal ;; esac
