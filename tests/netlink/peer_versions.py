#!/usr/bin/env python3
# usage: peer_versions.py FAMILY IFNAME
# Dumps IFNAME with GET_DEVICE and prints each peer's protocol version
# attribute (or "missing"), one line a peer, then "messages N": how many
# netlink messages the dump took.
import os, struct, sys
sys.path.insert(0, os.path.dirname(__file__))
from genl import *


def attrs(buf):
    while len(buf) >= 4:
        al, at = struct.unpack_from('HH', buf)
        if al < 4:
            return
        yield at & 0x3fff, buf[4:al]
        buf = buf[(al + 3) & ~3:]


g = Genl()
err, msg, replies = g.request(g.family(sys.argv[1]), 0, [ifname(sys.argv[2])], flags=0x300)
if err:
    sys.exit('dump failed: %d %s' % (err, msg))
for body in replies:
    for at, val in attrs(body[4:]):
        if at != A_PEERS:
            continue
        for _, p in attrs(val):
            ver = dict(attrs(p)).get(P_VER)
            print(struct.unpack('I', ver)[0] if ver else 'missing')
print('messages %d' % len(replies))
