# wgaff's show adds, after each peer's wg lines, what only wg-inline has
# (core, mode, hand-offs, per-CPU work; tests/cases/affinity-inline.sh
# checks them). Everything else must be wg's, byte for byte.
strip_ext() { grep -vE '^  (core|mode|hand-offs|per-cpu|worker cpus|steering): ' || true; }

# compare_tools DEV [WGAFF_OPTS]: every read-only verb of wg and wgaff must agree.
compare_tools() {
	local dev=$1 opt=${2:-} f a b bad=0
	for f in "" public-key private-key listen-port fwmark peers preshared-keys endpoints \
		allowed-ips latest-handshakes transfer persistent-keepalive dump; do
		a=$(WG_HIDE_KEYS=never wg show "$dev" $f 2>&1 | md5sum)
		b=$(WG_HIDE_KEYS=never $W $opt show "$dev" $f 2>&1 | strip_ext | md5sum)
		[ "$a" = "$b" ] || { echo "DIFF: show $dev $f"; diff <(WG_HIDE_KEYS=never wg show "$dev" $f 2>&1) <(WG_HIDE_KEYS=never $W $opt show "$dev" $f 2>&1 | strip_ext) | head -5; bad=1; }
	done
	a=$(wg show "$dev" | md5sum); b=$($W $opt show "$dev" | strip_ext | md5sum)
	[ "$a" = "$b" ] || { echo "DIFF: hidden show"; bad=1; }
	a=$(wg showconf "$dev" | md5sum); b=$($W $opt showconf "$dev" | md5sum)
	[ "$a" = "$b" ] || { echo "DIFF: showconf"; diff <(wg showconf "$dev") <($W $opt showconf "$dev") | head; bad=1; }
	for f in "" dump peers; do
		a=$(wg show all $f | md5sum); b=$($W $opt show all $f | strip_ext | md5sum)
		[ "$a" = "$b" ] || { echo "DIFF: show all $f"; bad=1; }
	done
	a=$(wg show interfaces); b=$($W $opt show interfaces)
	[ "$a" = "$b" ] || { echo "DIFF: show interfaces '$a' vs '$b'"; bad=1; }
	[ $bad = 0 ] && echo "ok: wg and wgaff agree on $dev ($(wg show $dev peers | wc -l) peers)"
	return $bad
}
