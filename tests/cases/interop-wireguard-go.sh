# wg-inline interoperates with wireguard-go (userspace), both as handshake
# initiator and responder: ping with v4 and v6 inner over v4 and v6 outer,
# with and without a preshared key, and iperf3 TCP and UDP both ways;
# then, wg-inline's tunnels in the parallel mode, two of those cells and
# the iperf3 runs.
# timeout: 620
. "$WGI_ROOT/tests/lib.sh"
modprobe tun
interop_suite go
