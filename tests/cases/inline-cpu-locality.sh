# The inline data path keeps a tunnel's work on the core that carries its
# traffic: with the sender pinned to one CPU, the per-CPU counters show
# the sender's encryption and the far end's decryption (and the reply's
# way back) on exactly that CPU, for each CPU in turn.
# timeout: 120
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

for cpu in $(seq 0 $(($(nproc) - 1))); do
	snap wga "$(pubkey b)" /run/a.snap
	snap wgb "$(pubkey a)" /run/b.snap
	n a taskset -c "$cpu" ping -q -c 100 -i 0.01 -W 2 10.9.0.2 >/dev/null ||
		die "pinned ping on CPU $cpu lost packets"
	da=$(delta wga "$(pubkey b)" /run/a.snap)
	db=$(delta wgb "$(pubkey a)" /run/b.snap)
	echo "CPU $cpu: sender side (cpu enc dec): $da | far side: $db"
	[ "$(echo "$da" | wc -l)" = 1 ] || die "sender's crypto ran on several CPUs: $da"
	[ "$(echo "$db" | wc -l)" = 1 ] || die "far end's crypto ran on several CPUs: $db"
	read -r c e d <<<"$da"
	[ "$c" = "$cpu" ] && [ "$e" -ge 100 ] && [ "$d" -ge 100 ] ||
		die "sender: expected >=100 encrypted and decrypted on CPU $cpu, got '$da'"
	read -r c e d <<<"$db"
	[ "$c" = "$cpu" ] && [ "$e" -ge 100 ] && [ "$d" -ge 100 ] ||
		die "far end: expected >=100 decrypted and encrypted on CPU $cpu, got '$db'"
	echo "ok: tunnel crypto on CPU $cpu only, both ends"
done
