# The netlink fuzzer (tests/netlink/fuzz.py) against both generic
# netlink families, under traffic: random and mutated requests on one
# device (every refusal of a SET carries an extack message, every
# request gets an answer, dumps are read slowly while the device
# changes), valid and spoiled requests on another checked against a
# model of it (valid accepted, spoiled refused whole, the state read
# back equal to the model). A third device's tunnel carries traffic
# throughout and must not notice; nothing leaks at unload. The two
# streams run as parallel processes, seeded SEED and SEED + 1.
# WGI_FUZZ_SEED and WGI_FUZZ_REQUESTS reproduce or lengthen a run.
# kernels: 6.1
# timeout: 2400
. "$WGI_ROOT/tests/lib.sh"
T=$WGI_ROOT/tests/netlink
SEED=${WGI_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
REQUESTS=${WGI_FUZZ_REQUESTS:-100000}
echo "# seed $SEED (WGI_FUZZ_SEED=$SEED reproduces this run)"
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "sentinel tunnel up" n a ping -c 2 -W 3 -i 0.3 10.9.0.2

# The fuzzed devices, beside the sentinel in the same netns. The chaos
# device is up with an address, so that pings into it meet whatever
# peers and prefixes the fuzzer leaves there.
n a ip link add wgmodel type wg-inline
n a ip link add wgchaos type wg-inline
n a ip addr add 10.77.0.1/16 dev wgchaos
n a ip link set wgchaos up

n b iperf3 -s -D -B 10.9.0.2 >/dev/null
sleep 0.3
# Sentinel traffic for the whole run, in rounds so a stall shows.
(while :; do n a iperf3 -c 10.9.0.2 -t 10 -u -b 5M >/dev/null 2>&1; done) &
loop_traffic=$!
(while :; do n a ping -q -c 50 -i 0.02 -W 1 "10.77.$((RANDOM % 256)).$((RANDOM % 256))" \
	>/dev/null 2>&1; done) &
loop_chaos=$!

# The two streams in parallel processes (their requests race in the
# kernel, and the run is shorter): the shares are set so that both end
# together (measured: chaos ~80, model ~115 requests a second).
model_n=$((REQUESTS * 3 / 5))
chaos_n=$((REQUESTS - model_n))
fuzz() {
	n a env WGAFF="$WGAFF" python3 -u "$T/fuzz.py" "$1" "$2" wgmodel wgchaos "$(nproc)" "$3" \
		>"/run/fuzz-$3.log" 2>&1
}
fuzz "$SEED" "$model_n" model &
fuzz_model=$!
fuzz "$((SEED + 1))" "$chaos_n" chaos &
fuzz_chaos=$!
rc_model=0 rc_chaos=0
wait "$fuzz_model" || rc_model=$?
wait "$fuzz_chaos" || rc_chaos=$?
cat /run/fuzz-model.log /run/fuzz-chaos.log
[ "$rc_model" = 0 ] || die "the model stream failed ($rc_model)"
[ "$rc_chaos" = 0 ] || die "the chaos stream failed ($rc_chaos)"
sent=$(sed -n 's/^fuzz: .* requests=\([0-9]*\) .*/\1/p' /run/fuzz-model.log /run/fuzz-chaos.log |
	awk '{ t += $1 } END { print t + 0 }')
[ "$sent" -ge "$REQUESTS" ] || die "only $sent of $REQUESTS requests were made"
echo "ok: fuzz: $sent requests (model $model_n, chaos $chaos_n asked)"

kill "$loop_traffic" "$loop_chaos" 2>/dev/null
wait 2>/dev/null || true
check "sentinel tunnel still up" n a ping -c 3 -W 3 -i 0.3 10.9.0.2
# The loop's server goes first: iperf_check starts its own on the address.
pkill iperf3 || true
sleep 0.5
iperf_check "sentinel after the fuzz" b a 10.9.0.2

n a ip link del wgchaos
n a ip link del wgmodel
tunnel_down
check "rmmod" rmmod wg_inline
line=$(dmesg | grep 'wg_inline: unloaded' | tail -n1)
echo "$line"
echo "$line" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+,?$/) { split($i, x, "/"); sub(",", "", x[2]); if (x[1] != x[2]) exit 1 } }' ||
	die "objects leaked at unload: $line"
echo "ok: nothing leaked at unload"
