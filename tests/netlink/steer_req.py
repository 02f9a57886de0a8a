#!/usr/bin/env python3
# usage: steer_req.py IFNAME LAN_IFNAME...
# Sends the wg-inline-ext family SET_DEVICE steering requests that wgaff
# would never send (an unknown ifindex, the device itself, duplicates,
# too many, a bad mode, foreign or malformed entries in the LAN nest, and
# a valid steering change together with a refused worker set) and checks
# that each is refused with an extack message and leaves the device's
# steering as it was (read back with GET_DEVICE). Needs at least
# WGI_STEER_LAN_MAX + 1 LAN netdevs. Prints one line per request; exit
# status 1 on a miss.
import os, struct, sys
sys.path.insert(0, os.path.dirname(__file__))
from genl import Genl, nla, nest, ifname, u8, u16, u32

EXT_GET_DEVICE, EXT_SET_DEVICE = 3, 4
A_WORKER_CPUS, A_STEER, A_STEER_LAN = 17, 18, 19
LAN_A_IFINDEX = 1
LAN_MAX = 8
STEER_MODE_MAX = 2

g = Genl()
fid = g.family('wg-inline-ext')
dev, lans = sys.argv[1], sys.argv[2:]


def index_of(name):
    return int(open('/sys/class/net/%s/ifindex' % name).read())


def attrs(body):
    out, b = [], body
    while len(b) >= 4:
        al, at = struct.unpack_from('HH', b)
        if al < 4:
            break
        out.append((at & 0x3fff, b[4:al]))
        b = b[(al + 3) & ~3:]
    return out


def steering():
    # (mode, [ifindex...]) as GET_DEVICE says
    err, msg, rep = g.request(fid, EXT_GET_DEVICE, [ifname(dev)])
    if err:
        raise SystemExit('GET_DEVICE failed: %d %s' % (err, msg))
    mode, lan = None, None
    for t, v in attrs(rep[0][4:]):
        if t == A_STEER:
            mode = v[0]
        elif t == A_STEER_LAN:
            lan = [struct.unpack('I', x)[0] for tt, x in attrs(v) if tt == LAN_A_IFINDEX]
    if mode is None or lan is None:
        raise SystemExit('GET_DEVICE lacks STEER or STEER_LAN: %r' % rep)
    return mode, lan


def lan_nest(*idx, extra=()):
    return nest(A_STEER_LAN, [nla(LAN_A_IFINDEX, u32(i)) for i in idx] + list(extra))


me = index_of(dev)
ix = [index_of(n) for n in lans]
assert len(ix) > LAN_MAX, 'need %d LAN netdevs' % (LAN_MAX + 1)
unknown = max(ix + [me]) + 1000
cases = [
    ('unknown ifindex', [lan_nest(ix[0], unknown)], 'no such LAN device'),
    ('ifindex 0', [lan_nest(0)], 'no such LAN device'),
    ('the device itself', [lan_nest(ix[0], me)], 'its own LAN device'),
    ('a duplicate', [lan_nest(ix[0], ix[1], ix[0])], 'named twice'),
    ('one too many', [lan_nest(*ix[:LAN_MAX + 1])], 'too many LAN devices'),
    ('one too many, with a mode', [nla(A_STEER, u8(1)), lan_nest(*ix[:LAN_MAX + 1])],
     'too many LAN devices'),
    ('bad mode', [nla(A_STEER, u8(STEER_MODE_MAX + 1))], ''),
    ('bad mode, good list', [nla(A_STEER, u8(255)), lan_nest(ix[0])], ''),
    ('attribute 2 in the nest', [lan_nest(ix[0], extra=[nla(2, u32(ix[1]))])], ''),
    ('attribute 0 in the nest', [lan_nest(ix[0], extra=[nla(0, u32(ix[1]))])], ''),
    ('16-bit ifindex', [nest(A_STEER_LAN, [nla(LAN_A_IFINDEX, u16(ix[0]))])], ''),
    ('mode as 32 bits', [nla(A_STEER, u32(1))], ''),
    ('LAN list not nested', [nla(A_STEER_LAN, u32(ix[0]))], ''),
    ('steering ok, worker set refused',
     [nla(A_STEER, u8(2)), lan_nest(ix[2]), nla(A_WORKER_CPUS, u32(0))],
     'worker CPU set is empty'),
]
before = steering()
print('steering before: mode %d lan %r' % before)
ok = True
for name, extra, want in cases:
    err, msg, _ = g.request(fid, EXT_SET_DEVICE, [ifname(dev)] + extra)
    after = steering()
    good = err < 0 and msg != '' and want in msg and after == before
    print('%s %-34s err=%d msg=%r%s' % ('ok:' if good else 'BAD:', name, err, msg,
          '' if after == before else ' CHANGED to %r' % (after,)))
    ok = ok and good
# The most there may be is taken.
err, msg, _ = g.request(fid, EXT_SET_DEVICE, [ifname(dev), lan_nest(*ix[:LAN_MAX])])
good = not err and steering() == (before[0], ix[:LAN_MAX])
print('%s %-34s err=%d msg=%r' % ('ok:' if good else 'BAD:', 'exactly the maximum', err, msg))
ok = ok and good
err, msg, _ = g.request(fid, EXT_SET_DEVICE, [ifname(dev), nla(A_STEER, u8(before[0])),
                                             lan_nest(*before[1])])
ok = ok and not err and steering() == before
sys.exit(0 if ok else 1)
