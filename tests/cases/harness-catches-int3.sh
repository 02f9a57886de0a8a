# Harness self-test: a breakpoint that really is in the code must fail its
# test, and must never be mistaken for the emulator fault that the harness
# reruns (tests/vm/klog.sh stale-int3). A kernel breakpoint oops always
# panics, so the test expects the guest to die of it. On 6.1 its header
# is just "int3: 0000 [#1]": this proves that header is caught too.
# expect: kernel-oops
# timeout: 30
. "$WGI_ROOT/tests/lib.sh"
insmod "$WGI_BUILD/fixtures/int3_on_load.ko" || true
die "the guest survived a kernel breakpoint"
