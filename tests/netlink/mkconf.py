#!/usr/bin/env python3
# mkconf.py NPEERS AIPS_PER_PEER BIG_AIPS [SEED] > conf
import sys, os, base64, random
n, per, big = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
random.seed(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
b64 = lambda: base64.b64encode(bytes(random.getrandbits(8) for _ in range(32))).decode()
print('[Interface]\nPrivateKey = %s\nListenPort = 51999\nFwMark = 0x1234\n' % b64())
c = 0
for i in range(n):
    print('[Peer]\nPublicKey = %s' % b64())
    if i % 3 == 0:
        print('PresharedKey = %s' % b64())
    cnt = big if i == n // 2 else per
    ips = []
    for j in range(cnt):
        c += 1
        if j % 2:
            ips.append('fd%02x:%x:%x::/96' % (c >> 32 & 0xff, c >> 16 & 0xffff, c & 0xffff))
        else:
            ips.append('10.%d.%d.%d/32' % (c >> 16 & 0xff, c >> 8 & 0xff, c & 0xff))
    if ips:
        print('AllowedIPs = %s' % ', '.join(ips))
    if i % 2 == 0:
        print('Endpoint = 192.0.2.%d:%d' % (i % 250 + 1, 1000 + i))
    elif i % 5 == 1:
        print('Endpoint = [2001:db8::%x]:%d' % (i, 2000 + i))
    if i % 4 == 0:
        print('PersistentKeepalive = %d' % (i % 100 + 1))
    print()
