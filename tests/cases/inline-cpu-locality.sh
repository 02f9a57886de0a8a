# The inline data path keeps a tunnel's work on the core that carries its
# traffic: with the sender pinned to one CPU, the per-CPU counters show
# the sender's encryption and the far end's decryption (and the reply's
# way back) on exactly that CPU, for each CPU in turn.
# timeout: 140
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 2 -W 3 -i 0.3 10.9.0.2

# delta DEV KEY SNAPSHOT_FILE: per-CPU "cpu denc ddec" since the snapshot.
snap() { pcpu_counters "$1" "$2" >"$3"; }
delta() {
	pcpu_counters "$1" "$2" | awk -v f="$3" '
		BEGIN { while ((getline l < f) > 0) { split(l, x, " "); e[x[1]] = x[2]; d[x[1]] = x[3] } }
		{ de = $2 - e[$1]; dd = $3 - d[$1]; if (de || dd) print $1, de, dd }'
}

# on_cpu SIDE CPU DELTA: all 100 pings and their 100 replies were sealed
# and opened on CPU (nothing else carries data here), and at most 2
# messages elsewhere: the protocol's own, from its timers and handshake
# worker, such as a keepalive 10 s after the last reply or the one that
# confirms a rekey (a slow debug kernel spends that long between rounds;
# one was seen on CPU 0 during CPU 1's round).
on_cpu() {
	local side=$1 cpu=$2 delta=$3 c e d stray=0 here=0
	while read -r c e d; do
		if [ "$c" = "$cpu" ]; then
			[ "$e" -ge 100 ] && [ "$d" -ge 100 ] && here=1
		else
			stray=$((stray + e + d))
		fi
	done <<<"$delta"
	[ "$here" = 1 ] ||
		die "$side: expected >=100 encrypted and decrypted on CPU $cpu, got '$delta'"
	[ "$stray" -le 2 ] || die "$side's crypto ran on several CPUs: $delta"
}

for cpu in $(seq 0 $(($(nproc) - 1))); do
	snap wga "$(pubkey b)" /run/a.snap
	snap wgb "$(pubkey a)" /run/b.snap
	n a taskset -c "$cpu" ping -q -c 100 -i 0.01 -W 2 10.9.0.2 >/dev/null ||
		die "pinned ping on CPU $cpu lost packets"
	da=$(delta wga "$(pubkey b)" /run/a.snap)
	db=$(delta wgb "$(pubkey a)" /run/b.snap)
	echo "CPU $cpu: sender side (cpu enc dec): $da | far side: $db"
	on_cpu sender "$cpu" "$da"
	on_cpu "far end" "$cpu" "$db"
	echo "ok: tunnel crypto on CPU $cpu only, both ends"
done
