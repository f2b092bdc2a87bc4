# kill: by job number, by pid, signal 0, and the status of a killed job.
cd "$TEST_TMP" || exit 99
sleep 10 &
kill %1
wait
echo "job killed, wait status $?"
sleep 10 &
pid=$!
kill -0 $pid && echo "kill -0 finds it"
kill -TERM $pid
wait $pid
echo "status after TERM $?"
sleep 10 &
kill -s KILL $!
wait $!
echo "status after KILL $?"
kill -0 $$ && echo "kill -0 self"
kill -0 999999 2>/dev/null || echo "kill -0 of no process fails"
sh -c 'kill -USR1 $$; echo not reached'
echo "USR1 default action: $?"
