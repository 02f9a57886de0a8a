#!/usr/bin/env python3
"""Counts WireGuard cookie replies arriving at a host
(tests/cases/handshake-flood.sh).

  count_cookie_replies.py IFACE PORT READY_FILE

Watches IFACE with a packet socket until SIGTERM and counts IPv4 UDP
datagrams to PORT whose payload is a cookie reply (type 3, 64 bytes,
whitepaper 5.4.7); writes READY_FILE once it is watching, and prints the
count when it is told to stop.
"""
import sys

from sniff import udp4, watch

COOKIE_REPLY_TYPE = 3
COOKIE_REPLY_LEN = 64


def main():
    iface, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seen = [0]

    def count(frame, outgoing):
        udp = udp4(frame)
        if outgoing or not udp:
            return
        _, dport, payload = udp
        if (dport == port and len(payload) == COOKIE_REPLY_LEN and
                payload[0] == COOKIE_REPLY_TYPE):
            seen[0] += 1

    watch(iface, ready, count)
    print(seen[0])


if __name__ == "__main__":
    main()
