# Harness self-test: a module that WARNs on load must fail its test.
# expect: kernel-warning
# timeout: 30
. "$WGI_ROOT/tests/lib.sh"
insmod "$WGI_BUILD/fixtures/warn_on_load.ko"
echo "loaded the warning fixture; the harness must fail this test"
