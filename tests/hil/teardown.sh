#!/bin/bash
# teardown.sh CONFIG: removes what setup.sh added (tunnels, routes,
# addresses); with UNLOAD=1 also unloads mlx5_steer and wg_inline, which
# removes every steering rule and restores XPS.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hil/lib.sh
. "$here/lib.sh"
hil_load_conf "${1:-}"
TUNNELS=${TUNNELS:-1}

for ((i = 0; i < TUNNELS; i++)); do
	for host in "$GW1" "$GW2"; do
		on "$host" ip link del "$(tun_dev "$i")" 2>/dev/null || true
	done
	on "$GW1" ip route del "10.1.$((10 + i)).0/24" 2>/dev/null || true
	on "$GW2" ip route del "10.2.$((10 + i)).0/24" 2>/dev/null || true
	on "$SOURCE" ip route del "10.2.$((10 + i)).0/24" 2>/dev/null || true
	on "$SOURCE" ip addr del "$(src_addr "$i")/32" dev "${SOURCE_IF:?}" 2>/dev/null || true
	on "$DRAIN" ip route del "10.1.$((10 + i)).0/24" 2>/dev/null || true
	on "$DRAIN" ip addr del "$(drain_addr "$i")/32" dev "${DRAIN_IF:?}" 2>/dev/null || true
done
if [ "${UNLOAD:-0}" = 1 ]; then
	for host in "$GW1" "$GW2"; do
		for mod in mlx5_steer wg_inline; do
			on "$host" test -d "/sys/module/$mod" && on "$host" rmmod "$mod"
		done
	done
fi
hil_log "torn down"
