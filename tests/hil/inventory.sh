#!/bin/bash
# inventory.sh CONFIG: what each gateway's NICs are, before a run:
# kernel, driver, firmware, PSID (mstflint), the devlink instance and its
# flow-steering mode parameter, ntuple, channels, and the modules.
# Writes RESULTS/inventory.csv; anything missing is a field saying so
# (and a line on stderr), never a failure: the run decides what it needs.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hil/lib.sh
. "$here/lib.sh"
hil_load_conf "${1:-}"

out=$RESULTS/inventory.csv
csv_header "$out" host netdev kernel driver firmware bus psid devlink \
	flow_steering_mode ntuple channels wg_inline mlx5_steer

# field HOST NETDEV KEY: one line of ethtool -i (e.g. driver, bus-info).
field() { on "$1" ethtool -i "$2" 2>/dev/null | awk -v k="$3:" '$1 == k { print $2 }'; }

psid_of() {
	local host=$1 bus=$2
	if ! has "$host" mstflint; then
		hil_log "$host: mstflint not installed: no PSID"
		echo "no-mstflint"
		return
	fi
	on "$host" mstflint -d "$bus" query 2>/dev/null | awk '/^PSID:/ { print $2 }' | grep . ||
		echo "unknown"
}

devlink_of() {
	local host=$1 bus=$2
	if ! has "$host" devlink; then
		echo "no-devlink-tool"
		return
	fi
	if on "$host" devlink dev info "pci/$bus" >/dev/null 2>&1; then
		echo "pci/$bus"
	else
		hil_log "$host: no devlink instance pci/$bus (not a PCI NIC, or no devlink)"
		echo "none"
	fi
}

steering_mode_of() {
	local host=$1 dl=$2
	case $dl in pci/*) ;; *) echo "n/a"; return ;; esac
	on "$host" devlink dev param show "$dl" name flow_steering_mode 2>/dev/null |
		awk '/value/ { print $NF; exit }' | grep . || echo "n/a"
}

module_state() { on "$1" sh -c "[ -d /sys/module/$2 ] && echo loaded || echo absent"; }

for host in "$GW1" "$GW2"; do
	if ! on "$host" true 2>/dev/null; then
		hil_log "$host: cannot be reached through $TRANSPORT"
		continue
	fi
	kernel=$(on "$host" uname -r)
	for var in WAN LAN; do
		name=${host}_$var
		case $host in
		"$GW1") dev=$([ $var = WAN ] && echo "${GW1_WAN:-}" || echo "${GW1_LAN:-}") ;;
		*) dev=$([ $var = WAN ] && echo "${GW2_WAN:-}" || echo "${GW2_LAN:-}") ;;
		esac
		if [ -z "$dev" ] || ! on "$host" ip link show "$dev" >/dev/null 2>&1; then
			hil_log "$name: no netdev '${dev:-unset}'"
			csv "$out" "$host" "${dev:-unset}" "$kernel" missing
			continue
		fi
		bus=$(field "$host" "$dev" bus-info)
		dl=$(devlink_of "$host" "$bus")
		ntuple=$(on "$host" ethtool -k "$dev" 2>/dev/null | awk '/ntuple-filters:/ { print $2 }')
		chans=$(on "$host" ethtool -l "$dev" 2>/dev/null |
			awk '/Current hardware settings/ { c = 1 } c && /Combined:/ { print $2; exit }')
		csv "$out" "$host" "$dev" "$kernel" "$(field "$host" "$dev" driver)" \
			"$(field "$host" "$dev" firmware-version)" "${bus:-none}" \
			"$(psid_of "$host" "$bus")" "$dl" "$(steering_mode_of "$host" "$dl")" \
			"${ntuple:-unknown}" "${chans:-unknown}" \
			"$(module_state "$host" wg_inline)" "$(module_state "$host" mlx5_steer)"
	done
done
cat "$out"
