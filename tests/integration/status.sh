# Exit statuses: true/false, exit codes, missing and non-executable commands.
cd "$TEST_TMP" || exit 99
true; echo "true $?"
false; echo "false $?"
sh -c 'exit 42'; echo "exit 42: $?"
sh -c 'exit 300'; echo "exit 300: $?"
sh -c 'exit -1' 2>/dev/null; echo "exit -1: $?"
no-such-command-here 2>/dev/null; echo "missing command: $?"
printf 'echo hi\n' > notexec.sh
./notexec.sh 2>/dev/null; echo "not executable: $?"
sh notexec.sh; echo "run with sh: $?"
sh -c 'kill -9 $$'; echo "killed by 9: $?"
sh -c 'kill $$'; echo "killed by TERM: $?"
test 1 -eq 2; echo "test false: $?"
[ ; echo "bad test: $?" 2>/dev/null
sh -c 'false; exit'; echo "bare exit keeps status: $?"
