#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fixed test vectors for the debug module's "noise" and "cookie" self-tests.

Computes, from fixed inputs and independently of the kernel code, what
wg_inline must produce; prints C arrays that are pasted into
wg_inline/selftest_noise.c ("noise") and wg_inline/selftest_cookie.c
("cookie"):

    tests/vectors/noise_vectors.py noise
    tests/vectors/noise_vectors.py cookie

Only Python's hashlib/hmac (BLAKE2s, HMAC) and the cryptography package
(X25519, ChaCha20-Poly1305) are used; HChaCha20, for XChaCha20-Poly1305,
is written out below from draft-irtf-cfrg-xchacha section 2.2.

What is computed, by section of the WireGuard whitepaper
(https://www.wireguard.com/papers/wireguard.pdf):

  noise: for a handshake with and without a preshared key,
    - 5.4.2 the initiation message (mac1 over it per 5.4.4, mac2 zero),
      and the same message with mac2 under a fixed cookie (5.4.4),
    - the responder's chaining key and hash after consuming it,
    - 5.4.3 the response message (with its mac1, mac2 zero),
    - 5.4.5 the initiator's transport keys (the responder's are crosswise).
  cookie (5.4.7): mac1 of a fixed initiation-shaped message for the
    responder's public key, the cookie from a fixed secret and an IPv4
    and an IPv6 source, mac2 under the IPv4 cookie, and both cookie
    replies (XChaCha20-Poly1305 under fixed nonces, mac1 as AD).

The inputs are simple byte patterns, printed too (as in_*); the C side
feeds them to the module, some through its debug-only test hooks
(ephemeral keys, timestamp, session indices, cookie nonce). The session
indices (0x0a0b0c0d initiator, 0x01020304 responder) and the source
addresses (192.0.2.1 and 2001:db8::1, port 51820) are written in the C
files as numbers.
"""
import hashlib
import hmac
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305


def pattern(start, n=32):
    return bytes((start + i) & 0xff for i in range(n))


# ---- Fixed inputs (mirrored as arrays in the C self-tests) ----
STATIC_I = pattern(0x00)        # initiator's static private key
STATIC_R = pattern(0x20)        # responder's static private key
EPHEMERAL_I = pattern(0x40)     # initiator's ephemeral private key
EPHEMERAL_R = pattern(0x60)     # responder's ephemeral private key
PSK = pattern(0x80)             # preshared key (the "psk" case)
COOKIE = pattern(0xa0, 16)      # a cookie the initiator holds (mac2 case)
# TAI64N of 2026-01-01T00:00:00.5Z: 2^62 + 10 + seconds, then nanoseconds.
TIMESTAMP = struct.pack(">QI", (1 << 62) + 10 + 1767225600, 500000000)
INDEX_I = 0x0a0b0c0d            # the initiator's session index (LE on wire)
INDEX_R = 0x01020304            # the responder's

COOKIE_SECRET = pattern(0xb0)   # the responder's cookie secret
SRC4 = bytes([192, 0, 2, 1]) + struct.pack(">H", 51820)
SRC6 = bytes.fromhex("20010db8000000000000000000000001") + \
    struct.pack(">H", 51820)
NONCE4 = pattern(0xd0, 24)      # cookie reply nonces
NONCE6 = pattern(0xe8, 24)
# An initiation-shaped message: type 1, 112 pattern bytes, zero MACs.
COOKIE_MSG = bytes([1, 0, 0, 0]) + pattern(0x04, 112) + bytes(32)

# ---- Primitives (whitepaper 5.4) ----
CONSTRUCTION = b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
IDENTIFIER = b"WireGuard v1 zx2c4 Jason@zx2c4.com"
LABEL_MAC1 = b"mac1----"
LABEL_COOKIE = b"cookie--"


def HASH(data):
    return hashlib.blake2s(data).digest()


def MAC(key, data):
    return hashlib.blake2s(data, key=key, digest_size=16).digest()


def HMAC(key, data):
    return hmac.new(key, data, hashlib.blake2s).digest()


def KDF(n, key, data):
    t0 = HMAC(key, data)
    out, prev = [], b""
    for i in range(1, n + 1):
        prev = HMAC(t0, prev + bytes([i]))
        out.append(prev)
    return out


def DH(priv, pub):
    return X25519PrivateKey.from_private_bytes(priv).exchange(
        X25519PublicKey.from_public_bytes(pub))


def DH_PUB(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key() \
        .public_bytes_raw()


def AEAD(key, counter, plain, ad):
    # 32 zero bits, then the 64-bit little-endian counter.
    nonce = bytes(4) + struct.pack("<Q", counter)
    return ChaCha20Poly1305(key).encrypt(nonce, plain, ad)


def _rotl(v, n):
    return ((v << n) | (v >> (32 - n))) & 0xffffffff


def _quarter(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xffffffff
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xffffffff
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xffffffff
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xffffffff
    s[b] = _rotl(s[b] ^ s[c], 7)


def hchacha20(key, nonce16):
    s = list(struct.unpack("<4I", b"expand 32-byte k")) + \
        list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    for _ in range(10):
        _quarter(s, 0, 4, 8, 12)
        _quarter(s, 1, 5, 9, 13)
        _quarter(s, 2, 6, 10, 14)
        _quarter(s, 3, 7, 11, 15)
        _quarter(s, 0, 5, 10, 15)
        _quarter(s, 1, 6, 11, 12)
        _quarter(s, 2, 7, 8, 13)
        _quarter(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def XAEAD(key, nonce24, plain, ad):
    subkey = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(subkey).encrypt(bytes(4) + nonce24[16:], plain,
                                            ad)


def add_macs(msg, peer_pub, cookie=None):
    """Fills mac1 (and mac2 if a cookie is given) of a handshake message."""
    body = msg[:-32]
    mac1 = MAC(HASH(LABEL_MAC1 + peer_pub), body)
    mac2 = MAC(cookie, body + mac1) if cookie else bytes(16)
    return body + mac1 + mac2


# ---- The handshake (5.4.2, 5.4.3, 5.4.5) ----
def handshake(psk):
    spub_i, spub_r = DH_PUB(STATIC_I), DH_PUB(STATIC_R)
    epub_i, epub_r = DH_PUB(EPHEMERAL_I), DH_PUB(EPHEMERAL_R)
    v = {}

    # Initiator -> responder.
    c = HASH(CONSTRUCTION)
    h = HASH(HASH(c + IDENTIFIER) + spub_r)
    c, = KDF(1, c, epub_i)
    h = HASH(h + epub_i)
    c, k = KDF(2, c, DH(EPHEMERAL_I, spub_r))
    enc_static = AEAD(k, 0, spub_i, h)
    h = HASH(h + enc_static)
    c, k = KDF(2, c, DH(STATIC_I, spub_r))
    enc_time = AEAD(k, 0, TIMESTAMP, h)
    h = HASH(h + enc_time)
    init = struct.pack("<II", 1, INDEX_I) + epub_i + enc_static + enc_time \
        + bytes(32)
    assert len(init) == 148
    v["initiation"] = add_macs(init, spub_r)
    v["initiation_cookie"] = add_macs(init, spub_r, COOKIE)
    v["init_chaining_key"], v["init_hash"] = c, h

    # Responder -> initiator.
    c, = KDF(1, c, epub_r)
    h = HASH(h + epub_r)
    c, = KDF(1, c, DH(EPHEMERAL_R, epub_i))
    c, = KDF(1, c, DH(EPHEMERAL_R, spub_i))
    c, tau, k = KDF(3, c, psk)
    h = HASH(h + tau)
    enc_nothing = AEAD(k, 0, b"", h)
    resp = struct.pack("<III", 2, INDEX_R, INDEX_I) + epub_r + enc_nothing \
        + bytes(32)
    assert len(resp) == 92
    v["response"] = add_macs(resp, spub_i)

    # Transport keys: (T_send_i, T_recv_i) = KDF2(C, empty).
    v["initiator_send"], v["initiator_recv"] = KDF(2, c, b"")
    return v


# ---- Cookies (5.4.7) ----
def cookies():
    spub_r = DH_PUB(STATIC_R)
    v = {}
    msg = add_macs(COOKIE_MSG, spub_r)
    mac1 = msg[-32:-16]
    v["msg_mac1"] = msg
    cookie4 = MAC(COOKIE_SECRET, SRC4)
    v["cookie4"] = cookie4
    v["cookie6"] = MAC(COOKIE_SECRET, SRC6)
    v["msg_mac2"] = add_macs(COOKIE_MSG, spub_r, cookie4)
    key = HASH(LABEL_COOKIE + spub_r)
    for name, nonce, cookie in (("reply4", NONCE4, cookie4),
                                ("reply6", NONCE6, v["cookie6"])):
        v[name] = struct.pack("<II", 3, INDEX_I) + nonce + \
            XAEAD(key, nonce, cookie, mac1)
        assert len(v[name]) == 64
    return v


def c_array(name, data):
    lines = ["static const u8 %s[%d] = {" % (name, len(data))]
    for i in range(0, len(data), 8):
        lines.append("\t" + " ".join("0x%02x," % b for b in data[i:i + 8]))
    lines.append("};")
    return "\n".join(lines)


def selfcheck():
    # RFC 7748 section 5.2, first X25519 vector, and draft-irtf-cfrg-xchacha
    # section 2.2.1's HChaCha20 vector: the primitives are what they claim.
    k = bytes.fromhex("a546e36bf0527c9d3b16154b82465edd"
                      "62144c0ac1fc5a18506a2244ba449ac4")
    u = bytes.fromhex("e6db6867583030db3594c1a424b15f7c"
                      "726624ec26b3353b10a903a6d0ab1c4c")
    assert DH(k, u).hex() == ("c3da55379de9c6908e94ea4df28d084f"
                              "32eccf03491c71f754b4075577a28552")
    hk = bytes(range(32))
    hn = bytes.fromhex("000000090000004a0000000031415927")
    assert hchacha20(hk, hn).hex() == (
        "82413b4227b27bfed30e42508a877d73"
        "a0f9e4d58a74a853c12ec41326d3ecdc")


def main():
    selfcheck()
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    out = []
    if what == "noise":
        for name, data in (("static_i", STATIC_I), ("static_r", STATIC_R),
                           ("ephemeral_i", EPHEMERAL_I),
                           ("ephemeral_r", EPHEMERAL_R), ("psk", PSK),
                           ("cookie", COOKIE), ("timestamp", TIMESTAMP)):
            out.append(c_array("in_" + name, data))
        for case, psk in (("psk", PSK), ("nopsk", bytes(32))):
            for name, data in handshake(psk).items():
                out.append(c_array("vec_%s_%s" % (case, name), data))
        out.append(c_array("vec_static_i_public", DH_PUB(STATIC_I)))
        out.append(c_array("vec_static_r_public", DH_PUB(STATIC_R)))
    elif what == "cookie":
        for name, data in (("static_i", STATIC_I), ("static_r", STATIC_R),
                           ("secret", COOKIE_SECRET), ("nonce4", NONCE4),
                           ("nonce6", NONCE6), ("msg", COOKIE_MSG)):
            out.append(c_array("in_" + name, data))
        for name, data in cookies().items():
            out.append(c_array("vec_" + name, data))
        out.append(c_array("vec_static_i_public", DH_PUB(STATIC_I)))
        out.append(c_array("vec_static_r_public", DH_PUB(STATIC_R)))
    else:
        sys.exit("usage: noise_vectors.py noise|cookie")
    print("\n\n".join(out))


if __name__ == "__main__":
    main()
