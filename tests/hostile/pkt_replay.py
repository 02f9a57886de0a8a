#!/usr/bin/env python3
"""Capture one WireGuard data message leaving IFACE and send it again
from another UDP source port, unchanged (a replay) and/or with one
ciphertext byte flipped (a forgery). Neither is authentic, so neither may
move the receiver's idea of where the peer is.

  pkt_replay.py IFACE DST_ADDR DST_PORT SRC_PORT MODES [TIMEOUT]

MODES is a comma-separated list of "replay" and "forge"; each sends three
copies.

Prints what it sent; exits 1 if no data message was seen in TIMEOUT s.
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
WG_DATA = 4
WG_DATA_MIN = 32  # header 16 + tag 16


def udp_payload(frame):
    """(dst_port, payload) of a UDP frame over IPv4/IPv6, else None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800 and len(ip) >= 20 and ip[9] == 17:
        ihl = (ip[0] & 0xF) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        udp = ip[ihl:tot]
    elif ethertype == 0x86DD and len(ip) >= 40 and ip[6] == 17:
        plen = struct.unpack("!H", ip[4:6])[0]
        udp = ip[40:40 + plen]
    else:
        return None
    if len(udp) < 8:
        return None
    return struct.unpack("!H", udp[2:4])[0], bytes(udp[8:])


def main():
    iface, daddr, dport, sport, mode = sys.argv[1:6]
    timeout = float(sys.argv[6]) if len(sys.argv) > 6 else 10
    dport, sport = int(dport), int(sport)

    cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                        socket.htons(ETH_P_ALL))
    cap.bind((iface, 0))
    cap.settimeout(0.5)
    deadline = time.monotonic() + timeout
    msg = None
    while msg is None and time.monotonic() < deadline:
        try:
            frame, addr = cap.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] != socket.PACKET_OUTGOING:
            continue
        got = udp_payload(frame)
        if got and got[0] == dport and len(got[1]) >= WG_DATA_MIN and \
                got[1][0] == WG_DATA:
            msg = bytearray(got[1])
    cap.close()
    if msg is None:
        print("no data message seen on", iface)
        return 1
    fam = socket.AF_INET6 if ":" in daddr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
    for mode in mode.split(","):
        out = bytearray(msg)
        if mode == "forge":
            out[-1] ^= 0x80  # in the Poly1305 tag
        elif mode != "replay":
            print("unknown mode", mode)
            return 2
        for _ in range(3):
            s.sendto(bytes(out), (daddr, dport))
        print(f"sent {mode} of a {len(out)}-byte data message "
              f"from port {sport}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
