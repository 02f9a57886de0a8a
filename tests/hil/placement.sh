#!/bin/bash
# placement.sh CONFIG begin|end LABEL: where the gateways did the work.
# "begin" snapshots each gateway; "end" snapshots again and writes the
# growth to RESULTS/placement-LABEL-HOST.csv (metric,key,value):
#   rxq_packets / txq_packets  NETDEV:QUEUE  per-queue ethtool -S
#       (mlx5e's rxN_packets, fakenic's rx_queue_N_packets)
#   net_rx / net_tx            cpuN          /proc/softirqs
#   busy_pct                   cpuN          /proc/stat (all but idle, iowait)
#   handoff_tx / handoff_rx    DEV           wgaff show -j, per tunnel device
# mpstat is not needed: /proc/stat gives the same per-CPU busy time.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hil/lib.sh
. "$here/lib.sh"
hil_load_conf "${1:-}"
phase=${2:?begin or end}
label=${3:?label}

# snapshot HOST NETDEV...: "metric key value" lines.
snapshot() {
	local host=$1 dev
	shift
	for dev in "$@"; do
		on "$host" ethtool -S "$dev" 2>/dev/null | awk -v d="$dev" '
			{ gsub(/[ \t:]/, " ") }
			$1 ~ /^(rx_queue_|rx)[0-9]+_packets$/ { q = $1; gsub(/[^0-9]/, "", q); print "rxq_packets", d ":" q, $2 }
			$1 ~ /^(tx_queue_|tx)[0-9]+_packets$/ { q = $1; gsub(/[^0-9]/, "", q); print "txq_packets", d ":" q, $2 }'
	done
	on "$host" cat /proc/softirqs | awk '
		NR == 1 { n = NF; for (i = 1; i <= NF; i++) cpu[i] = tolower($i) }
		$1 == "NET_RX:" || $1 == "NET_TX:" { m = tolower(substr($1, 1, 6)); for (i = 2; i <= n + 1; i++) print m, cpu[i - 1], $i }'
	on "$host" cat /proc/stat | awk '
		$1 ~ /^cpu[0-9]+$/ { t = 0; for (i = 2; i <= NF; i++) t += $i; print "total", $1, t; print "idle", $1, $5 + $6 }'
	on "$host" "$WGAFF" show all -j 2>/dev/null | python3 -c '
import json, sys
try:
    devs = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for d in devs:
    for p in d.get("peers", []):
        for k in ("handoff_tx", "handoff_rx"):
            if k in p:
                print(k, d["ifname"], p[k])' 2>/dev/null || true
}

for host in "$GW1" "$GW2"; do
	case $host in
	"$GW1") devs=("${GW1_WAN:-}" "${GW1_LAN:-}") ;;
	*) devs=("${GW2_WAN:-}" "${GW2_LAN:-}") ;;
	esac
	snap=$RESULTS/.snap-$label-$host
	if [ "$phase" = begin ]; then
		snapshot "$host" "${devs[@]}" >"$snap"
		continue
	fi
	snapshot "$host" "${devs[@]}" >"$snap.end"
	out=$RESULTS/placement-$label-$host.csv
	csv_header "$out" metric key value
	# Growth of each counter; busy_pct from the total and idle jiffies;
	# hand-offs summed over a device's tunnels.
	awk 'NR == FNR { a[$1 " " $2] = $3; next }
		{ d = $3 - a[$1 " " $2] }
		$1 == "total" { tot[$2] = d; next }
		$1 == "idle" { idl[$2] = d; next }
		$1 ~ /^handoff_/ { h[$1 "," $2] += d; next }
		{ print $1 "," $2 "," d }
		END {
			for (c in tot) if (tot[c] > 0) printf "busy_pct,%s,%.1f\n", c, 100 * (tot[c] - idl[c]) / tot[c]
			for (k in h) print k "," h[k]
		}' "$snap" "$snap.end" | sort >>"$out"
	rm -f "$snap" "$snap.end"
	hil_log "$host: placement in $out"
done
