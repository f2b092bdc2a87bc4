# Arithmetic expansion: operators, precedence, bases, 64-bit wrap-around.
cd "$TEST_TMP" || exit 99
echo $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((7 / 2)) $((7 % 3)) $((-7 / 2)) $((-7 % 3))
echo $((2 ** 10)) $((1 << 20)) $((-1 >> 1)) $((0xff)) $((010)) $((0x7fffffffffffffff))
echo $((9223372036854775807 + 1)) $((-9223372036854775807 - 1))
echo $((5 & 3)) $((5 | 3)) $((5 ^ 3)) $((~5)) $((!5)) $((!0))
echo $((3 < 4)) $((3 > 4)) $((3 <= 3)) $((3 >= 4)) $((3 == 3)) $((3 != 3))
echo $((1 && 0)) $((1 || 0)) $((0 || 0)) $((2 ? 10 : 20)) $((0 ? 10 : 20))
x=5
y=7
echo $((x + y)) $(($x * $y)) $((x += 2)) $x $((x++)) $x $((++x)) $((x--)) $x
i=0
n=0
while [ $i -lt 100 ]; do
	n=$((n + i * i))
	i=$((i + 1))
done
echo sum of squares $n
z=$((x = 3, x * 4))
echo $z $x
unset u
echo unset is $((u + 1))
s=12abc
echo "${s%abc}" $(( ${s%abc} * 2 ))
let a=6*7 b=a+1
echo let: $a $b
