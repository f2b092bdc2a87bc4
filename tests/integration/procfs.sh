# procfs through busybox: ps, free, top, mount, and the shell's own
# /proc/self.  The host's /proc and umk's differ in every number, so
# the script prints relations and the parts of outputs that agree.

echo "== self"
read pid rest < /proc/self/stat
[ "$pid" = "$$" ] && echo "stat pid is \$\$"
grep -c '^Pid:' /proc/self/status
[ "$(grep '^Pid:' /proc/self/status | cut -f2)" != "$$" ] &&
	echo "cat's status is cat's"
cat /proc/self/cmdline | tr '\0' ' '
echo
basename "$(readlink /proc/self/exe)"
cd / && readlink /proc/self/cwd
cd "$TEST_TMP"
readlink /proc/self/root
awk '{ print NF }' /proc/uptime

echo "== fd"
exec 5</dev/null
ls /proc/self/fd | tr '\n' ' '
echo
exec 5<&-
echo hello through the pipe | cat /dev/stdin
cat /proc/self/fd/0 < /proc/sys/kernel/ostype

echo "== children"
sleep 10 &
child=$!
[ -d /proc/$child ] && echo "child's directory is there"
[ "$(cut -d' ' -f4 /proc/$child/stat)" = "$$" ] && echo "its ppid is \$\$"
kill $child
wait $child
[ -d /proc/$child ] || echo "and gone once reaped"

echo "== tools"
ps | head -1
ps -o pid,comm | awk -v me=$$ '$1 == me { print "ps lists the shell" }'
free | head -1
free | awk 'NR == 2 && $2 > 0 && $4 > 0 { print "free reports memory" }'
top -b -n 1 | head -1 | cut -c1-4
uptime | grep -c 'load average'
mount | grep -c ' on /proc type proc '
[ "$(hostname)" = "$(cat /proc/sys/kernel/hostname)" ] && echo "hostname agrees"
cat /proc/sys/kernel/ostype
grep -c '^MemTotal:' /proc/meminfo
