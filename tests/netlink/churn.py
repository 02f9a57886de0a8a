#!/usr/bin/env python3
# usage: churn.py FAMILY IFNAME COUNT PRIVKEY_B64
# COUNT configuration changes, each its own SET request (tests/cases/churn.sh):
# peers added with a PSK, endpoint and allowed IPs; PSKs changed; allowed
# IPs replaced; keepalives set with update-only; peers removed; and every
# 40th request a private key change, alternating between a random key and
# PRIVKEY (the last one is always PRIVKEY). Every request must succeed.
# Prints the per-kind counts and, last, "pool N": the churned peers left.
import base64, os, random, socket, struct, sys
sys.path.insert(0, os.path.dirname(__file__))
from genl import *

fam_name, dev, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
realkey = base64.b64decode(sys.argv[4])
g = Genl()
fid = g.family(fam_name)
rnd = random.Random(11)
SET = 1
F_REMOVE, F_REPLACE_AIPS, F_UPDATE_ONLY = 1, 2, 4
pool, done = [], {}


def aips(n):
    v4 = struct.pack('!BBBB', 10, 20 + (n >> 8 & 0x3f), n & 0xff, 0)
    v6 = b'\xfd\x42' + struct.pack('!H', n & 0xffff) + bytes(12)
    return nest(P_AIPS, [aip(socket.AF_INET, v4, 24), aip(socket.AF_INET6, v6, 64)])


def op(i):
    if i % 40 == 39:
        key = realkey if (i // 40) % 2 or i + 40 >= count else os.urandom(32)
        return 'private-key', [nla(A_PRIV, key)]
    choice = rnd.random()
    if not pool or (choice < 0.35 and len(pool) < 64):
        pub = os.urandom(32)
        pool.append(pub)
        return 'add', [peers(peer(pub, nla(P_PSK, os.urandom(32)),
                                  nla(P_EP, sin('192.0.2.%d' % rnd.randint(3, 250), 1000 + i)),
                                  aips(i)))]
    pub = rnd.choice(pool)
    if choice < 0.55:
        return 'psk', [peers(peer(pub, nla(P_PSK, os.urandom(32))))]
    if choice < 0.75:
        return 'allowed-ips', [peers(peer(pub, nla(P_FLAGS, u32(F_REPLACE_AIPS)), aips(i)))]
    if choice < 0.85:
        return 'keepalive', [peers(peer(pub, nla(P_FLAGS, u32(F_UPDATE_ONLY)),
                                        nla(P_KA, u16(rnd.randint(0, 60)))))]
    pool.remove(pub)
    return 'remove', [peers(peer(pub, nla(P_FLAGS, u32(F_REMOVE))))]


for i in range(count):
    kind, attrs = op(i)
    err, msg, _ = g.request(fid, SET, [ifname(dev)] + attrs)
    if err:
        sys.exit('BAD: request %d (%s): err=%d msg=%r' % (i, kind, err, msg))
    done[kind] = done.get(kind, 0) + 1
for kind in sorted(done):
    print('%s %d' % (kind, done[kind]))
print('pool %d' % len(pool))
