# wg-inline interoperates with the stock wireguard.ko, both as handshake
# initiator and responder: ping with v4 and v6 inner over v4 and v6 outer,
# with and without a preshared key, and iperf3 TCP and UDP both ways.
# timeout: 420
. "$WGI_ROOT/tests/lib.sh"
modprobe wireguard
interop_suite stock
