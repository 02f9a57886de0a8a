"""Watching a link from a test: the shared part of tests/wire/*.py.

Only observes: the datagrams still reach whatever consumes them.
"""
import signal
import socket
import struct

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
PACKET_OUTGOING = 4


def udp4(frame):
    """(source port, destination port, payload) of an IPv4 UDP frame."""
    if len(frame) < 14 + 20 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[9] != socket.IPPROTO_UDP or len(ip) < ihl + 8:
        return None
    sport, dport, ulen = struct.unpack("!HHH", ip[ihl:ihl + 6])
    return sport, dport, ip[ihl + 8:ihl + ulen]


def watch(iface, ready, on_frame):
    """Calls on_frame(frame, outgoing) for every frame on IFACE until
    SIGTERM, having written the READY file once it is watching."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    sock.settimeout(0.1)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    open(ready, "w").close()
    while not stop:
        try:
            frame, addr = sock.recvfrom(65535)
        except socket.timeout:
            continue
        on_frame(frame, addr[2] == PACKET_OUTGOING)
