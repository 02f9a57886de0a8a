#!/bin/bash
# setup.sh CONFIG: the testbed from one config file: modules on both
# gateways, TUNNELS wg-inline tunnels between them (tunnel I carries
# 10.1.(10+I).0/24 behind gw1 to 10.2.(10+I).0/24 behind gw2), routes on
# the source and the drain, each tunnel's core (CORES, round robin), its
# mode (MODE) and NIC steering (STEERING: on, off or dry-run, with the
# gateway's LAN netdev). The hosts' own links and addresses (SOURCE_IF
# ... GW2_WAN_IP) are the operator's; this only adds to them.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hil/lib.sh
. "$here/lib.sh"
hil_load_conf "${1:-}"
: "${GW1_WAN_IP:?}" "${GW2_WAN_IP:?}" "${GW1_LAN:?}" "${GW2_LAN:?}"
: "${SOURCE_IF:?}" "${DRAIN_IF:?}"
TUNNELS=${TUNNELS:-1}
MODE=${MODE:-inline}
STEERING=${STEERING:-off}

# load_modules HOST: wg_inline (and mlx5_steer when steering) from
# MODULES (a build folder), or modprobe when MODULES is unset. On the
# netns transport every "host" shares one kernel: loaded once.
load_modules() {
	local host=$1 mod ko dep
	need "$host" ip "$WGAFF" wg
	for mod in wg_inline mlx5_steer; do
		[ "$mod" = mlx5_steer ] && [ "$STEERING" = off ] && continue
		on "$host" test -d "/sys/module/$mod" && continue
		if [ -n "${MODULES:-}" ]; then
			ko=$MODULES/$mod/$mod.ko
			on "$host" test -f "$ko" || hil_die "$host: no $ko"
			# insmod does not load what the module depends on.
			for dep in $(on "$host" modinfo -F depends "$ko" | tr "," " "); do
				on "$host" test -d "/sys/module/${dep//-/_}" && continue
				on "$host" modprobe "$dep" || hil_die "$host: modprobe $dep failed"
			done
			on "$host" insmod "$ko" || hil_die "$host: insmod $ko failed"
		else
			on "$host" modprobe "$mod" || hil_die "$host: modprobe $mod failed"
		fi
	done
}

# keys HOST: a private key file on HOST (named after it: the netns
# "hosts" share one filesystem), printing its public key.
keys() {
	on_sh "$1" "umask 077; mkdir -p /run/wg-hil; [ -f /run/wg-hil/$1.key ] || wg genkey >/run/wg-hil/$1.key"
	on_sh "$1" "wg pubkey </run/wg-hil/$1.key"
}

# tunnel_end HOST I PEER_PUB PEER_IP REMOTE_NET
tunnel_end() {
	local host=$1 i=$2 pub=$3 peer_ip=$4 remote=$5 dev
	dev=$(tun_dev "$i")
	on "$host" ip link del "$dev" 2>/dev/null || true
	on "$host" ip link add "$dev" type wg-inline
	on "$host" "$WGAFF" set "$dev" private-key "/run/wg-hil/$host.key" \
		listen-port "$(tun_port "$i")" peer "$pub" \
		endpoint "$peer_ip:$(tun_port "$i")" allowed-ips "$remote"
	on "$host" ip link set "$dev" up
	on "$host" ip route replace "$remote" dev "$dev"
	on "$host" "$WGAFF" mode "$dev" "$MODE" >/dev/null ||
		hil_die "$host: cannot set mode $MODE"
	on "$host" "$WGAFF" assign "$dev" peer "$pub" core "$(tun_core "$i")" ||
		hil_die "$host: cannot put tunnel $i on core $(tun_core "$i")"
}

steer() {
	local host=$1 lan=$2 i
	for ((i = 0; i < TUNNELS; i++)); do
		on "$host" "$WGAFF" steer "$(tun_dev "$i")" "$STEERING" lan "$lan" ||
			hil_die "$host: wgaff steer failed (is mlx5_steer loaded?)"
	done
}

# check_links: every netdev of the config exists where it should.
check_links() {
	local pair
	for pair in "$SOURCE $SOURCE_IF" "$GW1 $GW1_LAN" "$GW1 ${GW1_WAN:?}" \
		"$GW2 ${GW2_WAN:?}" "$GW2 $GW2_LAN" "$DRAIN $DRAIN_IF"; do
		# shellcheck disable=SC2086 # "HOST NETDEV", split on purpose
		set -- $pair
		on "$1" ip link show dev "$2" >/dev/null 2>&1 ||
			hil_die "$1: no netdev '$2' (check the config)"
	done
}

check_links
load_modules "$GW1"
load_modules "$GW2"
on "$GW1" sysctl -qw net.ipv4.ip_forward=1
on "$GW2" sysctl -qw net.ipv4.ip_forward=1
pub1=$(keys "$GW1")
pub2=$(keys "$GW2")
gw1_lan_ip=$(on "$GW1" ip -4 -o addr show dev "$GW1_LAN" | awk '{ sub("/.*", "", $4); print $4; exit }')
gw2_lan_ip=$(on "$GW2" ip -4 -o addr show dev "$GW2_LAN" | awk '{ sub("/.*", "", $4); print $4; exit }')
src_ip=$(on "$SOURCE" ip -4 -o addr show dev "$SOURCE_IF" | awk '{ sub("/.*", "", $4); print $4; exit }')
drain_ip=$(on "$DRAIN" ip -4 -o addr show dev "$DRAIN_IF" | awk '{ sub("/.*", "", $4); print $4; exit }')
if [ -z "$gw1_lan_ip" ] || [ -z "$gw2_lan_ip" ] || [ -z "$src_ip" ] || [ -z "$drain_ip" ]; then
	hil_die "the LAN links need IPv4 addresses (source, gw1 LAN, gw2 LAN, drain)"
fi

for ((i = 0; i < TUNNELS; i++)); do
	snet="10.1.$((10 + i)).0/24" dnet="10.2.$((10 + i)).0/24"
	tunnel_end "$GW1" "$i" "$pub2" "$GW2_WAN_IP" "$dnet"
	tunnel_end "$GW2" "$i" "$pub1" "$GW1_WAN_IP" "$snet"
	on "$GW1" ip route replace "$snet" via "$src_ip" dev "$GW1_LAN"
	on "$GW2" ip route replace "$dnet" via "$drain_ip" dev "$GW2_LAN"
	on "$SOURCE" ip addr replace "$(src_addr "$i")/32" dev "$SOURCE_IF"
	on "$SOURCE" ip route replace "$dnet" via "$gw1_lan_ip" dev "$SOURCE_IF" src "$(src_addr "$i")"
	on "$DRAIN" ip addr replace "$(drain_addr "$i")/32" dev "$DRAIN_IF"
	on "$DRAIN" ip route replace "$snet" via "$gw2_lan_ip" dev "$DRAIN_IF" src "$(drain_addr "$i")"
done
if [ "$STEERING" != off ]; then
	steer "$GW1" "$GW1_LAN"
	steer "$GW2" "$GW2_LAN"
fi
for ((i = 0; i < TUNNELS; i++)); do
	on "$SOURCE" ping -c 1 -W 5 -I "$(src_addr "$i")" "$(drain_addr "$i")" >/dev/null ||
		hil_die "tunnel $i: the source cannot reach the drain through it"
done
hil_log "$TUNNELS tunnel(s) up, mode $MODE, cores ${CORES:-0}, steering $STEERING"
