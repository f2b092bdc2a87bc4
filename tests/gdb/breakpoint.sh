#!/bin/bash
# gdb debugs the guest kernel as an ordinary process: a breakpoint in
# sys_getpid stops when the guest calls getpid, and the backtrace shows
# the kernel path down from the task's entry.
set -u
umk=${UMK:-./umk}
root=${UMK_ROOT:-}
command -v gdb >/dev/null || { echo "gdb not installed"; exit 1; }
args=(run)
[ -n "$root" ] && args+=(--root "$root")
out=$(timeout 120 gdb -q -batch -nx -x "$(dirname "$0")/../../umk.gdb" \
	-ex 'break sys_getpid' -ex run -ex bt -ex 'print t->proc->pid' \
	-ex kill \
	--args "$umk" "${args[@]}" -- /bin/sh -c 'echo $$' 2>&1)
echo "$out" | grep -q 'Breakpoint 1, sys_getpid' || { echo "no stop in sys_getpid"; echo "$out"; exit 1; }
for frame in sys_getpid syscall_dispatch handle_trap task_main task_start; do
	echo "$out" | grep -q "in $frame\|^#0  sys_getpid" || { echo "backtrace lacks $frame"; echo "$out"; exit 1; }
done
echo "$out" | grep -q '^\$1 = 1$' || { echo "the caller is not pid 1"; echo "$out"; exit 1; }
exit 0
