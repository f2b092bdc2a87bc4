# trap: EXIT handlers, signal handlers, ignoring and resetting.
cd "$TEST_TMP" || exit 99
(trap 'echo "exit trap ran"' EXIT; echo "in subshell")
(trap 'echo "exit trap with status $?"' EXIT; exit 6)
echo "subshell status $?"
(trap 'echo "got USR1"' USR1; kill -USR1 $(sh -c 'echo $PPID'); echo "after kill")
sh -c 'trap "echo caught TERM; exit 0" TERM; kill -TERM $$; echo not reached'
echo "sh status $?"
sh -c 'trap "" INT; kill -INT $$; echo "INT ignored"'
sh -c 'trap "echo x" EXIT; trap - EXIT; echo "trap reset"'
trap 'echo "main exit trap"' EXIT
echo "end of script"
