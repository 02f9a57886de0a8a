# Harness self-test: a test that hangs must be killed at its timeout and
# reported as such.
# expect: timeout
# timeout: 8
. "$WGI_ROOT/tests/lib.sh"
echo "hanging on purpose"
sleep 600
