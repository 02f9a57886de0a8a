#!/usr/bin/env python3
"""Logs the WireGuard messages a host sends, with the session each data
message belongs to (tests/cases/nonce-reject-limit.sh).

  log_sent_keys.py IFACE PORT READY_FILE OUT_FILE

Watches IFACE with a packet socket until SIGTERM and writes one line per
outgoing IPv4 UDP datagram from source PORT that carries a WireGuard
message: "TYPE INDEX COUNTER". For a data message (type 4, whitepaper
5.4.6) INDEX is its receiver index (the session it was sealed with) and
COUNTER its cleartext nonce; for the other types INDEX is the sender
index and COUNTER 0. Writes READY_FILE once it is watching. On SIGTERM
it appends "# lost N", the frames the kernel could not queue to the
socket (PACKET_STATISTICS), so that the caller knows whether the log is
complete.

Unlike sniff.watch, it asks for a large receive buffer: a sender that
wrongly keeps sending puts thousands of messages on the wire at once.
"""
import signal
import socket
import struct
import sys
import time

from sniff import ETH_P_ALL, PACKET_OUTGOING, udp4

SO_RCVBUFFORCE = 33
SOL_PACKET = 263
PACKET_STATISTICS = 6
DATA_TYPE = 4
DATA_HEADER_LEN = 16


def wg_message(payload):
    """(type, index, counter) of a WireGuard message, else None."""
    if len(payload) < 8 or payload[0] not in (1, 2, 3, DATA_TYPE) or \
            payload[1:4] != b"\0\0\0":
        return None
    index = struct.unpack("<I", payload[4:8])[0]
    if payload[0] != DATA_TYPE:
        return payload[0], index, 0
    if len(payload) < DATA_HEADER_LEN:
        return None
    return DATA_TYPE, index, struct.unpack("<Q", payload[8:16])[0]


def main():
    iface, port, ready, out = sys.argv[1:5]
    port = int(port)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_ALL))
    # Not capped by net.core.rmem_max (root only).
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
    sock.bind((iface, 0))
    sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)  # resets the counts
    sock.settimeout(0.1)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(time.monotonic()))
    with open(out, "w") as f:
        open(ready, "w").close()
        # Told to stop, it still reads what is queued: until the link has
        # been quiet for 0.1 s, for at most 2 s.
        while not stop or time.monotonic() < stop[0] + 2:
            try:
                frame, addr = sock.recvfrom(65535)
            except socket.timeout:
                if stop:
                    break
                continue
            if addr[2] != PACKET_OUTGOING:
                continue
            udp = udp4(frame)
            if not udp or udp[0] != port:
                continue
            msg = wg_message(udp[2])
            if msg:
                print("%d %d %d" % msg, file=f, flush=True)
        _, lost = struct.unpack("II", sock.getsockopt(SOL_PACKET,
                                                      PACKET_STATISTICS, 8))
        print("# lost %d" % lost, file=f, flush=True)


if __name__ == "__main__":
    main()
