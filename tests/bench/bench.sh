# shellcheck shell=bash
# make bench, inside the guest (sourced by full.sh or quick.sh, which
# tests/vm/run.sh boots). The paper's four roles as network namespaces:
#
#   src --lan-- gw1 ==wan== gw2 --lan-- drn
#
# joined by fakenic pairs (the test-double NIC: multi-queue, RSS, IRQs
# on CPUs like mlx5e, and ntuple rules that really steer). The gateways
# only forward; iperf3 clients in src and servers in drn, pinned; tunnel
# i carries 10.1.i.0/24 <-> 10.2.i.0/24 over UDP port 51820+i.
#
# Variants, interleaved in every repetition (the start rotates):
#   plain           no tunnel: gw1 routes to gw2 over the wan (baseline)
#   stock           wireguard.ko, NAPI in softirq
#   stock-threaded  wireguard.ko, threaded NAPI on each tunnel device
#   parallel        wg-inline, parallel mode
#   inline-handoff  wg-inline, inline, tunnel i on core (i-1) % CPUs,
#                   packets that arrive elsewhere handed off in software
#   inline-steer    the same, plus mlx5_steer: NIC rules and XPS keep the
#                   tunnel's outer and inner softirqs on its core
# Experiments:
#   tunnels  N tunnels, one TCP flow each (N = 1..CPUs)
#   flows    one tunnel, N flows (N = CPUs, 2 x CPUs; N = 1 is the first
#            point of "tunnels", which is also the elephant flow)
#   load     one tunnel, one flow at a fixed rate below every variant's
#            capacity: CPU cost at equal work
# Settings: WGI_BENCH="reps=3 secs=8 tunnels=1,2 flows=2,4 load=auto|MBIT
# variants=plain,stock,..." (quick.sh and full.sh set the defaults).
# Output in the results folder: runs.csv, percpu.csv, crypto.csv,
# meta.txt; tests/bench/report.py turns them into plots and a report.
. "$WGI_ROOT/tests/lib.sh"
BENCH=$WGI_ROOT/tests/bench
OUT=$WGI_RESULTS
NCPU=$(nproc)
ALL_VARIANTS="plain stock stock-threaded parallel inline-handoff inline-steer"

# ---- settings
setting() { # setting KEY DEFAULT: KEY's last value in WGI_BENCH, else DEFAULT
	local kv v=$2
	for kv in ${WGI_BENCH:-}; do
		if [ "${kv%%=*}" = "$1" ]; then v=${kv#*=}; fi
	done
	echo "$v"
}
number() {
	[[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && return
	die "bench: $1=$2: not a positive number"
}
list() { # list KEY VALUE: a comma list of positive numbers, as words
	local v
	for v in ${2//,/ }; do number "$1" "$v"; echo "$v"; done
}
REPS=$(setting reps "$BENCH_REPS"); number reps "$REPS"
SECS=$(setting secs "$BENCH_SECS"); number secs "$SECS"
TUNNELS=$(list tunnels "$(setting tunnels "$(seq -s, 1 "$NCPU")")")
FLOWS=$(list flows "$(setting flows "$BENCH_FLOWS")")
LOAD=$(setting load auto)
[ "$LOAD" = auto ] || number load "$LOAD"
VARIANTS=$(setting variants "${ALL_VARIANTS// /,}")
VARIANTS=${VARIANTS//,/ }
for v in $VARIANTS; do
	[[ " $ALL_VARIANTS " == *" $v "* ]] || die "bench: unknown variant $v (known: $ALL_VARIANTS)"
done
CHANNELS=$((NCPU < 8 ? NCPU : 8))
# Per-run limits: a path must come up, and rules appear, within these.
PATH_TRIES=$((10 * ${WGI_TIMEOUT_SCALE:-1}))

# ---- the four roles
pair() { # pair NS_A A NS_B B: a fakenic pair, A in NS_A and B in NS_B
	# (both ends are made in NS_A: B has a temporary name there)
	n "$1" sh -c "echo '$2 fnpeer $CHANNELS' >/sys/bus/fakenic/new_pair"
	n "$1" ip link set fnpeer netns "$3"
	n "$3" ip link set fnpeer name "$4"
}
topology_up() {
	local ns i
	for ns in src gw1 gw2 drn; do
		ip netns add $ns
		n $ns ip link set lo up
	done
	pair src s0 gw1 lan
	pair gw1 wan gw2 wan
	pair gw2 lan drn d0
	n src ip addr add 10.1.0.2/16 dev s0
	n gw1 ip addr add 10.1.0.1/16 dev lan
	n gw1 ip addr add 192.0.2.1/24 dev wan
	n gw2 ip addr add 192.0.2.2/24 dev wan
	n gw2 ip addr add 10.2.0.1/16 dev lan
	n drn ip addr add 10.2.0.2/16 dev d0
	for i in $(seq 1 "$MAXT"); do
		n src ip addr add "10.1.$i.2/16" dev s0
		n drn ip addr add "10.2.$i.2/16" dev d0
	done
	for l in "src s0" "gw1 lan" "gw1 wan" "gw2 wan" "gw2 lan" "drn d0"; do
		# shellcheck disable=SC2086
		set -- $l
		n "$1" ip link set "$2" up
	done
	n src ip route add default via 10.1.0.1
	n drn ip route add default via 10.2.0.1
	for ns in gw1 gw2; do
		n $ns sysctl -qw net.ipv4.ip_forward=1
		n $ns ethtool -K lan ntuple on
		n $ns ethtool -K wan ntuple on
	done
	for i in $(seq 1 "$MAXT"); do
		genkeys "gw1-$i"
		genkeys "gw2-$i"
	done
}

# ---- tunnels
kind_of() { case $1 in stock*) echo wireguard ;; *) echo wg-inline ;; esac; }
tool_of() { case $1 in stock*) echo wg ;; *) echo "$WGAFF" ;; esac; }
core_of() { echo $((($1 - 1) % NCPU)); }

tunnel_up() { # tunnel_up VARIANT I: tunnel I on both gateways
	local v=$1 i=$2 kind tool a b
	kind=$(kind_of "$v") tool=$(tool_of "$v")
	for a in 1 2; do
		# gw$a's peer is gw$b, and routes 10.$b.$i.0/24 (the far LAN's
		# share of tunnel i) into the tunnel.
		b=$((3 - a))
		n gw$a ip link add "t$i" type "$kind"
		n gw$a "$tool" set "t$i" private-key "/run/keys/gw$a-$i.key" \
			listen-port $((51820 + i)) peer "$(pubkey "gw$b-$i")" \
			endpoint "192.0.2.$b:$((51820 + i))" allowed-ips "10.$b.$i.0/24"
		n gw$a ip link set "t$i" up
		n gw$a ip route add "10.$b.$i.0/24" dev "t$i"
		case $v in
		stock-threaded) n gw$a sh -c "echo 1 >/sys/class/net/t$i/threaded" ;;
		parallel) n gw$a "$WGAFF" mode "t$i" parallel ;;
		inline-*)
			n gw$a "$WGAFF" mode "t$i" inline
			n gw$a "$WGAFF" assign "t$i" peer "$(pubkey "gw$b-$i")" core "$(core_of "$i")"
			;;
		esac
		if [ "$v" = inline-steer ]; then
			n gw$a "$WGAFF" steer "t$i" on lan lan
		fi
	done
}

variant_up() { # variant_up VARIANT N
	local v=$1 nt=$2 i
	case $v in
	plain)
		n gw1 ip route add 10.2.0.0/16 via 192.0.2.2
		n gw2 ip route add 10.1.0.0/16 via 192.0.2.1
		;;
	stock*) modprobe wireguard ;;
	inline-steer) load_ko "$STEER_KO" ;;
	esac
	if [ "$v" != plain ]; then
		for i in $(seq 1 "$nt"); do tunnel_up "$v" "$i"; done
	fi
	for i in $(seq 1 "$nt"); do path_up "$v" "$i"; done
	if [ "$v" = inline-steer ]; then rules_up "$nt"; fi
}

variant_down() { # variant_down VARIANT N
	local v=$1 nt=$2 i ns
	if [ "$v" = plain ]; then
		n gw1 ip route del 10.2.0.0/16
		n gw2 ip route del 10.1.0.0/16
	fi
	for i in $(seq 1 "$nt"); do
		for ns in gw1 gw2; do n $ns ip link del "t$i" 2>/dev/null || true; done
	done
	case $v in
	stock*) rmmod wireguard ;;
	inline-steer) rmmod mlx5_steer ;;
	esac
	return 0
}

path_up() { # path_up VARIANT I: src reaches drn through tunnel I (handshake done)
	local try
	for try in $(seq 1 "$PATH_TRIES"); do
		n src ping -q -c 1 -W 1 -I "10.1.$2.2" "10.2.$2.2" >/dev/null 2>&1 && return 0
		[ "$try" ] && sleep 0.2
	done
	die "$1: no path through tunnel $2 within $PATH_TRIES s"
}

nrules() { n "$1" ethtool -n "$2" | grep -c '^Filter:' || true; }
rules_there() { # rules_there N: N outer and N inner rules on each gateway
	local ns
	for ns in gw1 gw2; do
		[ "$(nrules $ns wan)" -ge "$1" ] || return 1
		[ "$(nrules $ns lan)" -ge "$1" ] || return 1
	done
}
rules_up() { # rules_up N: mlx5_steer's rules for N tunnels, both gateways
	local try ns
	for try in $(seq 1 $((5 * PATH_TRIES))); do
		rules_there "$1" && return 0
		[ "$try" ] && sleep 0.2
	done
	for ns in gw1 gw2; do n $ns ethtool -n wan; n $ns ethtool -n lan; done
	die "inline-steer: rules for $1 tunnels not installed within $PATH_TRIES s"
}

# ---- one run
# measure EXP VARIANT TUNNELS FLOWS RATE REP: FLOWS flows spread over the
# tunnels (flow j in tunnel ((j-1) % TUNNELS) + 1), client and server of
# flow j pinned to the CPU of its tunnel's core in the "tunnels"
# experiment, to CPU (j-1) % CPUs in "flows"; RATE in Mbit/s or 0.
flow_cpu() { # flow_cpu EXP J TUNNEL
	if [ "$1" = flows ]; then echo $((($2 - 1) % NCPU)); else core_of "$3"; fi
}
measure() {
	local exp=$1 v=$2 nt=$3 nf=$4 rate=$5 rep=$6 j t cpu files=() shows="" pids=()
	local pace=()
	local dir=/run/bench/$exp-$v-$nt-$nf-$rep
	mkdir -p "$dir"
	for j in $(seq 1 "$nf"); do
		t=$(((j - 1) % nt + 1))
		cpu=$(flow_cpu "$exp" "$j" "$t")
		n drn taskset -c "$cpu" iperf3 -s -1 -D -B "10.2.$t.2" -p $((5300 + j)) >/dev/null
	done
	sleep 0.5
	if [ "$rate" != 0 ]; then pace=(-b "${rate}M"); fi
	# (grep, not python: python takes seconds to start under TCG)
	grep '^cpu' /proc/stat >"$dir/stat0"
	for j in $(seq 1 "$nf"); do
		t=$(((j - 1) % nt + 1))
		cpu=$(flow_cpu "$exp" "$j" "$t")
		n src taskset -c "$cpu" iperf3 -c "10.2.$t.2" -B "10.1.$t.2" -p $((5300 + j)) \
			-t "$SECS" -J "${pace[@]}" >"$dir/iperf-$j.json" &
		pids+=($!)
		files+=("$dir/iperf-$j.json")
	done
	for j in "${pids[@]}"; do
		wait "$j" || die "$v: iperf3 client failed: $(cat "${files[@]}" | grep -m1 '"error"' || true)"
	done
	grep '^cpu' /proc/stat >"$dir/stat1"
	case $v in
	parallel | inline-*)	# wg-inline tunnels: their counters too
		n gw1 "$WGAFF" show all -j >"$dir/gw1.json"
		n gw2 "$WGAFF" show all -j >"$dir/gw2.json"
		shows=$dir/gw1.json,$dir/gw2.json
		;;
	esac
	python3 "$BENCH/record.py" run "$OUT" exp="$exp" tunnels="$nt" flows="$nf" \
		offered="$rate" variant="$v" rep="$rep" stat0="$dir/stat0" \
		stat1="$dir/stat1" shows="$shows" -- "${files[@]}"
}

# rotated REP: the variants, the start moved by REP, so that no variant
# always runs first after a reconfiguration.
rotated() {
	local -a vs
	read -r -a vs <<<"$VARIANTS"
	local k=$(($1 % ${#vs[@]})) i
	for i in $(seq 0 $((${#vs[@]} - 1))); do
		echo "${vs[$(((i + k) % ${#vs[@]}))]}"
	done
}

point() { # point EXP TUNNELS FLOWS RATE REP: every variant once
	local v
	for v in $(rotated "$5"); do
		variant_up "$v" "$2"
		measure "$1" "$v" "$2" "$3" "$4" "$5"
		variant_down "$v" "$2"
	done
}

# ---- the crypto limit: one core's seal and open of 1420-byte packets
crypto_limit() {
	local rep line
	echo "cpu,len,seal_packets,seal_ns,open_packets,open_ns" >"$OUT/crypto.csv"
	for rep in $(seq 1 "$REPS"); do
		dmesg -C
		modprobe libchacha20poly1305
		taskset -c 0 insmod "$WGI_BUILD/cryptobench/wgi_cryptobench.ko" duration_ms=1000 ||
			die "wgi_cryptobench failed to load"
		line=$(dmesg | grep -m1 'wgi_cryptobench: cpu') ||
			die "wgi_cryptobench logged no result"
		rmmod wgi_cryptobench
		echo "$line" | sed -E 's/.*cpu ([0-9]+) len ([0-9]+) seal ([0-9]+) packets ([0-9]+) ns open ([0-9]+) packets ([0-9]+) ns.*/\1,\2,\3,\4,\5,\6/' >>"$OUT/crypto.csv"
		echo "crypto limit, rep $rep: $line"
	done
}

meta() {
	{
		echo "kernel=$(uname -r)"
		echo "guest_cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		echo "vcpus=$NCPU"
		echo "reps=$REPS"
		echo "secs=$SECS"
		echo "channels=$CHANNELS"
		echo "variants=$VARIANTS"
	} >"$OUT/meta.txt"
}

# load_mbit: the fixed offered load: half the slowest variant's median
# throughput per tunnel at the fewest tunnels measured above (auto), or
# LOAD.
load_mbit() {
	[ "$LOAD" != auto ] && { echo "$LOAD"; return; }
	python3 - "$OUT/runs.csv" <<-'EOF'
	import csv, statistics, sys
	rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["exp"] == "tunnels"]
	fewest = min(int(r["tunnels"]) for r in rows)
	by = {}
	for r in rows:
	    if int(r["tunnels"]) == fewest:
	        by.setdefault(r["variant"], []).append(float(r["mbps"]) / fewest)
	print(max(1, int(min(statistics.median(v) for v in by.values()) / 2)))
	EOF
}

bench_main() {
	local rep nt nf rate
	MAXT=$(printf "%s\n" "$TUNNELS" | sort -n | tail -1)
	rm -f "$OUT/runs.csv" "$OUT/percpu.csv"
	# A CPU stalled for RCU's 21 s ends the boot, with the stall's
	# backtraces in the console log, rather than hanging the bench until
	# its timeout (how fakenic's raise race was found).
	sysctl -qw kernel.panic_on_rcu_stall=1
	meta
	# shellcheck disable=SC2119 # no module parameters
	load_wg_inline
	load_ko "$WGI_BUILD/fakenic/fakenic.ko"
	topology_up
	echo "== make bench: $NCPU vCPUs, $(uname -r), $REPS repetitions of $SECS s; variants: $VARIANTS"
	crypto_limit
	for rep in $(seq 1 "$REPS"); do
		for nt in $TUNNELS; do point tunnels "$nt" "$nt" 0 "$rep"; done
		for nf in $FLOWS; do point flows 1 "$nf" 0 "$rep"; done
	done
	rate=$(load_mbit)
	echo "== fixed load: $rate Mbit/s"
	for rep in $(seq 1 "$REPS"); do point load 1 1 "$rate" "$rep"; done
	echo "== done: $(wc -l <"$OUT/runs.csv") rows in runs.csv"
}
