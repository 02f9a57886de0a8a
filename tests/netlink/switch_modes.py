#!/usr/bin/env python3
# usage: switch_modes.py COUNT PAUSE NETNS:IFNAME:PUBKEY [NETNS:IFNAME:PUBKEY...]
# Switches tunnels between the inline and parallel modes COUNT times
# through the wg-inline-ext family, round-robin over the tunnels given
# (each named by its device's netns, the device and the peer's public
# key), each tunnel alternating parallel, inline, ...; PAUSE seconds
# between switches. One process, one netlink socket per netns: the
# switches are not slowed by starting a program each (under TCG that
# takes longer than the switch). Prints the latency of the requests;
# exit status 1 if any was refused.
import base64, ctypes, os, sys, time
sys.path.insert(0, os.path.dirname(__file__))
from genl import Genl, nla, ifname

CLONE_NEWNET = 0x40000000
EXT_SET_TUNNEL, A_PUBLIC_KEY, A_MODE = 2, 3, 5
MODES = {0: 'inline', 1: 'parallel'}
libc = ctypes.CDLL(None, use_errno=True)


def socket_in(netns):
    """A generic netlink socket created inside @netns."""
    fd = os.open('/run/netns/' + netns, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET):
        sys.exit('setns %s: errno %d' % (netns, ctypes.get_errno()))
    os.close(fd)
    g = Genl()
    return g, g.family('wg-inline-ext')


count, pause = int(sys.argv[1]), float(sys.argv[2])
tunnels = []
for spec in sys.argv[3:]:
    ns, dev, key = spec.split(':', 2)
    g, fid = socket_in(ns)
    tunnels.append((g, fid, dev, base64.b64decode(key), [1]))
lat = []
for i in range(count):
    g, fid, dev, key, nxt = tunnels[i % len(tunnels)]
    mode = nxt[0]
    t0 = time.monotonic()
    err, msg, _ = g.request(fid, EXT_SET_TUNNEL,
                            [ifname(dev), nla(A_PUBLIC_KEY, key), nla(A_MODE, bytes([mode]))])
    lat.append((time.monotonic() - t0) * 1000)
    if err:
        sys.exit('switch %d of %s to %s refused: %d %s' % (i, dev, MODES[mode], err, msg))
    nxt[0] = 1 - mode
    time.sleep(pause)
lat.sort()
print('%d switches; request latency ms: min %.1f, median %.1f, max %.1f' %
      (count, lat[0], lat[len(lat) // 2], lat[-1]))
