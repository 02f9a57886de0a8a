#!/usr/bin/env python3
"""Hostile input for a WireGuard listen port (tests/cases/fuzz-udp.sh).

  fuzz_udp.py capture IFACE PORT COUNT FILE [TIMEOUT]
      Sniffs COUNT incoming Ethernet frames on IFACE that carry a non-empty
      WireGuard data message to UDP PORT and stores them in FILE; creates
      FILE.ready once it listens.
  fuzz_udp.py inject IFACE FILE asis|shuffle [SEED]
      Sends the stored frames out of IFACE unchanged (same outer addresses
      and ports as the real sender), in capture order or shuffled.
  fuzz_udp.py flood DADDR PORT COUNT SEED [FILE]
      Sends COUNT malformed datagrams to DADDR:PORT from an ephemeral port:
      random garbage of 0..2000 bytes, every message type with wrong sizes,
      handshake messages of the right size with wrong MACs, cookie replies
      and data messages for unknown receiver indices, and, given FILE, the
      stored data messages replayed and with a flipped ciphertext byte.
      Prints how many it sent of each kind.

Frames in FILE are stored as a 2-byte big-endian length and the frame.
"""
import random
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
MSG_SIZES = {1: 148, 2: 92, 3: 64}
DATA_MIN = 32  # header 16 + tag 16


def wg_payload(frame, port):
    """The UDP payload of an IPv4/IPv6 frame to @port, else None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800 and len(ip) >= 20 and ip[9] == 17:
        ihl = (ip[0] & 0xF) * 4
        udp = ip[ihl:struct.unpack("!H", ip[2:4])[0]]
    elif ethertype == 0x86DD and len(ip) >= 40 and ip[6] == 17:
        udp = ip[40:40 + struct.unpack("!H", ip[4:6])[0]]
    else:
        return None
    if len(udp) < 8 or struct.unpack("!H", udp[2:4])[0] != port:
        return None
    return bytes(udp[8:])


def load(path):
    frames = []
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    while off + 2 <= len(data):
        n = struct.unpack_from("!H", data, off)[0]
        frames.append(data[off + 2:off + 2 + n])
        off += 2 + n
    return frames


def capture(iface, port, count, path, timeout=20.0):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    s.bind((iface, 0))
    s.settimeout(0.5)
    open(path + ".ready", "w").close()
    deadline = time.monotonic() + timeout
    frames = []
    while len(frames) < count and time.monotonic() < deadline:
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        msg = wg_payload(frame, port)
        if msg and len(msg) > DATA_MIN and msg[:4] == b"\x04\0\0\0":
            frames.append(frame)
    with open(path, "wb") as f:
        for fr in frames:
            f.write(struct.pack("!H", len(fr)) + fr)
    print("captured", len(frames), "data frames on", iface)
    return 0 if len(frames) == count else 1


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def fix_udp_csum(frame):
    """Sniffed on a veth, the UDP checksum may be a partial one (the stack
    would finish it in hardware); sent again, it must be complete."""
    fr = bytearray(frame)
    ethertype = struct.unpack("!H", fr[12:14])[0]
    if ethertype == 0x0800:
        ihl = (fr[14] & 0xF) * 4
        u = 14 + ihl
        fr[u + 6:u + 8] = b"\0\0"  # IPv4: no checksum
        return bytes(fr)
    if ethertype == 0x86DD:
        u = 14 + 40
        ulen = struct.unpack("!H", fr[u + 4:u + 6])[0]
        fr[u + 6:u + 8] = b"\0\0"
        pseudo = bytes(fr[22:54]) + struct.pack("!IxxxB", ulen, 17)
        c = csum(pseudo + bytes(fr[u:u + ulen])) or 0xFFFF
        fr[u + 6:u + 8] = struct.pack("!H", c)
    return bytes(fr)


def inject(iface, path, mode, seed=1):
    frames = [fix_udp_csum(f) for f in load(path)]
    if mode == "shuffle":
        random.Random(seed).shuffle(frames)
    elif mode != "asis":
        print("unknown mode", mode)
        return 2
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for fr in frames:
        s.send(fr)
    print("injected", len(frames), "frames", mode)
    return 0


def hostile_messages(rnd, stored):
    """A pool of (kind, datagram)."""
    rb = rnd.randbytes
    pool = []
    for _ in range(300):  # garbage of any length: mostly bad types
        pool.append(("garbage", rb(rnd.randint(0, 2000))))
    for n in range(4):
        pool.append(("too_short", rb(n)))
    for _ in range(50):  # unknown types, or a known type with reserved bits
        t = rnd.choice([0, 5, 6, 0xff, 0x0101, 0x01000004, 0xffffffff])
        pool.append(("bad_type", struct.pack("<I", t) + rb(rnd.randint(0, 200))))
    for t, size in MSG_SIZES.items():  # wrong sizes for each type
        for n in (4, 5, size - 1, size + 1, size + 16, 1500):
            pool.append(("bad_size", struct.pack("<I", t) + rb(n - 4)))
    for n in (4, 16, 31):
        pool.append(("bad_size", struct.pack("<I", 4) + rb(n - 4)))
    for t in (1, 2):  # right size, MACs wrong
        for _ in range(100):
            pool.append(("bad_mac", struct.pack("<I", t) +
                         rb(MSG_SIZES[t] - 4)))
    for _ in range(100):  # cookie replies for nobody
        pool.append(("bad_cookie", struct.pack("<I", 3) + rb(60)))
    for _ in range(200):  # data for receiver indices nobody has
        pool.append(("unknown_index", struct.pack("<I", 4) +
                     rb(rnd.choice([28, 60, 1000]))))
    for msg in stored:
        pool.append(("replay", msg))
        forged = bytearray(msg)
        forged[rnd.randrange(16, len(forged))] ^= 1 << rnd.randrange(8)
        pool.append(("forged", bytes(forged)))
    return pool


def flood(daddr, port, count, seed, path=None):
    rnd = random.Random(seed)
    stored = []
    if path:
        stored = [m for m in (wg_payload(f, port) for f in load(path)) if m]
    pool = hostile_messages(rnd, stored)
    fam = socket.AF_INET6 if ":" in daddr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    dst = (daddr, port)
    sent = {}
    order = [rnd.randrange(len(pool)) for _ in range(4096)]
    t0 = time.monotonic()
    sendto = s.sendto
    i = 0
    while i < count:
        kind, msg = pool[order[i & 4095]]
        try:
            sendto(msg, dst)
        except OSError:  # e.g. ICMP-induced ECONNREFUSED, ENOBUFS
            pass
        sent[kind] = sent.get(kind, 0) + 1
        i += 1
    dt = time.monotonic() - t0
    print("sent %d in %.1f s (%d/s):" % (count, dt, count / max(dt, 1e-3)),
          " ".join("%s=%d" % kv for kv in sorted(sent.items())))
    return 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "capture":
        return capture(args[0], int(args[1]), int(args[2]), args[3],
                       float(args[4]) if len(args) > 4 else 20.0)
    if cmd == "inject":
        return inject(args[0], args[1], args[2],
                      int(args[3]) if len(args) > 3 else 1)
    if cmd == "flood":
        return flood(args[0], int(args[1]), int(args[2]), int(args[3]),
                     args[4] if len(args) > 4 else None)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
