#!/usr/bin/env python3
# Raw generic-netlink client for crafting (bad) SET requests in tests.
import socket, struct, sys, os

SOL_NETLINK, NETLINK_EXT_ACK = 270, 11
NLM_F_REQUEST, NLM_F_ACK = 1, 4
F_NESTED = 0x8000

def nla(t, data):
    l = 4 + len(data)
    return struct.pack('HH', l, t) + data + b'\0' * ((4 - l % 4) % 4)

def nest(t, parts):
    return nla(t | F_NESTED, b''.join(parts))

class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        self.s.bind((0, 0))
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.settimeout(30)  # a lost reply fails the test, never hangs it
        self.seq = 1

    def request(self, mtype, cmd, attrs, version=1, flags=0):
        self.seq += 1
        payload = struct.pack('BBH', cmd, version, 0) + b''.join(attrs)
        msg = struct.pack('IHHII', 16 + len(payload), mtype, NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, 0) + payload
        self.s.send(msg)
        replies = []
        while True:
            data = self.s.recv(1 << 20)
            off = 0
            while off < len(data):
                l, t, fl, seq, pid = struct.unpack_from('IHHII', data, off)
                body = data[off + 16: off + l]
                off += (l + 3) & ~3
                if t == 3:  # NLMSG_DONE: a dump that worked
                    return 0, '', replies
                if t == 2:  # NLMSG_ERROR
                    err = struct.unpack_from('i', body)[0]
                    olen = struct.unpack_from('I', body, 4)[0]
                    # the echoed request is padded to 4 bytes
                    tlv = body[4 + (16 if fl & 0x100 else (olen + 3) & ~3):] if fl & 0x200 else b''
                    msg = ''
                    while len(tlv) >= 4:
                        al, at = struct.unpack_from('HH', tlv)
                        if al < 4:
                            break
                        if at == 1:
                            msg = tlv[4:al].rstrip(b'\0').decode()
                        tlv = tlv[(al + 3) & ~3:]
                    return err, msg, replies
                replies.append(body)

    def family(self, name):
        err, msg, rep = self.request(0x10, 3, [nla(2, name.encode() + b'\0')])
        if err:
            raise SystemExit('no family %s: %d' % (name, err))
        b = rep[0][4:]
        while b:
            al, at = struct.unpack_from('HH', b)
            if at == 1:
                return struct.unpack_from('H', b, 4)[0]
            b = b[(al + 3) & ~3:]

# attribute builders
A_IFINDEX, A_IFNAME, A_PRIV, A_PUB, A_FLAGS, A_PORT, A_FWMARK, A_PEERS = range(1, 9)
P_PUB, P_PSK, P_FLAGS, P_EP, P_KA, P_HS, P_RX, P_TX, P_AIPS, P_VER = range(1, 11)
I_FAM, I_ADDR, I_CIDR, I_FLAGS = range(1, 5)

def u16(v): return struct.pack('H', v)
def u32(v): return struct.pack('I', v)
def u8(v): return struct.pack('B', v)
def ifname(n): return nla(A_IFNAME, n.encode() + b'\0')
def sin(ip, port):
    return struct.pack('H', socket.AF_INET) + struct.pack('!H', port) + socket.inet_aton(ip) + b'\0' * 8
def aip(fam, addr, cidr, flags=None):
    parts = [nla(I_FAM, u16(fam)), nla(I_ADDR, addr), nla(I_CIDR, u8(cidr))]
    if flags is not None:
        parts.append(nla(I_FLAGS, u32(flags)))
    return nest(0, parts)
def peer(pub, *parts): return nest(0, [nla(P_PUB, pub)] + list(parts))
def peers(*ps): return nest(A_PEERS, list(ps))
