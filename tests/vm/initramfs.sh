#!/bin/bash
# Build (once, cached) the busybox initramfs for one kernel release.
#   initramfs.sh RELEASE   prints the path of the cpio.gz
#
# The initramfs only loads what it needs to mount the host's root over 9p
# with a tmpfs overlay, then switch_roots into it (tests/vm/init).
set -euo pipefail
rel=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$("$here/kernels.sh" dir "$rel")
out=$(dirname "$root")/initramfs-$rel.cpio.gz
stamp=$(cat "$here/init" "$0" | sha1sum | cut -c1-12)

if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$out"
	exit 0
fi

moddir=$root/lib/modules/$rel
[ -f "$moddir/modules.dep" ] || { echo "initramfs.sh: $moddir not unpacked (make deps)" >&2; exit 1; }

# Resolve load order from modules.dep (dependencies first), skipping
# modules that are built into this kernel.
order=$(python3 - "$moddir" virtio_pci 9pnet_virtio 9p overlay <<'PY'
import sys, os, re
moddir, wanted = sys.argv[1], sys.argv[2:]
deps, paths = {}, {}
def name(p):
    return re.sub(r'\.ko(\.xz|\.zst|\.gz)?$', '', os.path.basename(p)).replace('-', '_')
for line in open(os.path.join(moddir, 'modules.dep')):
    mod, _, rest = line.partition(':')
    deps[name(mod)] = [name(d) for d in rest.split()]
    paths[name(mod)] = mod
out = []
def visit(m):
    if m in out or m not in paths:
        return      # built in, or already queued
    for d in reversed(deps[m]):
        visit(d)
    out.append(m)
for w in wanted:
    visit(w)
for m in out:
    print(paths[m])
PY
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,mnt,lib/early}
cp /bin/busybox "$work/bin/busybox"
cp "$here/init" "$work/init"
chmod +x "$work/init"
i=0
for p in $order; do
	n=$(printf '%02d-%s' $i "$(basename "$p" | sed 's/\.ko.*$//')")
	case $p in
	*.xz) xz -dc "$moddir/$p" >"$work/lib/early/$n.ko" ;;
	*.zst) zstd -qdc "$moddir/$p" >"$work/lib/early/$n.ko" ;;
	*) cp "$moddir/$p" "$work/lib/early/$n.ko" ;;
	esac
	i=$((i + 1))
done
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$stamp" >"$out.stamp"
echo "$out"
