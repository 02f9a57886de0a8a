#!/usr/bin/env python3
# usage: badreq.py FAMILY IFNAME [malformed|unpriv|limit PUBKEY_B64]
#   (no mode)  the basic malformed SET requests (netlink-config.sh)
#   malformed  also every attribute with a wrong length or type, unknown
#              attributes, non-nested nests, trailing bytes (netlink-malformed.sh)
#   unpriv     GET and SET without CAP_NET_ADMIN: EPERM with a message
#   limit      fills PUBKEY's allowed IPs to the per-peer limit, then
#              checks that one more, in any form, is refused
import sys, base64, os, socket, struct
sys.path.insert(0, os.path.dirname(__file__))
from genl import *

fam_name, dev = sys.argv[1], sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else ''
g = Genl()
fid = g.family(fam_name)
k = lambda: os.urandom(32)
GET, SET = 0, 1
# want_msg None: any error is fine as long as it comes with a message
def run(name, attrs, want_err, want_msg, cmd=SET):
    err, msg, _ = g.request(fid, cmd, attrs, flags=0x300 if cmd == GET else 0)
    if want_msg is None:
        ok = err < 0 and msg != '' and (want_err is None or err == want_err)
    else:
        ok = (err == want_err) and (want_msg in msg)
    print('%s %-45s err=%d msg=%r' % ('ok:' if ok else 'BAD:', name, err, msg))
    return ok

v4 = socket.inet_aton('10.1.0.0')
good = k()

if mode == 'unpriv':
    res = [run('unprivileged GET', [ifname(dev)], -1, '', GET),
           run('unprivileged SET', [ifname(dev), nla(A_PORT, u16(4242))], -1, 'CAP_NET_ADMIN'),
           run('unprivileged SET peer', [ifname(dev), peers(peer(k()))], -1, 'CAP_NET_ADMIN')]
    sys.exit(0 if all(res) else 1)

if mode == 'limit':
    # 64 Ki prefixes per peer: fill in batches that fit one message
    pub = base64.b64decode(sys.argv[4])
    LIMIT, B = 1 << 16, 2000
    def v4n(i, base): return struct.pack('!I', base + (i << 8))
    def batch(lo, hi, base=0x0a000000):
        return nest(P_AIPS, [aip(2, v4n(i, base), 24) for i in range(lo, hi)])
    n = 0
    while n < LIMIT - B:
        err, msg, _ = g.request(fid, SET, [ifname(dev), peers(peer(pub, batch(n, n + B)))])
        if err:
            print('BAD: filling at', n, err, msg); sys.exit(1)
        n += B
    left = LIMIT - n   # at most B left: one nest can hold more
    half = left // 2 + 1
    res = [
     run('one nest over the limit', [ifname(dev), peers(peer(pub, batch(n, n + left + 1)))], -7, 'too many allowed IPs'),
     run('two entries of one peer over the limit', [ifname(dev), peers(peer(pub, batch(n, n + half)),
         peer(pub, batch(n + half, n + 2 * half)))], -7, 'too many allowed IPs'),
     run('other peers unaffected', [ifname(dev), peers(peer(k(), batch(0, 600, 0x0b000000)),
         peer(good, batch(0, 600, 0x0c000000)), peer(good, batch(600, 1200, 0x0c000000)))], 0, ''),
    ]
    err, msg, _ = g.request(fid, SET, [ifname(dev), peers(peer(pub, batch(n, n + left)))])
    res.append(err == 0)
    print('ok:' if err == 0 else 'BAD:', 'fill to exactly the limit', err, msg)
    res.append(run('one more after the limit', [ifname(dev), peers(peer(pub, batch(n + left, n + left + 1)))], -7, 'too many allowed IPs'))
    res.append(run('replace keeps within the limit', [ifname(dev), peers(peer(good, nla(P_FLAGS, u32(2)), batch(0, 10, 0x0c000000)))], 0, ''))
    sys.exit(0 if all(res) else 1)

res = [
 run('remove missing peer', [ifname(dev), peers(peer(k(), nla(P_FLAGS, u32(1))))], -2, 'peer to remove does not exist'),
 run('family/len mismatch (atomic)', [ifname(dev), peers(peer(good, nest(P_AIPS, [aip(2, v4, 24)])),
      peer(k(), nest(P_AIPS, [aip(2, b'\1' * 16, 24)])))], -22, 'allowed IP family/address length mismatch'),
 run('v4 cidr 33', [ifname(dev), peers(peer(k(), nest(P_AIPS, [aip(2, v4, 33)])))], -22, 'cidr out of range'),
 run('v6 cidr 129', [ifname(dev), peers(peer(k(), nest(P_AIPS, [aip(10, b'\0' * 16, 129)])))], -34, ''),
 run('bad family', [ifname(dev), peers(peer(k(), nest(P_AIPS, [aip(7, v4, 8)])))], -97, 'allowed IP family not supported'),
 run('missing cidr', [ifname(dev), peers(peer(k(), nest(P_AIPS, [nest(0, [nla(I_FAM, u16(2)), nla(I_ADDR, v4)])])))], -22, 'allowed IP needs'),
 run('endpoint family mismatch', [ifname(dev), peers(peer(k(), nla(P_EP, b'\x0a\x00' + b'\0' * 14)))], -22, 'invalid endpoint'),
 run('endpoint too short', [ifname(dev), peers(peer(k(), nla(P_EP, b'\x02\x00' + b'\0' * 6)))], -34, ''),
 run('peer without key', [ifname(dev), peers(nest(0, [nla(P_KA, u16(5))]))], -22, 'peer is missing its public key'),
 run('short public key', [ifname(dev), peers(nest(0, [nla(P_PUB, b'x' * 31)]))], -34, ''),
 run('peer flags unknown bit', [ifname(dev), peers(peer(k(), nla(P_FLAGS, u32(8))))], -22, ''),
 run('device flags unknown bit', [ifname(dev), nla(A_FLAGS, u32(2))], -22, ''),
 run('private key 5 bytes', [ifname(dev), nla(A_PRIV, b'12345')], -22, 'private key must be 0 or 32 bytes'),
 run('protocol version 2', [ifname(dev), peers(peer(k(), nla(P_VER, u32(2))))], -34, ''),
 run('unknown device', [ifname('nosuchdev0')], -19, 'unknown device'),
 run('not our device', [ifname('lo')], -95, 'not a wg-inline device'),
 run('both ifindex and ifname', [ifname(dev), nla(A_IFINDEX, u32(1))], -22, 'exactly one'),
 run('neither ifindex nor ifname', [nla(A_PORT, u16(1))], -22, 'exactly one'),
 run('aip remove flag unknown bit', [ifname(dev), peers(peer(k(), nest(P_AIPS, [aip(2, v4, 24, 2)])))], -22, ''),
]
if mode == 'malformed':
    P = lambda *parts: [ifname(dev), peers(peer(k(), *parts))]
    A = lambda *parts: P(nest(P_AIPS, [nest(0, list(parts))]))
    ok_aip = [nla(I_FAM, u16(2)), nla(I_ADDR, v4), nla(I_CIDR, u8(24))]
    cases = [
     # device level
     ('ifindex 2 bytes', [nla(A_IFINDEX, u16(1))]),
     ('ifindex 8 bytes', [nla(A_IFINDEX, b'\1' + b'\0' * 7)]),
     ('ifname not terminated', [nla(A_IFNAME, dev.encode())]),
     ('ifname too long', [nla(A_IFNAME, b'x' * 40 + b'\0')]),
     ('private key 33 bytes', [ifname(dev), nla(A_PRIV, b'k' * 33)]),
     ('public key 31 bytes', [ifname(dev), nla(A_PUB, b'k' * 31)]),
     ('device flags 2 bytes', [ifname(dev), nla(A_FLAGS, u16(0))]),
     ('device flags 8 bytes', [ifname(dev), nla(A_FLAGS, b'\0' * 8)]),
     ('listen port 1 byte', [ifname(dev), nla(A_PORT, u8(1))]),
     ('listen port 4 bytes', [ifname(dev), nla(A_PORT, u32(4242))]),
     ('fwmark 2 bytes', [ifname(dev), nla(A_FWMARK, u16(1))]),
     ('peers not nested', [ifname(dev), nla(A_PEERS, peer(k()))]),
     ('peers nest overruns', [ifname(dev), struct.pack('HH', 200, A_PEERS | F_NESTED) + peer(k())]),
     ('trailing bytes', [ifname(dev), b'\0\0']),
     ('unknown device attribute', [ifname(dev), nla(9, u32(0))]),
     ('device attribute 0', [ifname(dev), nla(0, u32(0))]),
     # peer level
     ('public key 33 bytes', [ifname(dev), peers(nest(0, [nla(P_PUB, b'p' * 33)]))]),
     ('psk 31 bytes', P(nla(P_PSK, b's' * 31))),
     ('psk 33 bytes', P(nla(P_PSK, b's' * 33))),
     ('peer flags 2 bytes', P(nla(P_FLAGS, u16(0)))),
     ('endpoint 3 bytes', P(nla(P_EP, b'\2\0\0'))),
     ('endpoint 100 bytes', P(nla(P_EP, b'\2\0' + b'\0' * 98))),
     ('endpoint family 0', P(nla(P_EP, b'\0' * 16))),
     ('keepalive 4 bytes', P(nla(P_KA, u32(5)))),
     ('keepalive 1 byte', P(nla(P_KA, u8(5)))),
     ('handshake time 8 bytes', P(nla(P_HS, b'\0' * 8))),
     ('rx bytes 4 bytes', P(nla(P_RX, u32(0)))),
     ('tx bytes 2 bytes', P(nla(P_TX, u16(0)))),
     ('allowed ips not nested', P(nla(P_AIPS, nest(0, ok_aip)))),
     ('protocol version 2 bytes', P(nla(P_VER, u16(1)))),
     ('protocol version 0', P(nla(P_VER, u32(0)))),
     ('unknown peer attribute', P(nla(11, u32(0)))),
     ('peer entry not a nest', [ifname(dev), nest(A_PEERS, [nla(P_PUB, k())])]),
     # allowed-IP level
     ('family 4 bytes', A(nla(I_FAM, u32(2)), nla(I_ADDR, v4), nla(I_CIDR, u8(24)))),
     ('family 1 byte', A(nla(I_FAM, u8(2)), nla(I_ADDR, v4), nla(I_CIDR, u8(24)))),
     ('address 3 bytes', A(nla(I_FAM, u16(2)), nla(I_ADDR, b'\1\2\3'), nla(I_CIDR, u8(24)))),
     ('address 17 bytes', A(nla(I_FAM, u16(10)), nla(I_ADDR, b'\1' * 17), nla(I_CIDR, u8(24)))),
     ('v6 family, v4 address', A(nla(I_FAM, u16(10)), nla(I_ADDR, v4), nla(I_CIDR, u8(24)))),
     ('cidr 2 bytes', A(nla(I_FAM, u16(2)), nla(I_ADDR, v4), nla(I_CIDR, u16(24)))),
     ('cidr 200', A(nla(I_FAM, u16(2)), nla(I_ADDR, v4), nla(I_CIDR, u8(200)))),
     ('aip flags 2 bytes', A(*(ok_aip + [nla(I_FLAGS, u16(0))]))),
     ('unknown allowed ip attribute', A(*(ok_aip + [nla(5, u32(0))]))),
     ('missing family', A(nla(I_ADDR, v4), nla(I_CIDR, u8(24)))),
     ('missing address', A(nla(I_FAM, u16(2)), nla(I_CIDR, u8(24)))),
     # a bad element deep in a big request: nothing before it applied
     ('bad entry after 2000 good ones', P(nest(P_AIPS, [aip(2, struct.pack('!I', 0x0b000000 + (i << 8)), 24)
                                                      for i in range(2000)] + [aip(2, v4, 33)]))),
     ('bad peer after 200 good ones', [ifname(dev), peers(*([peer(k()) for _ in range(200)] +
                                                          [peer(k(), nla(P_EP, b'\2'))]))]),
     ('unknown ifindex', [nla(A_IFINDEX, u32(999999))]),
    ]
    for name, attrs in cases:
        res.append(run(name, attrs, None, None))
    # A failed dump start: the kernel's dump path does not pass our extack
    # message back on every kernel, so only the error is checked.
    res += [run('GET both ifindex and ifname', [ifname(dev), nla(A_IFINDEX, u32(1))], -22, '', GET),
            run('GET unknown device', [ifname('nosuchdev1')], -19, '', GET),
            run('GET non-wg device', [ifname('lo')], -95, '', GET)]
    # update-only for an unknown peer: silently nothing (WireGuard's
    # semantics), no peer created
    res.append(run('update-only unknown peer is a no-op', P(nla(P_FLAGS, u32(4)), nest(P_AIPS, [aip(2, v4, 24)])), 0, ''))

# removing a missing peer together with REPLACE_PEERS + other peers: still rejected
res.append(run('remove missing in batch', [ifname(dev), peers(peer(good), peer(k(), nla(P_FLAGS, u32(1))))], -2, 'peer to remove'))
# creating then removing the same new peer in one request is fine
res.append(run('create+remove same new peer', [ifname(dev), peers(peer(good), peer(good, nla(P_FLAGS, u32(1))))], 0, ''))
# zero-length private key removes it
res.append(run('empty private key', [ifname(dev), nla(A_PRIV, b'')], 0, ''))
print('good-key', base64.b64encode(good).decode())
sys.exit(0 if all(res) else 1)
