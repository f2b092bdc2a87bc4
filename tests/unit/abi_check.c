/*
 * abi_check: compare umk's guest ABI with the host's headers (see
 * abi_check.h).  Prints every mismatch and exits 1 if there is one;
 * -v prints every value compared.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/abi_check.h"

struct abi_ent {
	const char *key;
	long long value;
	const char *absent; /* the host headers lack it: the text we got */
	int used;
};

struct abi_table {
	const char *name;
	struct abi_ent *e;
	int n, cap;
};

void abi_add(struct abi_table *t, const char *key, long long value)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->e = realloc(t->e, t->cap * sizeof(*t->e));
		if (!t->e) {
			perror("realloc");
			exit(2);
		}
	}
	t->e[t->n++] = (struct abi_ent){ key, value, NULL, 0 };
}

void abi_add_text(struct abi_table *t, const char *key, const char *text)
{
	char *end;
	long long v = strtoll(text, &end, 0);

	abi_add(t, key, v);
	if (end == text || *end)
		t->e[t->n - 1].absent = text;
}

static struct abi_ent *find(struct abi_table *t, const char *key)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].key, key))
			return &t->e[i];
	return NULL;
}

static int duplicates(struct abi_table *t)
{
	int bad = 0;

	for (int i = 0; i < t->n; i++)
		for (int j = i + 1; j < t->n; j++)
			if (!strcmp(t->e[i].key, t->e[j].key)) {
				printf("FAIL %s: listed twice in the %s table\n",
				       t->e[i].key, t->name);
				bad++;
			}
	return bad;
}

static bool is(const char *key, const char *prefix)
{
	return !strncmp(key, prefix, strlen(prefix));
}

/*
 * kernel/syscalls.def lists every Linux system call: numbers 0 up to
 * the last of the old range, then 424 up (x86-64 has none between).
 */
static int syscall_gaps(struct abi_table *g)
{
	static char seen[1024];
	int max_low = -1, max = -1, bad = 0;

	for (int i = 0; i < g->n; i++) {
		long long nr = g->e[i].value;

		if (!is(g->e[i].key, "syscall "))
			continue;
		if (nr < 0 || nr >= (long long)sizeof(seen)) {
			printf("FAIL %s: number %lld out of range\n", g->e[i].key,
			       nr);
			bad++;
			continue;
		}
		if (seen[nr]++) {
			printf("FAIL %s: number %lld is used twice in "
			       "kernel/syscalls.def\n", g->e[i].key, nr);
			bad++;
		}
		if (nr < 424 && nr > max_low)
			max_low = nr;
		if (nr > max)
			max = nr;
	}
	for (int nr = 0; nr <= max; nr++) {
		if (nr > max_low && nr < 424)
			continue;
		if (!seen[nr]) {
			printf("FAIL syscall number %d: missing from "
			       "kernel/syscalls.def\n", nr);
			bad++;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	struct abi_table guest = { .name = "guest" }, host = { .name = "host" };
	int verbose = argc > 1 && !strcmp(argv[1], "-v");
	int bad = 0, checked = 0, absent = 0;

	abi_guest_table(&guest);
	abi_libc_table(&host);
	abi_uapi_table(&host);
	bad += duplicates(&guest) + duplicates(&host);
	bad += syscall_gaps(&guest);
	for (int i = 0; i < guest.n; i++) {
		struct abi_ent *g = &guest.e[i], *h = find(&host, g->key);

		if (!h) {
			printf("FAIL %s: not checked (add it to "
			       "tests/unit/abi_errno.inc)\n", g->key);
			bad++;
			continue;
		}
		h->used = 1;
		if (h->absent) {
			/* The kernel's own errnos (512 up) and system calls
			   newer than the host's headers cannot be checked. */
			if (is(g->key, "errno ") && g->value < 512) {
				printf("FAIL %s: %lld, but the host's <errno.h> "
				       "has no such name\n", g->key, g->value);
				bad++;
			} else {
				if (verbose)
					printf("skip %s = %lld: not in the host "
					       "headers\n", g->key, g->value);
				absent++;
			}
			continue;
		}
		checked++;
		if (g->value != h->value) {
			printf("FAIL %s: umk %lld (%#llx), host %lld (%#llx)\n",
			       g->key, g->value, (unsigned long long)g->value,
			       h->value, (unsigned long long)h->value);
			bad++;
		} else if (verbose) {
			printf("ok   %s = %lld\n", g->key, g->value);
		}
	}
	for (int i = 0; i < host.n; i++)
		if (!host.e[i].used) {
			printf("FAIL %s: in a host table, not in the guest's\n",
			       host.e[i].key);
			bad++;
		}
	printf("%d values checked, %d not in the host headers, %d mismatches\n",
	       checked, absent, bad);
	return bad ? 1 : 0;
}
