#!/usr/bin/env python3
"""Logs the WireGuard messages a host sends
(tests/cases/rekey-after-messages.sh).

  log_sent_messages.py IFACE PORT READY_FILE OUT_FILE

Watches IFACE with a packet socket until SIGTERM and writes one line per
outgoing IPv4 UDP datagram from source PORT that carries a WireGuard
message: "TYPE COUNTER", where COUNTER is a data message's cleartext
nonce (type 4, whitepaper 5.4.6) and 0 for the handshake types. Writes
READY_FILE once it is watching.
"""
import struct
import sys

from sniff import udp4, watch

DATA_TYPE = 4
DATA_HEADER_LEN = 16


def wg_message(payload):
    """(type, counter) of a WireGuard message, else None."""
    if len(payload) < 4 or payload[0] not in (1, 2, 3, DATA_TYPE):
        return None
    if payload[0] != DATA_TYPE:
        return payload[0], 0
    if len(payload) < DATA_HEADER_LEN:
        return None
    return DATA_TYPE, struct.unpack("<Q", payload[8:16])[0]


def main():
    iface, port, ready, out = sys.argv[1:5]
    port = int(port)
    with open(out, "w") as f:
        def log(frame, outgoing):
            udp = udp4(frame)
            if not outgoing or not udp or udp[0] != port:
                return
            msg = wg_message(udp[2])
            if msg:
                print("%d %d" % msg, file=f, flush=True)

        watch(iface, ready, log)


if __name__ == "__main__":
    main()
