# debian/make: make -j2 of a multi-file C project with a static library,
# a generated header and a rebuild after a change.
cd /tmp && mkdir work && cd work || exit 1
mkdir -p src lib
for i in 1 2 3 4 5 6; do
	cat > lib/m$i.c <<C
#include "m.h"
long m$i(long x)
{
	long r = 0;
	for (long k = 0; k < x; k++)
		r += (k * $i) % (7 + $i);
	return r;
}
C
done
{
	echo '#ifndef M_H'
	echo '#define M_H'
	for i in 1 2 3 4 5 6; do echo "long m$i(long x);"; done
	echo '#endif'
} > lib/m.h
cat > src/main.c <<'C'
#include <stdio.h>
#include "m.h"
#include "version.h"
long table(int i, long x);
int main(void)
{
	long sum = 0;
	for (int i = 1; i <= 6; i++)
		sum += table(i, 10000 * i);
	printf("%s: sum %ld\n", VERSION, sum);
	return 0;
}
C
cat > src/table.c <<'C'
#include "m.h"
long table(int i, long x)
{
	static long (*const f[])(long) = { m1, m2, m3, m4, m5, m6 };
	return f[i - 1](x);
}
C
cat > Makefile <<'M'
CFLAGS = -O2 -Wall -Ilib -Ibuild
LIBOBJS = $(patsubst lib/%.c,build/%.o,$(wildcard lib/*.c))
OBJS = build/main.o build/table.o

prog: $(OBJS) build/libm6.a
	$(CC) -o $@ $(OBJS) -Lbuild -lm6

build/libm6.a: $(LIBOBJS)
	$(AR) rcs $@ $^

build/%.o: lib/%.c lib/m.h | build
	$(CC) $(CFLAGS) -c -o $@ $<
build/%.o: src/%.c lib/m.h build/version.h | build
	$(CC) $(CFLAGS) -c -o $@ $<
build/version.h: VERSION | build
	echo "#define VERSION \"$$(cat VERSION)\"" > $@
build:
	mkdir -p build
clean:
	rm -rf build prog
.PHONY: clean
M
echo "demo 1.0" > VERSION

# -s: the order in which two jobs print is not deterministic; the result is
make -j2 -s; echo "make: exit $?"
ls build | tr '\n' ' '; echo
./prog
make -j2; echo "make again: exit $?"
make -q; echo "make -q: exit $?"
# a change: only what depends on it is rebuilt
sleep 0.01
echo "demo 1.1" > VERSION
make -n | sed 's/  */ /g'
make -j2 -s; echo "make: exit $?"
./prog
make -j2 -s clean && ls
make -j2 -s -k broken 2>&1 | sed 's/^make: //'; echo "missing target: exit ${PIPESTATUS[0]}"
