#!/bin/bash
# Boot a Debian kernel under QEMU once per test script and run it.
#
#   run.sh [-k RELEASE]... [-o RESULTS] [-b BUILD_ROOT] TEST...
#
# -k     kernel release to test (repeatable; default: all test kernels)
# -o     results folder (default: results/); each test gets
#        RESULTS/<release>/<test>/{console.log,output.log,dmesg.log,rc}
# -b     where the modules were built (default: build/), one folder per
#        release as made by tests/vm/build.sh
#
# Test scripts run as root inside the guest. Header lines they may carry:
#   # timeout: SECONDS        guest-side limit for the script (default 120)
#   # expect: kernel-warning  the test passes only if the harness catches a
#                             kernel warning (harness self-tests)
#   # expect: timeout         likewise, for the timeout path
#   # expect: kernel-oops     the guest must die of an oops that is not
#                             excused as an emulator fault (klog.sh)
#   # skip-unless: CMD        run CMD in the guest first; exit 77 = skip
#                             (only for a missing hardware feature)
#   # kernels: 6.1            kernel series the test runs on when no -k is
#                             given (make check); for tests of the module's
#                             own logic, where a second kernel adds time
#                             and no coverage. An explicit -k runs it anyway.
# A script exits 0 to pass, 77 to skip (missing hardware), else fails.
# WGI_TIMEOUT_SCALE=N multiplies every timeout (slow kernels: check-debug);
# the guest sees it too, for waits inside a test.
# WGI_SMP, WGI_MEM: the guest's vCPUs and MiB; WGI_APPEND: kernel arguments.
# WGI_FUZZ_SEED, WGI_FUZZ_REQUESTS reach the guest (netlink-fuzz.sh),
# WGI_BENCH too (tests/bench/run.sh: make bench's settings).
# WGI_HOST_LOAD=N runs N busy loops on the host beside the guests (1 or
# "yes": one per host CPU), the way a shared CI machine is busy: tests
# must pass that way too (their timeouts and assertions must not depend
# on the host's speed).
# WGI_JOBS=N boots up to N guests at once (default 1; auto: one per host
# CPU, as memory allows; make check uses auto), longest tests (by their
# timeout header) first; each prints its line when it ends.
# A guest beside a guest is the load WGI_HOST_LOAD makes: no test may
# depend on the host's speed, so the results are the same.
# Any kernel warning/BUG/Oops in the guest's log fails the test.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/vm
results=$top/results
build=$top/build
krels=()

while getopts "k:o:b:" opt; do
	case $opt in
	k) krels+=("$OPTARG") ;;
	o) results=$(realpath -m "$OPTARG") ;;
	b) build=$(realpath -m "$OPTARG") ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: run.sh [-k REL] [-o DIR] [-b DIR] TEST..." >&2; exit 2; }
# The guest mounts a fresh tmpfs on /tmp, hiding the host's /tmp.
for p in "$top" "$build"; do
	case $p/ in
	/tmp/*) echo "run.sh: $p is under /tmp, which the guest cannot see; use another folder" >&2
		exit 2 ;;
	esac
done
explicit_k=${#krels[@]}
[ ${#krels[@]} -gt 0 ] || mapfile -t krels < <("$here/kernels.sh" versions | awk '{print $2}')

# An emulator fault (klog.sh stale-int3) reruns its test once; more than
# this many in one run fails them, as the emulator is then not trustworthy.
# Parallel jobs share that budget: a rerun takes a slot, a folder under
# $rerun_slots (mkdir is atomic), and records its test in it.
max_reruns=${WGI_MAX_RERUNS:-2}
# wait -n -p (the job pool) came with bash 5.1.
if [ "${BASH_VERSINFO[0]}" -lt 5 ] ||
   { [ "${BASH_VERSINFO[0]}" = 5 ] && [ "${BASH_VERSINFO[1]}" -lt 1 ]; }; then
	echo "run.sh: needs bash 5.1 or later, this is $BASH_VERSION" >&2
	exit 2
fi
jobs=${WGI_JOBS:-1}
if [ "$jobs" = auto ]; then
	# One guest per host CPU (a guest keeps about one busy on average,
	# measured), as many as the available memory holds.
	mem_mib=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	jobs=$((mem_mib / (${WGI_MEM:-2048} + 512)))
	[ "$jobs" -le "$(nproc)" ] || jobs=$(nproc)
	[ "$jobs" -ge 1 ] || jobs=1
fi
case $jobs in
'' | 0 | *[!0-9]*) echo "run.sh: WGI_JOBS must be a positive number or auto" >&2; exit 2 ;;
esac

qemu_accel() {
	# KVM here is paravirtual and hangs Debian's kernel at boot; use it
	# only when explicitly asked and a probe proved it works.
	if [ "${WGI_KVM:-0}" = 1 ] && [ -w /dev/kvm ]; then
		echo "-accel kvm -cpu host"
	else
		echo "-accel tcg,thread=multi -cpu max"
	fi
}

header() { sed -n "s/^# $2: *//p" "$1" | head -n1; }

# runs_on REL TEST: whether TEST's "kernels:" header lets it run on REL.
runs_on() {
	local series want s
	want=$(header "$2" kernels)
	if [ -z "$want" ] || [ "$explicit_k" -gt 0 ]; then
		return 0
	fi
	series=$(echo "$1" | cut -d. -f1,2)
	for s in $want; do
		[ "$s" = "$series" ] && return 0
	done
	return 1
}

# boot_test REL TEST DIR TMO: boots the guest for one test; sets secs,
# rc (the script's exit status, or "none"), qrc, kbad and why.
boot_test() {
	local rel=$1 test=$2 dir=$3 tmo=$4 kroot initrd start
	rm -rf "$dir"
	mkdir -p "$dir"
	kroot=$("$here/kernels.sh" dir "$rel")
	cat >"$dir/job.env" <<-EOT
	WGI_ROOT='$top'
	WGI_BUILD='$build/$rel'
	WGI_KREL='$rel'
	WGI_KMODS='$kroot/lib/modules'
	WGI_TEST='$(realpath "$test")'
	WGI_TIMEOUT='$tmo'
	WGI_TIMEOUT_SCALE='${WGI_TIMEOUT_SCALE:-1}'
	WGI_FUZZ_SEED='${WGI_FUZZ_SEED:-}'
	WGI_FUZZ_REQUESTS='${WGI_FUZZ_REQUESTS:-}'
	WGI_BENCH='${WGI_BENCH:-}'
	EOT
	initrd=$("$here/initramfs.sh" "$rel") || return 1
	start=$SECONDS
	# Host-side guard: guest boot plus the guest's own timeout plus slack
	# (scaled too: a debug kernel boots slower and scans for leaks after).
	# shellcheck disable=SC2046
	timeout -k 5 $((tmo + 90 * ${WGI_TIMEOUT_SCALE:-1})) qemu-system-x86_64 $(qemu_accel) \
		-smp "${WGI_SMP:-2}" -m "${WGI_MEM:-2048}" \
		-nographic -no-reboot -display none -monitor none \
		-serial "file:$dir/console.log" \
		-kernel "$kroot/boot/vmlinuz-$rel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 ${WGI_APPEND:-}" \
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$dir,mount_tag=results,security_model=none" \
		-nic none </dev/null >"$dir/qemu.log" 2>&1
	qrc=$?
	secs=$((SECONDS - start))
	rc=$(cat "$dir/rc" 2>/dev/null || echo none)

	klog=$dir/dmesg.log
	[ -s "$klog" ] || klog=$dir/console.log
	"$here/klog.sh" problems "$klog" >"$dir/kernel-problems.log" 2>/dev/null
	if [ -s "$dir/kmemleak.log" ]; then
		echo "kmemleak: $(grep -c '^unreferenced object' "$dir/kmemleak.log") unreferenced objects after the test (kmemleak.log)" \
			>>"$dir/kernel-problems.log"
	fi
	kbad=0
	[ -s "$dir/kernel-problems.log" ] && kbad=1

	if [ "$rc" = none ] && [ "$kbad" = 1 ]; then
		why="guest died: $(head -n1 "$dir/kernel-problems.log" | cut -c1-100)"
	elif [ "$rc" = none ]; then
		why="timeout: guest did not finish (qemu rc $qrc)"
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why="timeout: killed after ${tmo}s"
	elif [ "$kbad" = 1 ]; then
		why="kernel log: $(head -n1 "$dir/kernel-problems.log" | cut -c1-100)"
	elif [ "$rc" = 77 ]; then
		why=skip
	elif [ "$rc" != 0 ]; then
		why="exit status $rc"
	else
		why=
	fi
}

# take_rerun_slot WHAT: claims one of the max_reruns reruns for WHAT.
take_rerun_slot() {
	local i
	for ((i = 1; i <= max_reruns; i++)); do
		if mkdir "$rerun_slots/$i" 2>/dev/null; then
			echo "$1" >"$rerun_slots/$i/test"
			return 0
		fi
	done
	return 1
}

# run_one REL TEST -> prints one result line, returns 0 pass, 1 fail, 2 skip
run_one() {
	local rel=$1 test=$2 name dir tmo expect verdict why rc qrc kbad klog
	local secs rerun='' fault='' out
	name=$(basename "$test" .sh)
	dir=$results/$rel/$name
	tmo=$(header "$test" timeout)
	tmo=$(( ${tmo:-120} * ${WGI_TIMEOUT_SCALE:-1} ))
	expect=$(header "$test" expect)
	boot_test "$rel" "$test" "$dir" "$tmo" || return 1
	# A breakpoint the vCPU ran although memory no longer held it is the
	# emulator's fault, not the test's: keep that boot's logs, boot again.
	if [ "$kbad" = 1 ] && fault=$("$here/klog.sh" stale-int3 "$klog"); then
		if take_rerun_slot "$rel/$name"; then
			rm -rf "$dir.emulator-fault"
			mv "$dir" "$dir.emulator-fault"
			rerun=" [rerun: first boot hit a stale int3 at $fault; logs in $name.emulator-fault/]"
			boot_test "$rel" "$test" "$dir" "$tmo" || return 1
		else
			rerun=" [stale int3 at $fault, but $max_reruns reruns were spent]"
		fi
	fi

	case $expect in
	kernel-warning)
		# A warning, not a guest that died of it or never finished, and
		# the script's own checks passed.
		if [ "$kbad" = 1 ] && [ "$rc" = 0 ]; then
			verdict=PASS why="caught: $(head -n1 "$dir/kernel-problems.log" | cut -c1-80)"
		else
			verdict=FAIL why="expected a kernel warning to be caught, got: ${why:-a clean pass}"
		fi ;;
	kernel-oops)
		fault=
		if [ "$rc" = none ] && [ "$kbad" = 1 ] &&
		   ! fault=$("$here/klog.sh" stale-int3 "$klog"); then
			verdict=PASS why="caught: $(head -n1 "$dir/kernel-problems.log" | cut -c1-80)"
		elif [ -n "${fault:-}" ]; then
			verdict=FAIL why="a real oops was taken for an emulator fault at $fault"
		else
			verdict=FAIL why="expected the guest to die of an oops, got: ${why:-a clean pass}"
		fi ;;
	timeout)
		if [ "${why#timeout}" != "$why" ]; then
			verdict=PASS why="caught: $why"
		else
			verdict=FAIL why="expected a timeout, got: ${why:-a clean pass}"
		fi ;;
	*)
		case $why in
		"") verdict=PASS ;;
		skip) verdict=SKIP why="$(tail -n1 "$dir/output.log" 2>/dev/null)" ;;
		*) verdict=FAIL ;;
		esac ;;
	esac
	why=$why$rerun
	# One write per result, so that parallel jobs' lines do not mix.
	out=$(printf '%-4s %-8s %-40s %4ss %s' "$verdict" "$(echo "$rel" | cut -d. -f1,2)" "$name" "$secs" "$why")
	if [ "$verdict" = FAIL ] && [ -z "${CI_QUIET:-}" ]; then
		out+=$'\n'"---- last lines of $dir/output.log:"$'\n'
		out+=$(tail -n 15 "$dir/output.log" 2>/dev/null | cut -c1-200 | sed 's/^/    /')
		out+=$'\n'"----"
	fi
	echo "$out"
	echo "$verdict $rel $name $secs $why" >>"$results/summary.txt"
	case $verdict in PASS) return 0 ;; SKIP) return 2 ;; *) return 1 ;; esac
}

# start_host_load: the WGI_HOST_LOAD busy loops, stopped when we exit.
start_host_load() {
	local n=${WGI_HOST_LOAD:-0} i
	case $n in
	yes | 1) n=$(nproc) ;;
	'' | 0 | no) return 0 ;;
	*[!0-9]*) echo "run.sh: WGI_HOST_LOAD must be a number or yes" >&2; exit 2 ;;
	esac
	for ((i = 0; i < n; i++)); do
		(exec sh -c 'while :; do :; done') &
		hogs+=($!)
	done
	echo "host load: $n busy loops beside the guest"
}

# On the way out (an error, a signal): stop the busy loops and the jobs
# still running.
stop_all() {
	local pids=("${hogs[@]}" "${!job_of[@]}")
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null
}

# The (kernel, test) pairs to run, in order: as given, or with more than
# one job the longest first, so that the last to end is a short one.
plan=() once=()
declare -A planned
for rel in "${krels[@]}"; do
	for t in "$@"; do
		# Two jobs of one test would share (and delete) one results folder.
		[ -z "${planned[$rel/$(basename "$t")]:-}" ] || continue
		planned[$rel/$(basename "$t")]=1
		if runs_on "$rel" "$t"; then
			tmo=$(header "$t" timeout)
			plan+=("${tmo:-120} $rel $t")
		else
			once+=("$(basename "$t" .sh) (not on $(echo "$rel" | cut -d. -f1,2))")
		fi
	done
done
if [ "$jobs" -gt 1 ] && [ ${#plan[@]} -gt 1 ]; then
	mapfile -t plan < <(printf '%s\n' "${plan[@]}" | sort -s -k1,1nr)
fi

hogs=()
declare -A job_of
trap stop_all EXIT
start_host_load
mkdir -p "$results"
rerun_slots=$results/.reruns
rm -rf "$rerun_slots"
mkdir -p "$rerun_slots"
# Parallel jobs would race to build the same initramfs: build each first.
for rel in "${krels[@]}"; do
	"$here/initramfs.sh" "$rel" >/dev/null || exit 1
done

pass=0 fail=0 skip=0 skipped=() running=0
# reap: waits for one test's job to end and counts its result. A job
# killed by a signal while this shell was not waiting is already reaped
# by bash: wait -n then names no pid, and the dead job is looked up.
reap() {
	local pid='' p rc=0
	wait -n -p pid "${!job_of[@]}" || rc=$?
	if [ -z "$pid" ]; then
		for p in "${!job_of[@]}"; do
			kill -0 "$p" 2>/dev/null && continue
			pid=$p rc=0
			wait "$p" || rc=$?
			break
		done
		[ -n "$pid" ] || return 0
	fi
	running=$((running - 1))
	case $rc in
	0) pass=$((pass + 1)) ;;
	2) skip=$((skip + 1)) skipped+=("${job_of[$pid]}") ;;
	*) fail=$((fail + 1)) ;;
	esac
	unset "job_of[$pid]"
}
for p in "${plan[@]}"; do
	read -r _ rel t <<<"$p"
	while [ "$running" -ge "$jobs" ]; do
		reap
	done
	run_one "$rel" "$t" &
	job_of[$!]="$rel/$(basename "$t" .sh)"
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	reap
done

reruns=0 rerun_list=()
for d in "$rerun_slots"/*/; do
	[ -f "$d/test" ] || continue
	reruns=$((reruns + 1))
	rerun_list+=("$(cat "$d/test")")
done
rm -rf "$rerun_slots"
[ ${#once[@]} -gt 0 ] && echo "limited by their kernels: header: ${once[*]}"
[ $skip -gt 0 ] && echo "skipped (missing hardware feature): ${skipped[*]}"
[ $reruns -gt 0 ] && echo "rerun after an emulator fault (stale int3): ${rerun_list[*]}"
if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
