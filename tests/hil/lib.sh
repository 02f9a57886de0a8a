# shellcheck shell=bash
# Common to the hardware-in-the-loop scripts (tests/hil/README.md): the
# config file, the transport to the hosts, logging and CSV.
set -euo pipefail

hil_die() { echo "hil: $*" >&2; exit 1; }
hil_log() { echo "# $*" >&2; }

# hil_load_conf FILE: the config (a bash file of VAR=value lines).
hil_load_conf() {
	[ -f "${1:-}" ] || hil_die "usage: $(basename "$0") CONFIG (see tests/hil/example.conf)"
	# shellcheck disable=SC1090
	. "$1"
	: "${TRANSPORT:?TRANSPORT (ssh or netns) missing in $1}"
	: "${SOURCE:?}" "${GW1:?}" "${GW2:?}" "${DRAIN:?}"
	case $TRANSPORT in
	ssh | netns) ;;
	*) hil_die "TRANSPORT must be ssh or netns, not '$TRANSPORT'" ;;
	esac
	RESULTS=${RESULTS:-./hil-results}
	WGAFF=${WGAFF:-wgaff}
	mkdir -p "$RESULTS"
}

# on HOST CMD...: runs CMD on HOST (a name from the config) and passes
# its output and exit status through. ssh: the arguments are quoted for
# the remote shell; netns: HOST is a network namespace on this machine.
on() {
	local host=$1
	shift
	case $TRANSPORT in
	ssh) ssh -o BatchMode=yes -o ConnectTimeout=10 "$host" -- "$(printf '%q ' "$@")" ;;
	netns) ip netns exec "$host" "$@" ;;
	esac
}

# on_sh HOST SCRIPT: a shell snippet on HOST.
on_sh() { on "$1" sh -c "$2"; }

# has HOST CMD: whether HOST has the command CMD.
has() { on "$1" sh -c "command -v $2" >/dev/null 2>&1; }

# need HOST CMD...: each command must exist on HOST (a clear message if not).
need() {
	local host=$1 c
	shift
	for c in "$@"; do
		has "$host" "$c" || hil_die "$host: '$c' is not installed"
	done
}

# csv FILE FIELD...: appends one CSV row (fields must not hold commas).
csv() {
	local file=$1 IFS=,
	shift
	echo "$*" >>"$file"
}

# csv_header FILE FIELD...: starts FILE with a header row.
csv_header() {
	local file=$1 IFS=,
	shift
	echo "$*" >"$file"
}

# Per-tunnel names and addresses: tunnel I (from 0) carries
# 10.1.(10+I).0/24 (behind gw1) <-> 10.2.(10+I).0/24 (behind gw2).
tun_dev() { echo "wgh$1"; }
tun_port() { echo $((51820 + $1)); }
src_addr() { echo "10.1.$((10 + $1)).2"; }
drain_addr() { echo "10.2.$((10 + $1)).2"; }
# tun_core I: the gateway core of tunnel I, round robin over CORES.
tun_core() {
	local cores
	read -r -a cores <<<"${CORES:-0}"
	echo "${cores[$(($1 % ${#cores[@]}))]}"
}
