# Background jobs: &, $!, wait, wait for one job and its status.
cd "$TEST_TMP" || exit 99
(sleep 0.2; echo "slow job done") &
echo "started"
wait
echo "waited"
(exit 3) &
pid=$!
wait $pid
echo "job status $?"
for i in 1 2 3; do (sleep 0.$i; echo "job $i") & done
wait
echo "all done"
sh -c 'exit 5' &
wait $!
echo "sh status $?"
true &
[ -n "$!" ] && echo "\$! is set"
wait
(echo "output of a background job goes to the same stdout") &
wait
