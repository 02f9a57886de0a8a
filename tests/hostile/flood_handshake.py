#!/usr/bin/env python3
"""Handshake-initiation flood against a WireGuard listen port
(tests/cases/handshake-flood.sh).

  flood_handshake.py [--rate=N] DADDR PORT RESPONDER_PUBKEY_B64 SECONDS SRC...

From one UDP socket per source address SRC, sends initiations to
DADDR:PORT for SECONDS, or until SIGTERM, at most 10000 a second so the
flood lasts as long as it is meant to whatever the machine's speed. They
carry a valid mac1 (keyed with the responder's public key, whitepaper
5.4.4) but random ephemeral, static and timestamp fields, so the
responder pays for a Curve25519 operation and then rejects them. Cookie
replies are caught and decrypted; from then on that source's
initiations also carry a valid mac2, as a real peer's would, so the
responder's per-source ratelimiter, not the cookie, is what stops them.

--rate=N paces the whole flood to N messages a second instead: with a
low N, a trickle of forged initiations that does not put the responder
under load.

Prints one JSON line: sent, cookie_replies, cookies_valid.
"""
import base64
import hashlib
import json
import os
import signal
import socket
import struct
import sys
import time

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

MSGS_PER_SOURCE = 8
MAX_RATE = 10000.0


def blake2s(data, key=b"", size=32):
    return hashlib.blake2s(data, key=key, digest_size=size).digest()


def rotl(v, n):
    return ((v << n) | (v >> (32 - n))) & 0xFFFFFFFF


def hchacha20(key, nonce16):
    """The XChaCha20 subkey (draft-irtf-cfrg-xchacha, section 2.2)."""
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    s += list(struct.unpack("<8L", key)) + list(struct.unpack("<4L", nonce16))

    def qr(a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF
        s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF
        s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF
        s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF
        s[b] = rotl(s[b] ^ s[c], 7)

    for _ in range(10):
        qr(0, 4, 8, 12), qr(1, 5, 9, 13), qr(2, 6, 10, 14), qr(3, 7, 11, 15)
        qr(0, 5, 10, 15), qr(1, 6, 11, 12), qr(2, 7, 8, 13), qr(3, 4, 9, 14)
    return struct.pack("<8L", *(s[0:4] + s[12:16]))


def xchacha_open(key, nonce24, ct, ad):
    sub = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(sub).decrypt(b"\0" * 4 + nonce24[16:], ct, ad)


class Source:
    def __init__(self, addr, mac1_key):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((addr, 0))
        self.sock.setblocking(False)
        self.cookie = None
        self.msgs = []
        for _ in range(MSGS_PER_SOURCE):
            body = struct.pack("<L", 1) + os.urandom(4 + 32 + 48 + 28)
            self.msgs.append(body + blake2s(body, mac1_key, 16))
        self.by_index = {m[4:8]: m[116:132] for m in self.msgs}
        self.wire = [m + b"\0" * 16 for m in self.msgs]

    def take_cookie(self, cookie):
        self.cookie = cookie
        self.wire = [m + blake2s(m, cookie, 16) for m in self.msgs]


def main():
    args = sys.argv[1:]
    rate = MAX_RATE
    if args and args[0].startswith("--rate="):
        rate = float(args.pop(0).split("=", 1)[1])
    daddr, port, pub_b64, seconds = args[:4]
    pub = base64.b64decode(pub_b64)
    mac1_key = blake2s(b"mac1----" + pub)
    cookie_key = blake2s(b"cookie--" + pub)
    sources = [Source(a, mac1_key) for a in args[4:]]
    dest = (daddr, int(port))
    sent = replies = valid = 0
    start = time.monotonic()
    end = start + float(seconds)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    i = 0
    while time.monotonic() < end and not stop:
        if sent > (time.monotonic() - start) * rate:
            time.sleep(0.005)
            continue
        for src in sources:
            try:
                src.sock.sendto(src.wire[i % MSGS_PER_SOURCE], dest)
                sent += 1
            except BlockingIOError:
                pass
            try:
                reply = src.sock.recv(128)
            except BlockingIOError:
                continue
            if len(reply) != 64 or reply[0] != 3:
                continue
            replies += 1
            mac1 = src.by_index.get(reply[4:8])
            if mac1 is None:
                continue
            try:
                cookie = xchacha_open(cookie_key, reply[8:32], reply[32:64],
                                      mac1)
            except Exception:
                continue
            valid += 1
            src.take_cookie(cookie)
        i += 1
    print(json.dumps({"sent": sent, "cookie_replies": replies,
                      "cookies_valid": valid}))


if __name__ == "__main__":
    main()
