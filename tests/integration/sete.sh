# set -e: which failures end the shell and which do not.
cd "$TEST_TMP" || exit 99
sh -c 'set -e; echo one; false; echo not reached'
echo "status $?"
sh -c 'set -e; false || true; echo "|| does not stop"'
sh -c 'set -e; if false; then :; fi; echo "if does not stop"'
sh -c 'set -e; ! true; echo "! does not stop"'
sh -c 'set -e; while false; do :; done; echo "while does not stop"'
sh -c 'set -e; false && true; echo "&& left side does not stop"'
sh -c 'set -e; f() { false; echo "in f"; }; f; echo not reached'
echo "function status $?"
sh -c 'set -e; x=$(false); echo not reached'
echo "assignment status $?"
sh -c 'set -e; set +e; false; echo "set +e continues"'
sh -c 'set -e; (exit 3); echo not reached'
echo "subshell status $?"
sh -c 'set -e; false | true; echo "pipeline status is the last"'
