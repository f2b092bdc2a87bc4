#!/bin/sh
# bench/cproject.sh DIR [N]: generate a small C project for the cbuild
# benchmark: N modules (default 24) of ordinary C (a hash table, sorting,
# a tokenizer, a small matrix product, a ring buffer, string building),
# a header, a main and a Makefile that builds them into a static library
# and a program.  Deterministic: the same N gives the same files.  Each
# module is about 200 lines and includes the usual libc headers, as real
# code does: gcc -O2 compiles one in about 0.1 s on the 2-CPU machine
# this was written on (a third of that is the compiler's start-up).
set -eu
dir=$1
n=${2:-24}
rm -rf "$dir"
mkdir -p "$dir/src" "$dir/include"

{
	echo '/* proj.h: what every module of the generated project shares */'
	echo '#ifndef PROJ_H'
	echo '#define PROJ_H'
	echo '#include <stddef.h>'
	echo '#include <stdint.h>'
	echo '#define TABLE_SIZE 256'
	echo '#define MAX_TOKENS 64'
	echo 'uint32_t proj_hash(const char *s, uint32_t seed);'
	echo 'void proj_log(const char *module, long value);'
	i=1
	while [ $i -le "$n" ]; do
		echo "long run_module_$i(long n);"
		i=$((i + 1))
	done
	echo '#endif'
} > "$dir/include/proj.h"

cat > "$dir/src/common.c" <<'EOF'
/* common.c: helpers shared by the modules */
#include <stdio.h>
#include <stdarg.h>
#include "proj.h"

uint32_t proj_hash(const char *s, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static long log_total;

void proj_log(const char *module, long value)
{
	log_total += value % 1000;
	if (getenv_debug())
		fprintf(stderr, "%s: %ld (%ld)\n", module, value, log_total);
}
EOF
# (getenv_debug: a static inline in a second header, so that common.c
# has something to include from the project besides proj.h)
cat > "$dir/include/debug.h" <<'EOF'
#ifndef DEBUG_H
#define DEBUG_H
#include <stdlib.h>
static inline int getenv_debug(void)
{
	const char *s = getenv("PROJ_DEBUG");
	return s && *s == '1';
}
#endif
EOF
sed -i 's|#include "proj.h"|#include "proj.h"\n#include "debug.h"|' "$dir/src/common.c"

i=1
while [ $i -le "$n" ]; do
	# per-module constants, so that no two modules are the same code
	seed=$((i * 7919 % 65521))
	rows=$((3 + i % 4))
	ring=$((16 << (i % 3)))
	sed -e "s/@K@/$i/g" -e "s/@SEED@/$seed/g" -e "s/@ROWS@/$rows/g" \
		-e "s/@RING@/$ring/g" > "$dir/src/module_$i.c" <<'EOF'
/*
 * module_@K@.c: one of the generated modules of the cbuild benchmark.
 * A hash table of named items, a sort, a tokenizer, a matrix product
 * and a ring buffer, combined into one checksum by run_module_@K@().
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proj.h"

#define SEED @SEED@u
#define ROWS @ROWS@
#define RING @RING@

struct item {
	char name[32];
	long key;
	double weight;
	struct item *next;
};

static struct item *table[TABLE_SIZE];
static size_t nitems;

static struct item *lookup(const char *name)
{
	struct item *it = table[proj_hash(name, SEED) % TABLE_SIZE];

	while (it && strcmp(it->name, name) != 0)
		it = it->next;
	return it;
}

static struct item *insert(const char *name, long key, double weight)
{
	uint32_t h = proj_hash(name, SEED) % TABLE_SIZE;
	struct item *it = lookup(name);

	if (it) {
		it->key += key;
		it->weight = (it->weight + weight) / 2;
		return it;
	}
	it = calloc(1, sizeof *it);
	if (!it)
		abort();
	snprintf(it->name, sizeof it->name, "%s", name);
	it->key = key;
	it->weight = weight;
	it->next = table[h];
	table[h] = it;
	nitems++;
	return it;
}

static void clear_table(void)
{
	size_t i;

	for (i = 0; i < TABLE_SIZE; i++) {
		while (table[i]) {
			struct item *next = table[i]->next;

			free(table[i]);
			table[i] = next;
		}
	}
	nitems = 0;
}

static int by_key(const void *a, const void *b)
{
	const struct item *x = *(const struct item *const *)a;
	const struct item *y = *(const struct item *const *)b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->name, y->name);
}

static long sorted_checksum(void)
{
	struct item **all = malloc((nitems + 1) * sizeof *all);
	size_t i, n = 0;
	long sum = 0;

	if (!all)
		abort();
	for (i = 0; i < TABLE_SIZE; i++)
		for (struct item *it = table[i]; it; it = it->next)
			all[n++] = it;
	qsort(all, n, sizeof *all, by_key);
	for (i = 0; i < n; i++)
		sum = sum * 31 + all[i]->key + (long)(all[i]->weight * 10);
	free(all);
	return sum;
}

static size_t tokenize(const char *text, char toks[][16], size_t max)
{
	size_t n = 0, len;

	while (*text && n < max) {
		while (*text && !isalnum((unsigned char)*text))
			text++;
		for (len = 0; isalnum((unsigned char)text[len]); len++)
			;
		if (len == 0)
			break;
		if (len > 15)
			len = 15;
		memcpy(toks[n], text, len);
		toks[n][len] = '\0';
		for (size_t j = 0; j < len; j++)
			toks[n][j] = (char)tolower((unsigned char)toks[n][j]);
		n++;
		text += len;
		while (isalnum((unsigned char)*text))
			text++;
	}
	return n;
}

static void matmul(double a[ROWS][ROWS], double b[ROWS][ROWS],
		   double out[ROWS][ROWS])
{
	int i, j, k;

	for (i = 0; i < ROWS; i++)
		for (j = 0; j < ROWS; j++) {
			double s = 0;

			for (k = 0; k < ROWS; k++)
				s += a[i][k] * b[k][j];
			out[i][j] = s;
		}
}

static double matrix_trace(long n)
{
	double a[ROWS][ROWS], b[ROWS][ROWS], c[ROWS][ROWS];
	double t = 0;
	int i, j;

	for (i = 0; i < ROWS; i++)
		for (j = 0; j < ROWS; j++) {
			a[i][j] = sin((double)(i + j + n) * @K@);
			b[i][j] = cos((double)(i * j + n) / (@K@ + 1.0));
		}
	matmul(a, b, c);
	for (i = 0; i < ROWS; i++)
		t += c[i][i];
	return t;
}

struct ring {
	long buf[RING];
	unsigned head, len;
};

static void ring_push(struct ring *r, long v)
{
	r->buf[(r->head + r->len) % RING] = v;
	if (r->len < RING)
		r->len++;
	else
		r->head = (r->head + 1) % RING;
}

static long ring_sum(const struct ring *r)
{
	long s = 0;
	unsigned i;

	for (i = 0; i < r->len; i++)
		s += r->buf[(r->head + i) % RING];
	return s;
}

static const char text[] =
	"The quick brown fox jumps over the lazy dog; module @K@ counts "
	"words, sorts them by key and folds everything into one checksum, "
	"as real programs do with their real data, line after line.";

long run_module_@K@(long n)
{
	char toks[MAX_TOKENS][16];
	struct ring r = { { 0 }, 0, 0 };
	char name[32];
	size_t i, ntok;
	long round, sum = 0;

	ntok = tokenize(text, toks, MAX_TOKENS);
	for (round = 0; round < n; round++) {
		for (i = 0; i < ntok; i++) {
			snprintf(name, sizeof name, "%.15s-%ld", toks[i], round % 7);
			insert(name, (long)(i * @K@ + round), (double)i / (round + 1));
		}
		ring_push(&r, sorted_checksum() % 100003);
		sum += (long)(matrix_trace(round) * 1000);
	}
	sum += ring_sum(&r) + (long)nitems;
	clear_table();
	proj_log("module_@K@", sum);
	return sum;
}
EOF
	i=$((i + 1))
done

{
	echo '/* main.c: runs every module and prints one checksum */'
	echo '#include <stdio.h>'
	echo '#include "proj.h"'
	echo 'int main(void)'
	echo '{'
	echo '	long sum = 0;'
	i=1
	while [ $i -le "$n" ]; do
		echo "	sum += run_module_$i(20);"
		i=$((i + 1))
	done
	printf '\tprintf("checksum %%ld\\n", sum);\n'
	echo '	return 0;'
	echo '}'
} > "$dir/src/main.c"

cat > "$dir/Makefile" <<'EOF'
# The generated project: modules into libproj.a, then the program.
CC ?= cc
CFLAGS = -O2 -Wall -Wextra -Iinclude
MODULES = $(sort $(wildcard src/module_*.c)) src/common.c
OBJS = $(MODULES:src/%.c=obj/%.o)

prog: obj/main.o obj/libproj.a
	$(CC) -o $@ obj/main.o obj/libproj.a -lm

obj/libproj.a: $(OBJS)
	$(AR) rcs $@ $^

obj/%.o: src/%.c include/proj.h include/debug.h | obj
	$(CC) $(CFLAGS) -c -o $@ $<

obj:
	mkdir -p obj

clean:
	rm -rf obj prog
.PHONY: clean
EOF
