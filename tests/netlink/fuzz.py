#!/usr/bin/env python3
# usage: fuzz.py SEED REQUESTS MODEL_DEV CHAOS_DEV NCPUS model|chaos
# A netlink fuzzer for both generic netlink families (netlink-fuzz.sh).
#
# Two streams, one per process (the last argument): netlink-fuzz.sh runs
# both at once, so that requests to the two devices also race in the
# kernel and the run uses both of the guest's CPUs.
#  - on CHAOS_DEV, random and mutated requests of every command of both
#    families: valid requests with bytes flipped, attributes retyped,
#    resized, duplicated, dropped or nested deeper, messages truncated,
#    huge peer and allowed-IP counts, random commands and versions, and
#    dumps read a little at a time while the other requests change the
#    device. A refusal of a SET must carry an extack message (the dump
#    path of 6.1 drops our message on a failed dump start: GET is
#    checked for an answer only); every request gets an answer.
#  - on MODEL_DEV, valid requests built from a model of the device
#    (keys, port, fwmark, peers with PSK, endpoint, keepalive, allowed
#    IPs; each tunnel's mode and core), a share of them spoiled by one
#    bad element that must make the kernel refuse the whole request:
#    valid ones must be accepted, spoiled ones refused with a message,
#    and at the end (and every CHECK_EVERY requests) the device, read
#    back through wgaff, must equal the model.
# Exit status 1 on any failed promise; the last line is a summary.
import base64, json, os, random, socket, struct, subprocess, sys, time
sys.path.insert(0, os.path.dirname(__file__))
from genl import *

seed, total, mdev, cdev, ncpus = (int(sys.argv[1]), int(sys.argv[2]),
                                  sys.argv[3], sys.argv[4], int(sys.argv[5]))
part = sys.argv[6] if len(sys.argv) > 6 else ''
if part not in ('model', 'chaos'):
    sys.exit('fuzz.py: the stream must be model or chaos, not %r' % part)
rnd = random.Random(seed)
WGAFF = os.environ.get('WGAFF', 'wgaff')
CHECK_EVERY = 2000
GET, SET = 0, 1
EXT_GET_TUNNEL, EXT_SET_TUNNEL, EXT_GET_DEVICE, EXT_SET_DEVICE = 1, 2, 3, 4
X_IFNAME, X_PUB, X_MODE, X_CORE, X_DEFAULT_MODE, X_WORKERS = 2, 3, 5, 6, 11, 17
X_STEER, X_STEER_LAN, X_LAN_IFINDEX = 18, 19, 1
CORE_NONE = 0xffffffff
NLM_F_DUMP = 0x300
F_REMOVE, F_REPLACE_AIPS, F_UPDATE_ONLY = 1, 2, 4

g = Genl()
wg_fid = g.family('wg-inline')
ext_fid = g.family('wg-inline-ext')
stats = {'requests': 0, 'refused': 0, 'accepted': 0, 'no_message': 0,
         'model_refused': 0, 'model_checks': 0, 'dump_msgs': 0}
failures = []


def fail(what):
    failures.append(what)
    print('BAD:', what)
    if len(failures) > 20:
        sys.exit('too many failures')


# ---- the model device: a pool of keys and prefixes to draw from
KEYS = [bytes([i + 1]) * 31 + b'\x40' for i in range(8)]   # peer public keys
V4 = ['10.%d.%d.0' % (a, b) for a in range(4) for b in range(4)]
V6 = ['fd00:%x::' % a for a in range(8)]


def clamp(k):
    k = bytearray(k)
    k[0] &= 248
    k[31] = (k[31] & 127) | 64
    return bytes(k)


def mask(fam, addr, cidr):
    raw = socket.inet_pton(fam, addr)
    n = int.from_bytes(raw, 'big')
    bits = len(raw) * 8
    n &= ((1 << bits) - 1) ^ ((1 << (bits - cidr)) - 1)
    return socket.inet_ntop(fam, n.to_bytes(len(raw), 'big')) + '/%d' % cidr


class Model:
    def __init__(self):
        self.priv = None
        self.fwmark = 0
        self.peers = {}   # key -> dict(psk, ep, ka, mode, core)
        self.aips = {}    # prefix -> key (a prefix maps to one peer)

    def peer_aips(self, key):
        return sorted(p for p, k in self.aips.items() if k == key)

    def clone(self):
        """A copy to apply a request to (copy.deepcopy took half the
        stream's time under TCG); the values inside are immutable."""
        m = Model()
        m.priv, m.fwmark, m.aips = self.priv, self.fwmark, dict(self.aips)
        m.peers = {k: dict(p) for k, p in self.peers.items()}
        return m


model = Model()


def rand_prefix():
    if rnd.random() < 0.7:
        return socket.AF_INET, rnd.choice(V4), rnd.choice([8, 16, 24, 32])
    return socket.AF_INET6, rnd.choice(V6), rnd.choice([16, 32, 64, 128])


def aip_attr(fam, addr, cidr, flags=None):
    return aip(fam, socket.inet_pton(fam, addr), cidr, flags)


def new_peer():
    return {'psk': bytes(32), 'ep': None, 'ka': 0, 'mode': 'inline', 'core': None}


def drop_aips(m, key):
    for pre in [x for x, k in m.aips.items() if k == key]:
        del m.aips[pre]


def model_peer_entry(m):
    """One valid peer entry; applies it to @m, the model to be."""
    key = rnd.choice(KEYS)
    if key in m.peers and rnd.random() < 0.15:
        del m.peers[key]
        drop_aips(m, key)
        return peer(key, nla(P_FLAGS, u32(F_REMOVE)))
    parts, flags, upd = [], 0, {}
    if rnd.random() < 0.3:
        upd['psk'] = rnd.choice([bytes(32), bytes([rnd.randrange(1, 256)]) * 32])
        parts.append(nla(P_PSK, upd['psk']))
    if rnd.random() < 0.3:
        upd['ka'] = rnd.choice([0, 1, 25, 65535])
        parts.append(nla(P_KA, u16(upd['ka'])))
    if rnd.random() < 0.3:
        port, ip = rnd.randrange(1, 65536), '192.0.2.%d' % rnd.randrange(1, 255)
        parts.append(nla(P_EP, sin(ip, port)))
        upd['ep'] = '%s:%d' % (ip, port)
    replace = rnd.random() < 0.2
    update_only = rnd.random() < 0.1
    flags = (F_REPLACE_AIPS if replace else 0) | (F_UPDATE_ONLY if update_only else 0)
    ops, entries = [], []
    for _ in range(rnd.randrange(0, 5)):
        fam, addr, cidr = rand_prefix()
        remove = rnd.random() < 0.2
        ops.append((remove, mask(fam, addr, cidr)))
        entries.append(aip_attr(fam, addr, cidr, 1 if remove else None))
    if entries or replace:
        parts.append(nest(P_AIPS, entries))
    if flags:
        parts.insert(0, nla(P_FLAGS, u32(flags)))
    if update_only and key not in m.peers:
        return peer(key, *parts)     # WireGuard's semantics: nothing at all
    m.peers.setdefault(key, new_peer()).update(upd)
    if replace:
        drop_aips(m, key)
    for remove, pre in ops:
        if not remove:
            m.aips[pre] = key
        elif m.aips.get(pre) == key:
            del m.aips[pre]
    return peer(key, *parts)


def spoiled_peer():
    """A peer entry the kernel must refuse."""
    return rnd.choice([
        peer(rnd.choice(KEYS), nest(P_AIPS, [aip(2, socket.inet_aton('10.0.0.0'), 33)])),
        peer(rnd.choice(KEYS), nla(P_EP, b'\x02\x00' + b'\0' * 6)),
        peer(bytes([0xee]) * 32, nla(P_FLAGS, u32(F_REMOVE))),   # not there
        peer(rnd.choice(KEYS), nla(P_FLAGS, u32(8))),
        nest(0, [nla(P_KA, u16(5))]),                             # no key
    ])


def model_wg_request(m):
    attrs = [ifname(mdev)]
    if rnd.random() < 0.1:
        k = os.urandom(32)
        attrs.append(nla(A_PRIV, k))
        m.priv = clamp(k)
    if rnd.random() < 0.1:
        m.fwmark = rnd.choice([0, 1, 0xffffffff, rnd.randrange(1 << 32)])
        attrs.append(nla(A_FWMARK, u32(m.fwmark)))
    if rnd.random() < 0.03:
        attrs.append(nla(A_FLAGS, u32(1)))   # replace peers
        m.peers.clear()
        m.aips.clear()
    entries = [model_peer_entry(m) for _ in range(rnd.randrange(0, 4))]
    spoil = rnd.random() < 0.1
    if spoil:
        entries.insert(rnd.randrange(len(entries) + 1), spoiled_peer())
    if entries:
        attrs.append(peers(*entries))
    return attrs, spoil


def model_ext_request(m):
    if not m.peers:
        return None
    key = rnd.choice(list(m.peers))
    attrs, p = [ifname(mdev), nla(X_PUB, key)], m.peers[key]
    if rnd.random() < 0.5:
        mode = rnd.randrange(2)
        attrs.append(nla(X_MODE, u8(mode)))
        p['mode'] = ['inline', 'parallel'][mode]
    if rnd.random() < 0.6 or len(attrs) == 2:
        core = rnd.choice(list(range(ncpus)) + [CORE_NONE])
        attrs.append(nla(X_CORE, u32(core)))
        p['core'] = None if core == CORE_NONE else core
    spoil = rnd.random() < 0.1
    if spoil:
        attrs.append(rnd.choice([nla(X_CORE, u32(ncpus + 100)),
                                 nla(X_MODE, u8(77))]))
    return attrs, spoil


def model_step():
    global model
    m = model.clone()
    req = model_ext_request(m) if rnd.random() < 0.25 else None
    if req:
        fid, cmd, what = ext_fid, EXT_SET_TUNNEL, 'ext SET_TUNNEL'
    else:
        req = model_wg_request(m)
        fid, cmd, what = wg_fid, SET, 'SET_DEVICE'
    attrs, spoil = req
    err, msg, _ = g.request(fid, cmd, attrs)
    judge_model(err, msg, spoil, what)
    if not err:
        model = m


def judge_model(err, msg, spoil, what):
    stats['requests'] += 1
    if spoil and not err:
        fail('model %s: a spoiled request was accepted' % what)
    elif spoil and not msg:
        fail('model %s: refused (%d) without a message' % (what, err))
    elif not spoil and err:
        fail('model %s: a valid request was refused: %d %r' % (what, err, msg))
    if spoil:
        stats['model_refused'] += 1


def read_back():
    dump = subprocess.run([WGAFF, 'show', mdev, 'dump'], capture_output=True,
                          text=True, check=True).stdout.splitlines()
    js = json.loads(subprocess.run([WGAFF, 'show', mdev, '-j'], capture_output=True,
                                   text=True, check=True).stdout)[0]
    return dump, {p['public_key']: p for p in js['peers']}


def check_model():
    stats['model_checks'] += 1
    dump, ext = read_back()
    priv, _pub, _port, fwmark = dump[0].split('\t')
    want_priv = base64.b64encode(model.priv).decode() if model.priv else '(none)'
    if priv != want_priv:
        fail('model: private key %s, want %s' % (priv, want_priv))
    if fwmark != ('off' if not model.fwmark else '0x%x' % model.fwmark):
        fail('model: fwmark %s, want 0x%x' % (fwmark, model.fwmark))
    got = {}
    for line in dump[1:]:
        key, psk, ep, aips, _hs, _rx, _tx, ka = line.split('\t')
        got[key] = (psk, ep, sorted(aips.split(',')) if aips != '(none)' else [], ka)
    want = {}
    for key, p in model.peers.items():
        b = base64.b64encode(key).decode()
        psk = base64.b64encode(p['psk']).decode() if any(p['psk']) else '(none)'
        want[b] = (psk, p['ep'] or '(none)', model.peer_aips(key),
                   str(p['ka']) if p['ka'] else 'off')
        e = ext.get(b)
        if not e or e['mode'] != p['mode'] or e['core'] != p['core']:
            fail('model: tunnel %s ext %r, want mode %s core %s' %
                 (b, e and (e['mode'], e['core']), p['mode'], p['core']))
    if got != want:
        for k in set(got) | set(want):
            if got.get(k) != want.get(k):
                fail('model: peer %s is %r, want %r' % (k, got.get(k), want.get(k)))


# ---- the chaos device: valid requests, then mutated
# One IPv4 allowed-IP entry in a single pack: the same bytes as
# genl.aip(2, addr, cidr), for the huge counts (300 per peer) that made
# building requests the chaos stream's main cost.
AIP4 = struct.Struct('=HH HHH2x HH4s HHB3x')


def aip4_raw(addr32, cidr):
    return AIP4.pack(AIP4.size, F_NESTED, 6, I_FAM, 2, 8, I_ADDR,
                     addr32.to_bytes(4, 'big'), 5, I_CIDR, cidr)


def any_key():
    return rnd.choice(KEYS + [os.urandom(32), bytes(32)])


def chaos_valid():
    """A plausible request of either family, as (family, cmd, attrs, flags)."""
    r = rnd.random()
    if r < 0.55:
        ps = []
        npeers = rnd.choice([0, 1, 2, 3, 50])
        for _ in range(npeers):
            parts = [nla(P_FLAGS, u32(rnd.choice([0, 1, 2, 4, 6])))]
            if rnd.random() < 0.5:
                parts.append(nla(P_EP, sin('192.0.2.%d' % rnd.randrange(1, 255),
                                           rnd.randrange(65536))))
            # Huge counts, within what one attribute (64 KiB) can hold.
            n = rnd.choice([0, 1, 4] + ([300] if npeers < 4 else []))
            parts.append(nest(P_AIPS, [aip4_raw(rnd.getrandbits(32), rnd.randrange(33))
                                       for _ in range(n)]))
            ps.append(peer(any_key(), *parts))
        attrs = [ifname(cdev)]
        if rnd.random() < 0.2:
            attrs.append(nla(A_PRIV, os.urandom(32)))
        if rnd.random() < 0.2:
            attrs.append(nla(A_PORT, u16(rnd.randrange(65536))))
        if rnd.random() < 0.1:
            attrs.append(nla(A_FLAGS, u32(1)))
        attrs.append(peers(*ps))
        return wg_fid, SET, attrs, 0
    if r < 0.65:
        return wg_fid, GET, [ifname(cdev)], NLM_F_DUMP
    if r < 0.8:
        return ext_fid, EXT_SET_TUNNEL, [ifname(cdev), nla(X_PUB, any_key()),
                                         nla(X_MODE, u8(rnd.randrange(3))),
                                         nla(X_CORE, u32(rnd.choice([0, 1, ncpus, CORE_NONE])))], 0
    if r < 0.88:
        return ext_fid, EXT_GET_TUNNEL, [ifname(cdev)], NLM_F_DUMP
    if r < 0.91:
        return ext_fid, EXT_SET_DEVICE, [ifname(cdev), nla(X_DEFAULT_MODE, u8(rnd.randrange(3))),
                                         nla(X_WORKERS, u32(rnd.randrange(1, 4)))], 0
    if r < 0.94:   # steering: lo (1), other ifindexes, unknown ones, repeats
        lan = [nla(X_LAN_IFINDEX, u32(rnd.choice([1, 2, 3, 4, 5, 99999])))
               for _ in range(rnd.randrange(10))]
        return ext_fid, EXT_SET_DEVICE, [ifname(cdev), nla(X_STEER, u8(rnd.randrange(4))),
                                         nest(X_STEER_LAN, lan)], 0
    return ext_fid, EXT_GET_DEVICE, [ifname(cdev)], 0


def walk(buf, off=0, end=None, depth=0):
    """Offsets of every attribute header in @buf, nested ones too (up to
    four levels), without copying the buffer."""
    out = []
    end = len(buf) if end is None else end
    while off + 4 <= end and depth < 4:
        l, t = struct.unpack_from('HH', buf, off)
        if l < 4 or off + l > end:
            break
        out.append(off)
        if t & F_NESTED:
            out += walk(buf, off + 4, off + l, depth + 1)
        off += (l + 3) & ~3
    return out


def mutate(attrs):
    buf = bytearray(b''.join(attrs))
    heads = walk(buf)
    for _ in range(rnd.randrange(1, 4)):
        m = rnd.randrange(9)
        if m == 0 and buf:                       # flip bytes
            for _ in range(rnd.randrange(1, 6)):
                buf[rnd.randrange(len(buf))] ^= 1 << rnd.randrange(8)
        elif m == 1 and heads:                   # retype
            o = rnd.choice(heads)
            struct.pack_into('H', buf, o + 2, rnd.randrange(0x10000))
        elif m == 2 and heads:                   # resize (may overrun)
            o = rnd.choice(heads)
            struct.pack_into('H', buf, o, rnd.randrange(0x10000))
        elif m == 3:                             # truncate
            buf = buf[:rnd.randrange(len(buf) + 1)]
        elif m == 4 and heads:                   # duplicate an attribute
            o = rnd.choice(heads)
            l = struct.unpack_from('H', buf, o)[0]
            piece = buf[o:o + ((l + 3) & ~3)]
            buf += piece
        elif m == 5:                             # nest deeper
            inner = bytes(buf)
            for _ in range(rnd.randrange(1, 40)):
                inner = nest(rnd.randrange(12), [inner])
                if len(inner) > 60000:
                    break
            buf = bytearray(inner)
        elif m == 6:                             # garbage attributes
            buf += b''.join(nla(rnd.randrange(0x10000), os.urandom(rnd.randrange(40)))
                            for _ in range(rnd.randrange(1, 5)))
        elif m == 7 and heads:                   # drop an attribute
            o = rnd.choice(heads)
            l = struct.unpack_from('H', buf, o)[0]
            del buf[o:o + ((l + 3) & ~3)]
        elif m == 8:                             # zero-length payloads
            buf += nla(rnd.randrange(20), b'')
        heads = walk(buf)
    return [bytes(buf[:65000])]


def chaos_step():
    fid, cmd, attrs, flags = chaos_valid()
    version = 1
    if rnd.random() < 0.6:
        attrs = mutate(attrs)
    if rnd.random() < 0.03:
        cmd = rnd.randrange(8)
    if rnd.random() < 0.02:
        version = rnd.randrange(256)
    if rnd.random() < 0.05:
        flags ^= NLM_F_DUMP
    if flags & NLM_F_DUMP and rnd.random() < 0.3:
        slow_dump(fid, cmd, attrs)
        return
    try:
        err, msg, rep = g.request(fid, cmd, attrs, version=version, flags=flags)
    except socket.timeout:
        fail('chaos: no answer to cmd %d of family %d' % (cmd, fid))
        return
    stats['requests'] += 1
    stats['dump_msgs'] += len(rep)
    if err:
        stats['refused'] += 1
        ours = cmd in ((SET,) if fid == wg_fid else (EXT_SET_TUNNEL, EXT_SET_DEVICE,
                                                      EXT_GET_DEVICE))
        if ours and not flags & NLM_F_DUMP and not msg and err != -95:
            stats['no_message'] += 1
            fail('chaos: cmd %d family %d refused (%d) without a message: %s' %
                 (cmd, fid, err, b''.join(attrs)[:64].hex()))
    else:
        stats['accepted'] += 1


def slow_dump(fid, cmd, attrs):
    """A dump read one small recv at a time, the model stream going on."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    s.bind((0, 0))
    s.settimeout(30)
    payload = struct.pack('BBH', cmd, 1, 0) + b''.join(attrs)
    s.send(struct.pack('IHHII', 16 + len(payload), fid, 1 | NLM_F_DUMP, 1, 0) + payload)
    stats['requests'] += 1
    done = False
    while not done:
        try:
            data = s.recv(4096)   # one message (or part) per call
        except socket.timeout:
            fail('chaos: a dump stopped answering')
            break
        off = 0
        while off + 16 <= len(data):
            l, t = struct.unpack_from('IH', data, off)
            if l < 16:
                break
            if t in (2, 3):
                done = True
            stats['dump_msgs'] += 1
            off += (l + 3) & ~3
        for _ in range(3):   # change things between the parts of the dump
            chaos_step_nodump()
    s.close()


def chaos_step_nodump():
    fid, cmd, attrs, flags = chaos_valid()
    if flags:
        return
    err, msg, _ = g.request(fid, cmd, mutate(attrs) if rnd.random() < 0.5 else attrs)
    stats['requests'] += 1
    if err:
        stats['refused'] += 1


start = time.time()
step = model_step if part == 'model' else chaos_step
while stats['requests'] < total:
    step()
    if part == 'model' and stats['model_checks'] * CHECK_EVERY < stats['requests']:
        check_model()
if part == 'model':
    check_model()
stats['seconds'] = round(time.time() - start, 1)
print('fuzz: seed %d %s: %s' % (seed, part, ' '.join('%s=%s' % kv for kv in stats.items())))
if part == 'model':
    print('model: %d peers, %d prefixes, key %s' % (len(model.peers), len(model.aips),
                                                     'set' if model.priv else 'none'))
sys.exit(1 if failures else 0)
