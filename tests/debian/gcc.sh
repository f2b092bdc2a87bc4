# debian/gcc: gcc -O2 of a small C program (libc and libm), then run it.
cd /tmp && mkdir work && cd work || exit 1
cat > prog.c <<'C'
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word { const char *s; int n; };

static int cmp(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	return x->n != y->n ? y->n - x->n : strcmp(x->s, y->s);
}

int main(int argc, char **argv)
{
	static char sieve[100000];
	struct word w[] = { { "kernel", 0 }, { "user", 0 }, { "mode", 0 },
			    { "umk", 0 }, { "trap", 0 } };
	const char *text = "user mode kernel umk traps every user trap in user mode";
	int i, j, primes = 0;
	double s = 0;
	char *buf;

	for (i = 2; i < 100000; i++) {
		if (sieve[i])
			continue;
		primes++;
		for (j = 2 * i; j < 100000; j += i)
			sieve[j] = 1;
	}
	printf("primes below 100000: %d\n", primes);
	for (i = 1; i <= 1000000; i++)
		s += 1.0 / ((double)i * i);
	printf("pi from the Basel sum: %.9f\n", sqrt(6 * s));
	printf("exp(1) = %.12f, log(10) = %.12f\n", exp(1), log(10));
	for (i = 0; i < 5; i++)
		for (const char *p = text; (p = strstr(p, w[i].s)); p++)
			w[i].n++;
	qsort(w, 5, sizeof w[0], cmp);
	for (i = 0; i < 5; i++)
		printf("%s=%d ", w[i].s, w[i].n);
	printf("\n");
	buf = malloc(1 << 24);
	memset(buf, 'x', 1 << 24);
	printf("16 MiB of x: %s\n", buf[(1 << 24) - 1] == 'x' ? "ok" : "bad");
	free(buf);
	printf("argc %d, argv[1] %s\n", argc, argc > 1 ? argv[1] : "-");
	return 3;
}
C
gcc -O2 -Wall -Wextra -o prog prog.c -lm
echo "gcc: exit $?"
./prog hello
echo "prog: exit $?"
gcc -O2 -c prog.c -o prog.o && nm prog.o | awk '{ print $NF }' | sort | tr '\n' ' '; echo
gcc -E -dM - < /dev/null | grep -c '#define'
printf 'int main(void) { return undefined_thing; }\n' > bad.c
gcc bad.c -o bad 2>&1 | grep -o "'undefined_thing' undeclared" | head -n 1
echo "gcc on bad.c: exit ${PIPESTATUS[0]}"
gcc -static -O2 -o prog-static prog.c -lm && ./prog-static; echo "static: exit $?"
file prog prog-static | sed 's/BuildID\[sha1\]=[0-9a-f]*, //'
