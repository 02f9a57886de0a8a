#!/bin/bash
# Read a guest's kernel log for what fails a test.
#
#   klog.sh problems LOG     print the lines that fail the test
#   klog.sh stale-int3 LOG   exit 0 and print where, if the first problem is
#                            a breakpoint trap taken at an address that holds
#                            no breakpoint: an instruction the vCPU ran that
#                            was not in memory any more, i.e. the emulator's
#                            stale translation of code the kernel had just
#                            patched (see docs/testing.md); else exit 1
#
# Used by run.sh on the host and by harness self-tests in the guest.
set -uo pipefail

# Every oops header has "[#N]" ("int3: 0000 [#1]" on 6.1, "Oops: int3:
# 0000 [#1]" on later kernels); 6.1's carry no other mark. The debug
# kernel's reports (make check-debug): KASAN/KFENCE/lockdep say "BUG:" or
# "WARNING:", except lockdep's non-static key, debugobjects ("ODEBUG:"),
# kmemleak's leak count (not its start-up lines) and the net device
# reference tracker.
BAD_LOG='WARNING:|BUG:|Oops|: [0-9a-f]{4} \[#[0-9]+\]|general protection fault|refcount_t:|list_add corruption|list_del corruption|UBSAN:|blocked for more than [0-9]+ seconds|Kernel panic|kernel BUG at|rcu_(sched|preempt) detected stalls|self-detected stall|KASAN:|kmemleak: [0-9]+ new suspected memory leaks|ODEBUG:|INFO: trying to register non-static key|ref_tracker: .*(leaked|users at)|unregister_netdevice: waiting for'

problems() {
	grep -aE "$BAD_LOG" "$1"
}

# The oops's "Code:" line marks the byte at the saved instruction pointer
# as <xx>; after a breakpoint trap that is one past the int3, so the byte
# just before the mark is what memory holds where the int3 was executed.
stale_int3() {
	local first
	first=$(grep -naE "$BAD_LOG" "$1" | head -n1 | cut -d: -f1)
	[ -n "$first" ] || return 1
	awk -v first="$first" '
	NR < first { next }
	NR == first {
		if ($0 !~ /int3: [0-9a-f][0-9a-f][0-9a-f][0-9a-f] \[#[0-9]+\]/)
			exit
		in_int3 = 1
		next
	}
	in_int3 && rip == "" && /RIP: [0-9a-f]+:/ {
		s = $0
		sub(/.*RIP: [0-9a-f]+:/, "", s)
		split(s, w, " ")
		rip = w[1]
		next
	}
	in_int3 && rip != "" && /Code: / {
		s = $0
		sub(/.*Code: /, "", s)
		at = index(s, "<")
		if (at == 0)
			exit
		n = split(substr(s, 1, at - 1), b, " ")
		if (n > 0 && b[n] != "cc") {
			print rip " (memory holds " b[n] ", not int3)"
			stale = 1
		}
		exit
	}
	END { exit stale ? 0 : 1 }' "$1"
}

case ${1:-} in
problems) problems "$2" ;;
stale-int3) stale_int3 "$2" ;;
*) echo "usage: klog.sh problems|stale-int3 LOG" >&2; exit 2 ;;
esac
