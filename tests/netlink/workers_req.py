#!/usr/bin/env python3
# usage: workers_req.py IFNAME
# Sends the wg-inline-ext family SET_DEVICE requests with worker CPU sets
# that wgaff would never send (no CPU, not whole words, too long, a CPU
# the machine cannot have) and checks that each is refused with an
# extack message. Prints one line per request; exit status 1 on a miss.
import os, struct, sys
sys.path.insert(0, os.path.dirname(__file__))
from genl import Genl, nla, ifname

EXT_SET_DEVICE = 4
A_WORKER_CPUS = 17
MAX_LEN = 1024


def words(*ws):
    return b''.join(struct.pack('I', w) for w in ws)


def high_cpu():
    # The first CPU number the kernel cannot have: nr_cpu_ids, one past
    # the last possible CPU.
    last = open('/sys/devices/system/cpu/possible').read().strip()
    n = int(last.replace(',', '-').split('-')[-1]) + 1
    if n > MAX_LEN * 8 - 1:
        return None
    w = [0] * (n // 32 + 1)
    w[n // 32] = 1 << (n % 32)
    return words(*w)


g = Genl()
fid = g.family('wg-inline-ext')
dev = sys.argv[1]
cases = [
    ('no CPU', words(0), 'worker CPU set is empty'),
    ('no CPU, many words', words(0, 0, 0, 0), 'worker CPU set is empty'),
    ('3 bytes', b'\x01\x00\x00', 'whole 32-bit words'),
    ('no bytes', b'', 'whole 32-bit words'),
    ('longer than the limit', words(1) * (MAX_LEN // 4 + 1), ''),
]
hc = high_cpu()
if hc is not None:
    cases.append(('CPU nr_cpu_ids', hc, 'does not have'))
ok = True
for name, data, want in cases:
    err, msg, _ = g.request(fid, EXT_SET_DEVICE, [ifname(dev), nla(A_WORKER_CPUS, data)])
    good = err < 0 and msg != '' and want in msg
    print('%s %-28s err=%d msg=%r' % ('ok:' if good else 'BAD:', name, err, msg))
    ok = ok and good
sys.exit(0 if ok else 1)
