# SPDX-License-Identifier: GPL-2.0 OR MIT
"""A STUN Binding client for the tests, written from RFC 8489 and RFC 8445 with Python's own
hmac and zlib: the daemon's STUN code is checked by an independent implementation."""
import hmac
import os
import socket
import struct
import zlib

COOKIE = 0x2112A442
BINDING_REQUEST, BINDING_SUCCESS, BINDING_ERROR = 0x0001, 0x0101, 0x0111
USERNAME, MESSAGE_INTEGRITY, ERROR_CODE, XOR_MAPPED_ADDRESS = 0x0006, 0x0008, 0x0009, 0x0020
PRIORITY, USE_CANDIDATE, FINGERPRINT = 0x0024, 0x0025, 0x8028
ICE_CONTROLLED, ICE_CONTROLLING = 0x8029, 0x802A


def _attr(t, v):
    return struct.pack("!HH", t, len(v)) + v + b"\0" * (-len(v) % 4)


def _integrity(msg, key):
    """msg: header + attributes so far; returns msg with MESSAGE-INTEGRITY appended."""
    body = msg[20:]
    hdr = struct.pack("!HH", struct.unpack("!H", msg[:2])[0], len(body) + 24) + msg[4:20]
    mac = hmac.new(key, hdr + body, "sha1").digest()
    return hdr + body + _attr(MESSAGE_INTEGRITY, mac)


def _fingerprint(msg):
    body = msg[20:]
    hdr = struct.pack("!HH", struct.unpack("!H", msg[:2])[0], len(body) + 8) + msg[4:20]
    crc = (zlib.crc32(hdr + body) ^ 0x5354554E) & 0xFFFFFFFF
    return hdr + body + _attr(FINGERPRINT, struct.pack("!I", crc))


def request(username, key, controlling=True, use_candidate=False, priority=0x6E7F1EFF,
            txid=None, fingerprint=True, integrity=True):
    txid = txid or os.urandom(12)
    attrs = _attr(USERNAME, username.encode()) + _attr(PRIORITY, struct.pack("!I", priority))
    attrs += _attr(ICE_CONTROLLING if controlling else ICE_CONTROLLED, os.urandom(8))
    if use_candidate:
        attrs += _attr(USE_CANDIDATE, b"")
    msg = struct.pack("!HHI", BINDING_REQUEST, len(attrs), COOKIE) + txid + attrs
    if integrity:
        msg = _integrity(msg, key)
    if fingerprint:
        msg = _fingerprint(msg)
    return txid, msg


def parse(msg):
    """(type, txid, {attr type: value}, {attr type: offset}); raises on a malformed message."""
    t, n, cookie = struct.unpack("!HHI", msg[:8])
    if cookie != COOKIE or n + 20 != len(msg) or n % 4:
        raise ValueError("not STUN")
    attrs, offs, i = {}, {}, 20
    while i < len(msg):
        at, al = struct.unpack("!HH", msg[i:i + 4])
        if i + 4 + al > len(msg):
            raise ValueError("attribute past the end")
        attrs.setdefault(at, msg[i + 4:i + 4 + al])
        offs.setdefault(at, i)
        i += 4 + al + (-al % 4)
    return t, msg[8:20], attrs, offs


def check_response(msg, key):
    """Verifies FINGERPRINT (always) and MESSAGE-INTEGRITY (if key); returns parse(msg)."""
    t, txid, attrs, offs = parse(msg)
    if FINGERPRINT not in offs or offs[FINGERPRINT] != len(msg) - 8:
        raise ValueError("no FINGERPRINT at the end")
    if _fingerprint(msg[:offs[FINGERPRINT]])[-8:] != msg[-8:]:
        raise ValueError("bad FINGERPRINT")
    if key is not None:
        if MESSAGE_INTEGRITY not in offs:
            raise ValueError("no MESSAGE-INTEGRITY")
        if _integrity(msg[:offs[MESSAGE_INTEGRITY]], key)[-24:] != \
                msg[offs[MESSAGE_INTEGRITY]:offs[MESSAGE_INTEGRITY] + 24]:
            raise ValueError("bad MESSAGE-INTEGRITY")
    return t, txid, attrs, offs


def xor_mapped(value, txid):
    family, xport = struct.unpack("!xBH", value[:4])
    port = xport ^ (COOKIE >> 16)
    if family == 1:
        a = struct.unpack("!I", value[4:8])[0] ^ COOKIE
        return socket.inet_ntop(socket.AF_INET, struct.pack("!I", a)), port
    mask = struct.pack("!I", COOKIE) + txid
    return socket.inet_ntop(socket.AF_INET6, bytes(x ^ y for x, y in zip(value[4:20], mask))), port


def error_code(value):
    return (value[2] & 7) * 100 + value[3]
