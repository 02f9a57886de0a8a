#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw ETHTOOL_{G,S}RXCLS* ioctls, for tests that need the kernel's exact
errno (ethtool 6.1 prints it but exits 0) or many rules fast.

  rxnfc.py IF ins LOC RING udp4|sctp4|ether [dport=N] [sport=N] [tos=N]
  rxnfc.py IF del LOC
  rxnfc.py IF get LOC          -> "ok RING" or the errno name
  rxnfc.py IF count            -> "RULE_CNT TABLE_SIZE" (GRXCLSRLCNT, GRXCLSRLALL)
  rxnfc.py IF fill N RING      -> udp4 dport=10000+L at locations 0..N-1
  rxnfc.py IF clear            -> deletes every rule (prints how many)
RING -1 is RX_CLS_FLOW_DISC. Prints "ok" or the errno's name.
"""
import ctypes
import errno
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
GRXCLSRLCNT, GRXCLSRULE, GRXCLSRLALL = 0x2E, 0x2F, 0x30
SRXCLSRLDEL, SRXCLSRLINS = 0x31, 0x32
FLOW = {"udp4": 0x02, "sctp4": 0x03, "ether": 0x12}
DISC = 0xFFFFFFFFFFFFFFFF
# struct ethtool_rxnfc (linux/ethtool.h), x86-64 layout
SIZE, FS, H_U, M_U, RING, LOC, RULE_CNT, LOCS = 192, 16, 20, 92, 168, 176, 184, 188


def ioctl(ifname, buf):
    cbuf = ctypes.create_string_buffer(bytes(buf), len(buf))
    ifr = struct.pack("16sP", ifname.encode(), ctypes.addressof(cbuf))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        fcntl.ioctl(s, SIOCETHTOOL, ifr)
        return 0, cbuf.raw
    except OSError as e:
        return e.errno, cbuf.raw
    finally:
        s.close()


def name(err):
    if err == 0:
        return "ok"
    return "ENOTSUPP" if err == 524 else errno.errorcode.get(err, str(err))


def rule(ifname, loc, ring, flow, fields):
    buf = bytearray(SIZE)
    struct.pack_into("=I", buf, 0, SRXCLSRLINS)
    struct.pack_into("=I", buf, FS, FLOW[flow])
    for k, v in fields.items():
        if k in ("sport", "dport"):
            off = {"sport": 8, "dport": 10}[k]
            struct.pack_into("!H", buf, H_U + off, v)
            struct.pack_into("!H", buf, M_U + off, 0xFFFF)
        elif k == "tos":
            struct.pack_into("B", buf, H_U + 12, v)
            struct.pack_into("B", buf, M_U + 12, 0xFF)
        elif k == "proto":   # ether: h_proto at offset 12 of struct ethhdr
            struct.pack_into("!H", buf, H_U + 12, v)
            struct.pack_into("!H", buf, M_U + 12, 0xFFFF)
    struct.pack_into("=Q", buf, RING, DISC if ring < 0 else ring)
    struct.pack_into("=I", buf, LOC, loc)
    return ioctl(ifname, buf)[0]


def main(argv):
    ifname, cmd = argv[1], argv[2]
    if cmd == "ins":
        fields = dict((k, int(v, 0)) for k, v in (a.split("=") for a in argv[6:]))
        print(name(rule(ifname, int(argv[3]), int(argv[4]), argv[5], fields)))
    elif cmd in ("del", "get"):
        buf = bytearray(SIZE)
        struct.pack_into("=I", buf, 0, SRXCLSRLDEL if cmd == "del" else GRXCLSRULE)
        struct.pack_into("=I", buf, LOC, int(argv[3]))
        err, out = ioctl(ifname, buf)
        ring = struct.unpack_from("=Q", out, RING)[0]
        print(name(err) + ("" if err or cmd == "del" else " %d" % (-1 if ring == DISC else ring)))
    elif cmd == "count":
        buf = bytearray(SIZE)
        struct.pack_into("=I", buf, 0, GRXCLSRLCNT)
        err, out = ioctl(ifname, buf)
        cnt = struct.unpack_from("=I", out, RULE_CNT)[0]
        buf = bytearray(SIZE + 4 * cnt)
        struct.pack_into("=I", buf, 0, GRXCLSRLALL)
        struct.pack_into("=I", buf, RULE_CNT, cnt)
        err2, out = ioctl(ifname, buf)
        print(cnt, struct.unpack_from("=Q", out, 8)[0] if not (err or err2) else name(err or err2))
    elif cmd == "fill":
        n, ring = int(argv[3]), int(argv[4])
        ok = sum(rule(ifname, loc, ring, "udp4", {"dport": 10000 + loc}) == 0 for loc in range(n))
        print(ok)
    elif cmd == "clear":
        n = 0
        for loc in range(1024):
            buf = bytearray(SIZE)
            struct.pack_into("=I", buf, 0, SRXCLSRLDEL)
            struct.pack_into("=I", buf, LOC, loc)
            n += ioctl(ifname, buf)[0] == 0
        print(n)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
