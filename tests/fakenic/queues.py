#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel's queue -> NAPI -> IRQ links of one device, read from the
netdev generic netlink family (6.8 and later), one line per queue:

  queues.py IFINDEX  ->  "rx|tx QUEUE napi NAPI_ID irq IRQ"
"""
import socket
import struct
import sys

NLM_F_REQUEST, NLM_F_DUMP, NLMSG_DONE, NLMSG_ERROR = 1, 0x300, 3, 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
QUEUE_GET, NAPI_GET = 10, 11
Q_ID, Q_IFINDEX, Q_TYPE, Q_NAPI = 1, 2, 3, 4
N_IFINDEX, N_ID, N_IRQ = 1, 2, 3


def attr(kind, data):
    a = struct.pack("=HH", 4 + len(data), kind) + data
    return a + b"\0" * (-len(a) % 4)


def attrs(buf):
    out, off = {}, 0
    while off + 4 <= len(buf):
        ln, kind = struct.unpack_from("=HH", buf, off)
        out[kind & 0x3FFF] = buf[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


def request(s, family, cmd, payload, flags):
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    s.send(struct.pack("=IHHII", 16 + len(body), family, NLM_F_REQUEST | flags, 1, 0) + body)
    msgs = []
    while True:
        data = s.recv(65536)
        off = 0
        while off < len(data):
            ln, kind = struct.unpack_from("=IH", data, off)
            if kind == NLMSG_DONE:
                return msgs
            if kind == NLMSG_ERROR:
                err = struct.unpack_from("=i", data, off + 16)[0]
                if err:
                    sys.exit("netlink error %d" % err)
                return msgs
            msgs.append(attrs(data[off + 20:off + ln]))
            off += (ln + 3) & ~3
        if not flags & NLM_F_DUMP:
            return msgs


def main(ifindex):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    fam = request(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                  attr(CTRL_ATTR_FAMILY_NAME, b"netdev\0"), 0)
    family = struct.unpack("=H", fam[0][CTRL_ATTR_FAMILY_ID][:2])[0]
    idx = struct.pack("=I", ifindex)
    irq = {}
    for m in request(s, family, NAPI_GET, attr(N_IFINDEX, idx), NLM_F_DUMP):
        if N_IRQ in m:
            irq[struct.unpack("=I", m[N_ID])[0]] = struct.unpack("=i", m[N_IRQ])[0]
    for m in request(s, family, QUEUE_GET, attr(Q_IFINDEX, idx), NLM_F_DUMP):
        napi = struct.unpack("=I", m[Q_NAPI])[0] if Q_NAPI in m else 0
        print("%s %d napi %d irq %s" % (
            ("rx", "tx")[struct.unpack("=I", m[Q_TYPE])[0]],
            struct.unpack("=I", m[Q_ID])[0], napi, irq.get(napi, "none")))


if __name__ == "__main__":
    main(int(sys.argv[1]))
