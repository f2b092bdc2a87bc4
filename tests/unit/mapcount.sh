#!/bin/bash
# ptrace and systrap: a guest may punch more holes in its memory than
# the host lets one process hold mappings (vm.max_map_count).  Native
# MADV_DONTNEED punches none in the host's map; under umk each hole in
# a run of frames is a host mapping more, and a host munmap that would
# pass the limit fails.  The engine then drops the space's host
# mappings and lets the guest fault back what it uses (maps_reset);
# before, the guest was killed.  The guest touches 2 * (limit + 4096)
# pages, drops every other one, then checks them all and writes them
# again; its output must be native's.  Needs gcc (a static guest
# program); says why and passes without it.
# Run from the top of the build tree (tests/run-tests does).
set -u
umk=${UMK:-$(pwd)/umk}
if ! command -v gcc > /dev/null; then
	echo "no gcc to build the guest program"
	exit 0
fi
limit=$(cat /proc/sys/vm/max_map_count)
if [ "$limit" -gt 1000000 ]; then
	echo "vm.max_map_count is $limit: too many holes to make here"
	exit 0
fi
pages=$(( 2 * (limit + 4096) ))
dir=$(mktemp -d "${TMPDIR:-/tmp}/umk-mapcount.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cat > "$dir/prog.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	long pages = atol(argv[1]), bad = 0;
	unsigned long sum = 0;
	char *p;

	p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (long i = 0; i < pages; i++)
		p[i * 4096] = (char)(i | 1);
	for (long i = 0; i < pages; i += 2)
		if (madvise(p + i * 4096, 4096, MADV_DONTNEED)) {
			perror("madvise");
			return 1;
		}
	for (long i = 0; i < pages; i++)
		bad += p[i * 4096] != (i & 1 ? (char)(i | 1) : 0);
	for (long i = 0; i < pages; i++)
		p[i * 4096 + 7] = (char)i;
	for (long i = 0; i < pages; i++)
		sum += (unsigned char)p[i * 4096 + 7] + p[i * 4096];
	printf("pages %ld wrong %ld sum %lu\n", pages, bad, sum);
	return 0;
}
C
if ! gcc -O2 -static -o "$dir/prog" "$dir/prog.c" 2> "$dir/cc.log"; then
	echo "gcc could not build the guest program:"
	cat "$dir/cc.log"
	exit 1
fi
mkdir "$dir/root"
cp "$dir/prog" "$dir/root/prog"
want=$("$dir/prog" "$pages" 2>&1)
rc=0
for engine in systrap ptrace; do
	got=$("$umk" run --engine "$engine" --root "$dir/root" -- /prog "$pages" 2>&1)
	status=$?
	if [ "$status" -ne 0 ] || [ "$got" != "$want" ]; then
		echo "--engine $engine: status $status"
		echo "  native: $want"
		echo "  umk:    $got"
		rc=1
	fi
done
[ "$rc" -eq 0 ] && echo "$want, native and under systrap and ptrace"
exit "$rc"
