#!/bin/bash
# systrap: every host thread that runs guest threads may use every CPU
# umk may.  The engine binds a space's main thread to one CPU while the
# space has one guest thread (st_batch_cpu); a guest thread cloned from
# it then must not inherit that binding.  The guest maps and unmaps
# memory (batches, so the main thread gets bound), starts three threads
# and says "ready"; while they wait on stdin, every non-leader thread of
# umk's stubs must have umk's own Cpus_allowed_list.  Needs gcc (a
# static guest program) and two CPUs; says why and passes without them.
# Run from the top of the build tree (tests/run-tests does).
set -u
umk=${UMK:-$(pwd)/umk}
if [ "$(nproc)" -lt 2 ]; then
	echo "one CPU: nothing to bind away from"
	exit 0
fi
if ! command -v gcc > /dev/null; then
	echo "no gcc to build the guest program"
	exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/umk-affinity.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cat > "$dir/prog.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void *wait_stdin(void *arg)
{
	char c;

	(void)arg;
	while (read(0, &c, 1) > 0)
		;
	return NULL;
}

int main(void)
{
	pthread_t t[3];

	for (int i = 0; i < 8; i++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 1;
		memset(p, i, 1 << 20);
		munmap(p, 1 << 20);
	}
	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, wait_stdin, NULL))
			return 2;
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	return 0;
}
C
if ! gcc -O2 -static -pthread -o "$dir/prog" "$dir/prog.c" 2> "$dir/cc.err"; then
	echo "cannot build the guest program:"
	sed 's/^/    /' "$dir/cc.err"
	exit 0
fi
want=$(grep Cpus_allowed_list /proc/self/status | cut -f2)
coproc G { exec "$umk" run --engine systrap -v "$dir:/x:ro" -- /x/prog; }
pid=$G_PID
line=
read -r -t 30 line <&"${G[0]}"
fails=0 seen=0
if [ "$line" != ready ]; then
	echo "FAIL: the guest said '$line', not ready"
	fails=1
fi
for s in /proc/[0-9]*; do
	[ "$(awk '{print $4}' "$s/stat" 2> /dev/null)" = "$pid" ] || continue
	for t in "$s"/task/*; do
		[ "${t##*/}" = "${s##*/}" ] && continue
		have=$(grep Cpus_allowed_list "$t/status" 2> /dev/null | cut -f2)
		[ -n "$have" ] || continue
		seen=$((seen + 1))
		if [ "$have" != "$want" ]; then
			echo "FAIL: stub thread ${t##*/} may run on $have, umk on $want"
			fails=$((fails + 1))
		fi
	done
done
if [ $seen -lt 4 ]; then
	echo "FAIL: $seen guest threads among umk's stubs, not 4 or more"
	fails=$((fails + 1))
fi
exec {G[1]}>&-
wait "$pid"
rc=$?
[ $rc = 0 ] || { echo "FAIL: the guest ended with status $rc"; fails=$((fails + 1)); }
[ $fails = 0 ]
