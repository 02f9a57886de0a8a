#!/bin/bash
# run.sh CONFIG: one iperf3 TCP flow per tunnel, source -> drain, all at
# once for DURATION seconds, each client pinned (SOURCE_CPUS, round
# robin), with placement snapshots of both gateways around it
# (placement.sh). Appends to RESULTS/throughput.csv:
#   label,tunnels,tunnel,core,bits_per_second,retransmits
# and writes RESULTS/placement-<label>-<gw>.csv. LABEL (default: the
# steering mode) names the run, so runs with steering on and off can be
# compared row by row.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hil/lib.sh
. "$here/lib.sh"
hil_load_conf "${1:-}"
TUNNELS=${TUNNELS:-1}
DURATION=${DURATION:-10}
LABEL=${LABEL:-steering-${STEERING:-off}}
need "$SOURCE" iperf3 python3
need "$DRAIN" iperf3

out=$RESULTS/throughput.csv
[ -f "$out" ] || csv_header "$out" label tunnels tunnel core bits_per_second retransmits
read -r -a src_cpus <<<"${SOURCE_CPUS:-0}"

for ((i = 0; i < TUNNELS; i++)); do
	on "$DRAIN" iperf3 -s -1 -D -B "$(drain_addr "$i")" -p $((5201 + i)) >/dev/null
done
sleep 1
"$here/placement.sh" "$1" begin "$LABEL"
pids=()
for ((i = 0; i < TUNNELS; i++)); do
	cpu=${src_cpus[$((i % ${#src_cpus[@]}))]}
	# Bounded: a client whose server went away would wait forever.
	on "$SOURCE" timeout $((DURATION + 60)) iperf3 -c "$(drain_addr "$i")" \
		-B "$(src_addr "$i")" -p $((5201 + i)) --connect-timeout 10000 \
		-t "$DURATION" -A "$cpu" -J >"$RESULTS/iperf-$LABEL-$i.json" &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=$((failed + 1))
done
"$here/placement.sh" "$1" end "$LABEL"
[ "$failed" = 0 ] || hil_die "$failed of $TUNNELS iperf3 clients failed (see $RESULTS/iperf-$LABEL-*.json)"

for ((i = 0; i < TUNNELS; i++)); do
	read -r bps retr < <(python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print(int(e["sum_received"]["bits_per_second"]), e["sum_sent"].get("retransmits", 0))' \
		"$RESULTS/iperf-$LABEL-$i.json")
	csv "$out" "$LABEL" "$TUNNELS" "$i" "$(tun_core "$i")" "$bps" "$retr"
done
grep "^$LABEL," "$out"
