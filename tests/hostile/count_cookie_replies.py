#!/usr/bin/env python3
"""Counts WireGuard cookie replies arriving at a host
(tests/cases/handshake-flood.sh).

  count_cookie_replies.py IFACE PORT READY_FILE

Watches IFACE with a packet socket until SIGTERM and counts IPv4 UDP
datagrams to PORT whose payload is a cookie reply (type 3, 64 bytes,
whitepaper 5.4.7); writes READY_FILE once it is watching, and prints the
count when it is told to stop. It only observes: the datagrams still
reach the module, which consumes them.
"""
import signal
import socket
import struct
import sys

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
COOKIE_REPLY_TYPE = 3
COOKIE_REPLY_LEN = 64


def is_cookie_reply(frame, port):
    if len(frame) < 14 + 20 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return False
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[9] != socket.IPPROTO_UDP or len(ip) < ihl + 8:
        return False
    udp = ip[ihl:]
    dport, ulen = struct.unpack("!2xHH", udp[:6])
    payload = udp[8:ulen]
    return (dport == port and len(payload) == COOKIE_REPLY_LEN and
            payload[0] == COOKIE_REPLY_TYPE)


def main():
    iface, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    sock.settimeout(0.1)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    open(ready, "w").close()
    seen = 0
    while not stop:
        try:
            frame, addr = sock.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] != PACKET_OUTGOING and is_cookie_reply(frame, port):
            seen += 1
    print(seen)


if __name__ == "__main__":
    main()
