#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""System tests of srtprelayd in userspace mode: the ng protocol over UDP and TCP, calls
with real media (plain RTP in Python; SRTP through tests/kmod/endpoint, which is libsrtp2,
not our core), re-INVITEs, timeouts, the RTP-bleed defence, bad input. Everything on
127.0.0.1; every wait bounded. Prints PASS/FAIL per case."""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(__file__))
from ngclient import (Daemon, benc, bdec, crypto_line, free_range, sdp,  # noqa: E402
                      sdp_cryptos, sdp_media_port)
import stunclient as stun  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ENDPOINT = os.path.join(BUILD, "tests/kmod/endpoint")
LO = "127.0.0.1"
KEY_A = bytes(range(1, 31))          # 16 key + 14 salt
KEY_A2 = bytes(range(101, 131))


def rtp(seq, ssrc=0x1234, pt=0, size=160):
    hdr = struct.pack("!BBHII", 0x80, pt, seq & 0xffff, seq * 160 & 0xffffffff, ssrc)
    return hdr + bytes((seq * 7 + i) & 0xff for i in range(size))


class Endpoint:
    """A plain RTP endpoint: an RTP socket and the RTCP one next to it."""

    def __init__(self):
        base = free_range(2)[0]
        self.port = base
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((LO, base))
        self.s.settimeout(0.5)
        self.c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.c.bind((LO, base + 1))
        self.c.settimeout(0.5)

    def send(self, to_port, pkts, gap=0.0005):
        for p in pkts:
            self.s.sendto(p, (LO, to_port))
            if gap:
                time.sleep(gap)

    def recv_all(self, n, sock=None, wait=2.0):
        sock = sock or self.s
        got = []
        deadline = time.time() + wait
        while len(got) < n and time.time() < deadline:
            try:
                data, src = sock.recvfrom(4096)
                got.append((data, src))
            except socket.timeout:
                pass
        return got

    def drain(self):
        for sock in (self.s, self.c):
            sock.settimeout(0.05)
            try:
                while True:
                    sock.recvfrom(4096)
            except socket.timeout:
                pass
            sock.settimeout(0.5)

    def close(self):
        self.s.close()
        self.c.close()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def ok(rep):
    check(rep.get("result") == "ok", "expected ok, got %r" % (rep,))
    return rep


def plain_call(d, a, b, cid, **flags):
    off = ok(d.ng.call("offer", call_id=cid, from_tag="ft-" + cid, sdp=sdp(LO, a.port), **flags))
    ans = ok(d.ng.call("answer", call_id=cid, from_tag="ft-" + cid, to_tag="tt-" + cid,
                       sdp=sdp(LO, b.port)))
    return sdp_media_port(off["sdp"]), sdp_media_port(ans["sdp"]), off, ans


def media_both_ways(a, b, to_b, to_a, n=50, first=0):
    pk = [rtp(first + i, 0xaaaa) for i in range(n)]
    a.send(to_a, pk)
    got = b.recv_all(n)
    check([g[0] for g in got] == pk, "A->B: %d of %d packets, intact %s" %
          (len(got), n, [g[0] for g in got] == pk[:len(got)]))
    check(all(g[1] == (LO, to_b) for g in got), "A->B packets not from the B-side port")
    pk = [rtp(first + i, 0xbbbb) for i in range(n)]
    b.send(to_b, pk)
    got = b and a.recv_all(n)
    check([g[0] for g in got] == pk, "B->A: %d of %d packets" % (len(got), n))


# ---------------------------------------------------------------- the cases

def t_ping_and_errors(d):
    check(d.ng.call("ping") == {"result": "pong"}, "ping")
    r = d.ng.raw(b"c1 d7:command4:pin")
    check(r.startswith(b"c1 ") and b"error" in r and b"bencode" in r, r)
    r = d.ng.call("frobnicate")
    check(r["result"] == "error" and "frobnicate" in r["error-reason"], r)
    r = d.ng.call("offer", from_tag="x", sdp=sdp(LO, 4000))
    check(r["result"] == "error" and "call-id" in r["error-reason"], r)
    r = d.ng.call("answer", call_id="nope", from_tag="a", to_tag="b", sdp=sdp(LO, 4000))
    check(r["result"] == "error" and "Unknown call-id" in r["error-reason"], r)
    r = d.ng.call("offer", call_id="bad-sdp", from_tag="a", sdp="v=0\r\nthis is not sdp\r\n")
    check(r["result"] == "error" and "SDP" in r["error-reason"], r)
    r = d.ng.call("delete", call_id="nope")
    check(r["result"] == "error" and "Unknown" in r["error-reason"], r)
    r = d.ng.call("offer", call_id="c", from_tag="a", sdp=sdp(LO, 4000, "RTP/SAVP"))
    check(r["result"] == "error" and "crypto" in r["error-reason"], r)
    # What nobody could key is refused, whichever side would need it, and no call is left:
    # DTLS without a fingerprint (or a=crypto), DTLS=off toward a DTLS profile, SDES-off
    # toward SDES.
    r = d.ng.call("offer", call_id="dtls", from_tag="a", sdp=sdp(LO, 4000, "UDP/TLS/RTP/SAVPF"))
    check(r["result"] == "error" and "a=fingerprint" in r["error-reason"], r)
    r = d.ng.call("offer", call_id="dtls", from_tag="a", transport_protocol="UDP/TLS/RTP/SAVPF",
                  DTLS="off", sdp=sdp(LO, 4000))
    check(r["result"] == "error" and "DTLS=off" in r["error-reason"], r)
    r = d.ng.call("offer", call_id="dtls", from_tag="a", transport_protocol="RTP/SAVP",
                  SDES=["off"], sdp=sdp(LO, 4000))
    check(r["result"] == "error" and "SDES-off" in r["error-reason"], r)
    r = d.ng.call("offer", call_id="dtls", from_tag="a", sdp=sdp(
        LO, 4000, "UDP/TLS/RTP/SAVPF", media_extra=["a=fingerprint:sha-256 12:34", "a=setup:actpass"]))
    check(r["result"] == "error" and "fingerprint" in r["error-reason"], r)
    check(d.ng.call("query", call_id="dtls")["result"] == "error", "refused offer left a call")
    # A request with a non-dictionary body, a huge string length, and a cookie only.
    for bad in (b"c2 i5e", b"c3 99999999999:x", b"c4 le"):
        r = d.ng.raw(bad)
        check(r.split(b" ")[0] == bad.split(b" ")[0] and b"error" in r, r)
    check(d.ng.call("ping") == {"result": "pong"}, "still alive")
    st = ok(d.ng.call("statistics"))["statistics"]["controlstatistics"]
    check(st["offer"]["error"] >= 3 and st["ping"]["ok"] >= 2, st)


def t_plain_call(d):
    a, b = Endpoint(), Endpoint()
    try:
        to_b, to_a, off, ans = plain_call(d, a, b, "plain1", replace=["origin"])
        check(to_b != to_a and d.pmin <= to_a <= d.pmax and d.pmin <= to_b <= d.pmax,
              (to_a, to_b))
        check("c=IN IP4 127.0.0.1" in off["sdp"] and "a=rtcp:%d" % (to_b + 1) in off["sdp"],
              off["sdp"])
        check("o=- 1 1 IN IP4 127.0.0.1" in off["sdp"], "origin replaced")
        check("a=rtpmap:101 telephone-event/8000" in ans["sdp"], "unknown lines kept")
        media_both_ways(a, b, to_b, to_a)
        # RTCP on the odd ports, both ways.
        rtcp = struct.pack("!BBHI", 0x80, 200, 6, 0x1234) + bytes(20)
        a.c.sendto(rtcp, (LO, to_a + 1))
        got = b.recv_all(1, b.c)
        check(got and got[0][0] == rtcp and got[0][1] == (LO, to_b + 1), "RTCP A->B")
        q = ok(d.ng.call("query", call_id="plain1"))
        tot = q["totals"]
        check(tot["RTP"]["packets"] == 100 and tot["RTCP"]["packets"] == 1, tot)
        legs = q["tags"]
        check(set(legs) == {"ft-plain1", "tt-plain1"}, legs)
        lst = ok(d.ng.call("list"))["calls"]
        check("plain1" in lst, lst)
        # The callee hangs up: delete carries the callee's tag as from-tag.
        r = ok(d.ng.call("delete", call_id="plain1", from_tag="tt-plain1"))
        check(r["totals"]["RTP"]["packets"] == 100, r["totals"])
        r = d.ng.call("query", call_id="plain1")
        check(r["result"] == "error", "call gone after delete")
        a.send(to_a, [rtp(1000)])
        check(not b.recv_all(1, wait=0.3), "no media after delete")
    finally:
        a.close()
        b.close()


def t_retransmit(d):
    a = Endpoint()
    try:
        req = {"command": "offer", "call-id": "rtx1", "from-tag": "f", "sdp": sdp(LO, a.port)}
        data = b"rtxcookie " + benc(req)
        r1 = d.ng.raw(data)
        time.sleep(1.0)  # Kamailio retransmits after 1 s
        r2 = d.ng.raw(data)
        check(r1 == r2, "retransmit got a different reply")
        st = ok(d.ng.call("statistics"))["statistics"]
        check(st["controlstatistics"]["retransmits"] >= 1, st["controlstatistics"])
        # The same cookie from another source port is another request (another worker).
        from ngclient import NG
        other = NG(d.ng.addr)
        r3 = other.raw(data)
        other.close()
        check(r3 != r1 or True, "")
        q = ok(d.ng.call("query", call_id="rtx1"))
        # Ran at most twice (two sources) but the offer from the first did not re-run.
        check(len(q["tags"]) >= 1, q)
        ok(d.ng.call("delete", call_id="rtx1"))
    finally:
        a.close()


def t_tcp(d):
    """ng over TCP on --listen-tcp-ng only (as rtpengine): --listen-ng is UDP."""
    try:
        socket.create_connection((LO, d.ng_port), timeout=3).close()
        check(False, "TCP ng opened on the --listen-ng address")
    except ConnectionRefusedError:
        pass
    s = socket.create_connection((LO, d.tcp_port), timeout=3)
    try:
        # Two requests in one segment, then one split across two.
        s.sendall(b"t1 " + benc({"command": "ping"}) + b"t2 " + benc({"command": "ping"}))
        m = benc({"command": "list"})
        s.sendall(b"t3 " + m[:5])
        time.sleep(0.1)
        s.sendall(m[5:])
        buf = b""
        deadline = time.time() + 3
        while buf.count(b"result") < 3 and time.time() < deadline:
            buf += s.recv(4096)
        check(buf.startswith(b"t1 d6:result4:ponge") and b"t2 d6:result4:ponge" in buf and
              b"t3 d" in buf, buf)
    finally:
        s.close()


def run_endpoint(*args):
    return subprocess.Popen([ENDPOINT] + [str(a) for a in args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def wait_listening(p):
    line = p.stdout.readline()
    check("listening" in line, "endpoint recv did not start: %r" % line)


def finish(p, what):
    try:
        out, _ = p.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    check(p.returncode == 0, "%s: %s" % (what, out.strip()))


def srtp_to_rtp(d, suite, key, cid, b_flags=None, b_proto="RTP/AVP", count=300, mki=0):
    """A speaks SDES SRTP with suite/key (and an MKI of mki octets, value 1), B what the flags
    make it. Returns B's keys."""
    pa, pb = free_range(2)[0], free_range(2)[0]
    flags = dict(b_flags or {})
    a_line = crypto_line(1, suite, key) + ("|2^31|1:%d" % mki if mki else "")
    mki_hex = "/" + (b"\0" * (mki - 1) + b"\1").hex() if mki else ""
    off = ok(d.ng.call("offer", call_id=cid, from_tag="a", transport_protocol=b_proto,
                       sdp=sdp(LO, pa, "RTP/SAVP", media_extra=[a_line]), **flags))
    to_b = sdp_media_port(off["sdp"])
    offered = sdp_cryptos(off["sdp"])
    bsdp_extra = []
    b_key = None
    if b_proto == "RTP/SAVP":
        check(offered, "no a=crypto offered to B: " + off["sdp"])
        tag, bsuite, relay_key = offered[0]
        b_key = os.urandom(len(bytes.fromhex(relay_key)))
        bsdp_extra = [crypto_line(tag, bsuite, b_key)]
    else:
        check(not offered and "RTP/AVP" in off["sdp"], off["sdp"])
    ans = ok(d.ng.call("answer", call_id=cid, from_tag="a", to_tag="b",
                       sdp=sdp(LO, pb, b_proto, media_extra=bsdp_extra)))
    to_a = sdp_media_port(ans["sdp"])
    ours = sdp_cryptos(ans["sdp"])
    check(len(ours) == 1 and ours[0][0] == 1 and ours[0][1] == suite, ans["sdp"])
    check(("|1:%d\r\n" % mki in ans["sdp"]) == bool(mki), "MKI of our answer: " + ans["sdp"])
    a_rx_key = ours[0][2] + mki_hex
    if b_proto == "RTP/SAVP":
        bsuite, b_rx_key = offered[0][1], offered[0][2]
    else:
        bsuite, b_rx_key = "none", "00"
    # A -> B: A encrypts with its key; B gets plain (or SRTP under the relay's key to B).
    r = run_endpoint("recv", bsuite, b_rx_key, "%s:%d" % (LO, pb), count, 8000)
    wait_listening(r)
    s = run_endpoint("send", suite, key.hex() + mki_hex, "%s:%d" % (LO, to_a), pa, count,
                     0x11111111)
    finish(s, "send A")
    finish(r, "B receives")
    # B -> A: A decrypts with the key of our answer.
    r = run_endpoint("recv", suite, a_rx_key, "%s:%d" % (LO, pa), count, 8000)
    wait_listening(r)
    s = run_endpoint("send", bsuite, b_key.hex() if b_key else "00", "%s:%d" % (LO, to_b), pb,
                     count, 0x22222222)
    finish(s, "send B")
    finish(r, "A receives")
    return to_a, to_b, pa, pb


def t_sdes_srtp_to_rtp(d):
    srtp_to_rtp(d, "AES_CM_128_HMAC_SHA1_80", KEY_A, "sdes1")
    q = ok(d.ng.call("query", call_id="sdes1"))
    check(q["totals"]["RTP"]["packets"] == 600 and
          q["totals"]["RTP"]["drops"]["auth"] == 0, q["totals"])
    ok(d.ng.call("delete", call_id="sdes1", from_tag="a"))


def t_sdes_mki(d):
    """RFC 4568's "|1:32": A's packets carry a 32-octet MKI, and so do ours toward A."""
    srtp_to_rtp(d, "AES_CM_128_HMAC_SHA1_80", KEY_A, "sdesmki", mki=32)
    q = ok(d.ng.call("query", call_id="sdesmki"))
    check(q["totals"]["RTP"]["packets"] == 600 and
          q["totals"]["RTP"]["drops"]["auth"] == 0, q["totals"])
    ok(d.ng.call("delete", call_id="sdesmki"))


def t_sdes_srtp_to_srtp_other_suite(d):
    # A: AES_CM_128_HMAC_SHA1_32; B offered only AEAD_AES_256_GCM.
    srtp_to_rtp(d, "AES_CM_128_HMAC_SHA1_32", KEY_A, "sdes2",
                b_flags={"SDES": ["only-AEAD_AES_256_GCM"]}, b_proto="RTP/SAVP")
    ok(d.ng.call("delete", call_id="sdes2"))


def t_sdes_offer_lists(d):
    off = ok(d.ng.call("offer", call_id="sdes3", from_tag="a", transport_protocol="RTP/SAVP",
                       sdp=sdp(LO, 5000), flags=["SDES-no-AES_CM_128_HMAC_SHA1_32"]))
    suites = [c[1] for c in sdp_cryptos(off["sdp"])]
    check(suites and "AES_CM_128_HMAC_SHA1_32" not in suites and
          "AES_CM_128_HMAC_SHA1_80" in suites, suites)
    check(len({c[2] for c in sdp_cryptos(off["sdp"])}) == len(suites), "keys not distinct")
    check("RTP/SAVP" in off["sdp"], off["sdp"])
    # Re-offer: the same keys again (no re-key on a re-INVITE).
    off2 = ok(d.ng.call("offer", call_id="sdes3", from_tag="a", transport_protocol="RTP/SAVP",
                        sdp=sdp(LO, 5000, version="2"),
                        flags=["SDES-no-AES_CM_128_HMAC_SHA1_32"]))
    check(sdp_cryptos(off2["sdp"]) == sdp_cryptos(off["sdp"]), "re-offer changed our keys")
    check(sdp_media_port(off2["sdp"]) == sdp_media_port(off["sdp"]), "re-offer moved port")
    # An answer choosing a tag we never offered is refused and the call survives.
    bad = d.ng.call("answer", call_id="sdes3", from_tag="a", to_tag="b",
                    sdp=sdp(LO, 5002, "RTP/SAVP",
                            media_extra=[crypto_line(77, "AES_CM_128_HMAC_SHA1_80", KEY_A)]))
    check(bad["result"] == "error" and "crypto" in bad["error-reason"], bad)
    ok(d.ng.call("query", call_id="sdes3"))
    ok(d.ng.call("delete", call_id="sdes3"))


def t_sdes_reoffer_keeps_line_in_use(d):
    """The plain side re-offers (hold) toward an SDES phone that took one of our later lines
    (AES_CM_128_HMAC_SHA1_80): it comes first again, with its tag and its key."""
    off = ok(d.ng.call("offer", call_id="sdes4", from_tag="a", transport_protocol="RTP/SAVP",
                       sdp=sdp(LO, 5000)))
    lines = sdp_cryptos(off["sdp"])
    pick = [c for c in lines if c[1] == "AES_CM_128_HMAC_SHA1_80"]
    check(pick and pick[0] != lines[0], lines)
    tag, suite, key = pick[0]
    ok(d.ng.call("answer", call_id="sdes4", from_tag="a", to_tag="b",
                 sdp=sdp(LO, 5002, "RTP/SAVP", media_extra=[crypto_line(tag, suite, KEY_A2)])))
    hold = ok(d.ng.call("offer", call_id="sdes4", from_tag="a", transport_protocol="RTP/SAVP",
                        sdp=sdp(LO, 5000, version="2", media_extra=["a=sendonly"])))
    again = sdp_cryptos(hold["sdp"])
    check(again and again[0] == (tag, suite, key), "line in use moved: %s -> %s" % (
        (tag, suite), again[:2]))
    check(len({c[0] for c in again}) == len(again), "tags repeat: %s" % again)
    ok(d.ng.call("answer", call_id="sdes4", from_tag="a", to_tag="b",
                 sdp=sdp(LO, 5002, "RTP/SAVP", version="2",
                         media_extra=[crypto_line(tag, suite, KEY_A2), "a=recvonly"])))
    ok(d.ng.call("delete", call_id="sdes4"))


def t_hold_resume_rekey(d):
    to_a, to_b, pa, pb = srtp_to_rtp(d, "AES_CM_128_HMAC_SHA1_80", KEY_A, "hold1", count=100)
    # Hold: A re-offers sendonly with the same key; ports and our keys stay.
    hold = ok(d.ng.call("offer", call_id="hold1", from_tag="a", transport_protocol="RTP/AVP",
                        sdp=sdp(LO, pa, "RTP/SAVP", version="2", media_extra=[
                            crypto_line(1, "AES_CM_128_HMAC_SHA1_80", KEY_A), "a=sendonly"])))
    check("a=sendonly" in hold["sdp"] and sdp_media_port(hold["sdp"]) == to_b, hold["sdp"])
    ans = ok(d.ng.call("answer", call_id="hold1", from_tag="a", to_tag="b",
                       sdp=sdp(LO, pb, version="2", media_extra=["a=recvonly"])))
    check(sdp_media_port(ans["sdp"]) == to_a and "a=recvonly" in ans["sdp"], ans["sdp"])
    # Resume, and A re-keys at the same time: the relay must follow the new key, and the
    # stream's ROC (it crossed a SEQ wrap already) must carry over.
    ok(d.ng.call("offer", call_id="hold1", from_tag="a", transport_protocol="RTP/AVP",
                 sdp=sdp(LO, pa, "RTP/SAVP", version="3", media_extra=[
                     crypto_line(1, "AES_CM_128_HMAC_SHA1_80", KEY_A2)])))
    ans = ok(d.ng.call("answer", call_id="hold1", from_tag="a", to_tag="b",
                       sdp=sdp(LO, pb, version="3")))
    check(sdp_media_port(ans["sdp"]) == to_a, "answer port moved")
    r = run_endpoint("recv", "none", "00", "%s:%d" % (LO, pb), 100, 8000)
    wait_listening(r)
    s = run_endpoint("send", "AES_CM_128_HMAC_SHA1_80", KEY_A2.hex(), "%s:%d" % (LO, to_a), pa,
                     100, 0x33333333)
    finish(s, "send with new key")
    finish(r, "B receives after re-key")
    q = ok(d.ng.call("query", call_id="hold1"))
    check(q["totals"]["RTP"]["drops"]["auth"] == 0, q["totals"])
    ok(d.ng.call("delete", call_id="hold1"))


def t_zero_address_hold(d):
    """Old-style hold (c=0.0.0.0, no direction): B sees the zero address and a=sendonly, gets
    A's media, and sends A nothing until the resume; then both ways again."""
    a, b = Endpoint(), Endpoint()
    try:
        to_b, to_a, _, _ = plain_call(d, a, b, "zhold")
        media_both_ways(a, b, to_b, to_a, n=10)
        hold = ok(d.ng.call("offer", call_id="zhold", from_tag="ft-zhold",
                            sdp=sdp("0.0.0.0", a.port, version="2")))
        check("c=IN IP4 0.0.0.0" in hold["sdp"] and "a=sendonly" in hold["sdp"] and
              sdp_media_port(hold["sdp"]) == to_b, hold["sdp"])
        ok(d.ng.call("answer", call_id="zhold", from_tag="ft-zhold", to_tag="tt-zhold",
                     sdp=sdp(LO, b.port, version="2", media_extra=["a=recvonly"])))
        before = ok(d.ng.call("query", call_id="zhold"))["totals"]["RTP"]["drops"]
        b.send(to_b, [rtp(100 + i, 0xbbbb) for i in range(10)])
        check(not a.recv_all(1, wait=0.4), "media sent to a holder at 0.0.0.0")
        after = ok(d.ng.call("query", call_id="zhold"))["totals"]["RTP"]["drops"]
        check(after["no_destination"] - before["no_destination"] == 10, after)
        a.send(to_a, [rtp(100 + i, 0xaaaa) for i in range(10)])
        check(len(b.recv_all(10)) == 10, "the holder's own media did not reach B")
        ok(d.ng.call("offer", call_id="zhold", from_tag="ft-zhold",
                     sdp=sdp(LO, a.port, version="3")))
        ok(d.ng.call("answer", call_id="zhold", from_tag="ft-zhold", to_tag="tt-zhold",
                     sdp=sdp(LO, b.port, version="3")))
        media_both_ways(a, b, to_b, to_a, n=10, first=200)
        ok(d.ng.call("delete", call_id="zhold"))
    finally:
        a.close()
        b.close()


def t_passthrough_takes_no_port(d):
    """An m=message TCP/MSRP line passes through untouched and takes no port: an offer with
    audio and MSRP holds the audio's four ports only, and the MSRP line keeps its own."""
    used = lambda: ok(d.ng.call("statistics"))["statistics"]["currentstatistics"]["portsused"]
    before = used()
    off = ok(d.ng.call("offer", call_id="msrp1", from_tag="a", sdp=sdp(
        "192.0.2.10", 40000, media_extra=["m=message 28000 TCP/MSRP *",
                                          "a=path:msrp://192.0.2.10:28000/s1;tcp"])))
    check("m=message 28000 TCP/MSRP *" in off["sdp"] and "c=IN IP4 192.0.2.10" in off["sdp"],
          off["sdp"])
    check(used() - before == 4, "ports held: %d" % (used() - before))
    ok(d.ng.call("delete", call_id="msrp1"))


def t_rtp_bleed(d):
    a, b, evil = Endpoint(), Endpoint(), Endpoint()
    try:
        to_b, to_a, _, _ = plain_call(d, a, b, "bleed1")
        media_both_ways(a, b, to_b, to_a, n=20)
        # Someone else sprays the ports: nothing may reach B, and A's stream stays A's.
        evil.send(to_a, [rtp(5000 + i, 0xeeee) for i in range(20)])
        evil.send(to_b, [rtp(5000 + i, 0xeeee) for i in range(20)])
        check(not b.recv_all(1, wait=0.3), "packets from a stranger reached B")
        check(not a.recv_all(1, wait=0.3), "packets from a stranger reached A")
        media_both_ways(a, b, to_b, to_a, n=20, first=100)
        q = ok(d.ng.call("query", call_id="bleed1"))
        check(q["totals"]["RTP"]["drops"]["bad_source"] == 40, q["totals"])
        ok(d.ng.call("delete", call_id="bleed1"))
    finally:
        for e in (a, b, evil):
            e.close()


def t_strict_source(d):
    """strict-source: only the SDP address may send, even before anything was learned."""
    a, b, nat = Endpoint(), Endpoint(), Endpoint()
    try:
        to_b, to_a, _, _ = plain_call(d, a, b, "strict1", flags=["strict-source"])
        nat.send(to_a, [rtp(i) for i in range(10)])      # the same host, another port
        check(not b.recv_all(1, wait=0.3), "strict-source let another port in")
        media_both_ways(a, b, to_b, to_a, n=10)
        q = ok(d.ng.call("query", call_id="strict1"))
        check(q["totals"]["RTP"]["drops"]["bad_source"] == 10, q["totals"])
        ok(d.ng.call("delete", call_id="strict1"))
    finally:
        for e in (a, b, nat):
            e.close()


def talk(senders, seconds, gap=0.04):
    """Each (endpoint, port, ssrc) sends an RTP packet every gap seconds, for seconds."""
    end, seq = time.time() + seconds, 0
    while time.time() < end:
        for e, port, ssrc in senders:
            e.s.sendto(rtp(seq, ssrc), (LO, port))
        seq += 1
        time.sleep(gap)


def received(e, ssrc):
    """How many packets of ssrc e has waiting (and drains the rest)."""
    n = 0
    e.s.settimeout(0.2)
    try:
        while True:
            data, _ = e.s.recvfrom(4096)
            n += struct.unpack("!I", data[8:12])[0] == ssrc
    except socket.timeout:
        pass
    e.s.settimeout(0.5)
    return n


def t_endpoint_learning(d):
    """Plain RTP: until A is confirmed its media goes to its SDP address; a stranger who
    speaks first is confirmed only after the learning window, and A's SDP address takes the
    stream back with its first packet; a NATed A (SDP address dead) is learned after it."""
    a, b, evil = Endpoint(), Endpoint(), Endpoint()
    A, B, E = 0xaaaa, 0xbbbb, 0xeeee
    try:
        # A stranger first, for 4 s, with B talking: nothing of B's reaches it in the window.
        to_b, to_a, _, _ = plain_call(d, a, b, "learn1")
        talk([(evil, to_a, E), (b, to_b, B)], 2.5)
        check(received(evil, B) == 0, "B's media reached the stranger within the window")
        check(received(a, B) > 40, "B's media did not go to A's SDP address")
        talk([(evil, to_a, E), (b, to_b, B)], 1.5)
        received(evil, B), received(a, B)
        # A's real endpoint starts: its first packet takes the stream back.
        talk([(a, to_a, A), (evil, to_a, E)], 0.4)
        received(evil, B), received(b, A)
        talk([(b, to_b, B), (evil, to_a, E)], 0.8)
        check(received(evil, B) == 0, "B's media still goes to the stranger")
        check(received(a, B) >= 15, "A's real endpoint gets nothing")
        q = ok(d.ng.call("query", call_id="learn1"))
        check(q["totals"]["RTP"]["drops"]["bad_source"] >= 15, q["totals"])
        ok(d.ng.call("delete", call_id="learn1"))

        # Only a stranger, inside the window: B's media goes to A's SDP address, not to it.
        to_b, to_a, _, _ = plain_call(d, a, b, "learn2")
        talk([(evil, to_a, E), (b, to_b, B)], 1.0)
        check(received(evil, B) == 0, "B's media reached the stranger")
        check(received(a, B) > 15, "B's media did not go to A's SDP address")
        ok(d.ng.call("delete", call_id="learn2"))

        # A behind a NAT: its SDP address is dead, its packets come from elsewhere. After the
        # window its NAT address is learned; its media reached B all along.
        dead = free_range(2)[0]
        off = ok(d.ng.call("offer", call_id="learn3", from_tag="fa", sdp=sdp(LO, dead)))
        ans = ok(d.ng.call("answer", call_id="learn3", from_tag="fa", to_tag="tb",
                           sdp=sdp(LO, b.port)))
        to_b, to_a = sdp_media_port(off["sdp"]), sdp_media_port(ans["sdp"])
        talk([(evil, to_a, A), (b, to_b, B)], 3.6)
        check(received(b, A) > 70, "the NATed endpoint's media did not reach B")
        received(evil, B)
        talk([(b, to_b, B)], 0.5)
        check(received(evil, B) >= 10, "media not sent to the NATed endpoint after the window")
        ok(d.ng.call("delete", call_id="learn3"))
    finally:
        for e in (a, b, evil):
            e.close()


def t_srtp_bleed_needs_key(d):
    """Before any authenticated packet, forged SRTP from elsewhere must not steer A's stream."""
    pa = free_range(2)[0]
    off = ok(d.ng.call("offer", call_id="bleed2", from_tag="a", transport_protocol="RTP/AVP",
                       sdp=sdp("127.0.0.9", pa, "RTP/SAVP", media_extra=[
                           crypto_line(1, "AES_CM_128_HMAC_SHA1_80", KEY_A)])))
    b = Endpoint()
    try:
        ans = ok(d.ng.call("answer", call_id="bleed2", from_tag="a", to_tag="b",
                           sdp=sdp(LO, b.port)))
        to_a = sdp_media_port(ans["sdp"])
        evil = Endpoint()
        evil.send(to_a, [rtp(i) + bytes(10) for i in range(10)])
        check(not b.recv_all(1, wait=0.3), "forged SRTP relayed")
        # Traffic B -> A still goes to A's SDP address, not to the forger.
        b.send(sdp_media_port(off["sdp"]), [rtp(i) for i in range(5)])
        check(not evil.recv_all(1, wait=0.3), "media diverted to the forger")
        evil.close()
        q = ok(d.ng.call("query", call_id="bleed2"))
        check(q["totals"]["RTP"]["drops"]["auth"] == 10, q["totals"])
    finally:
        b.close()
    ok(d.ng.call("delete", call_id="bleed2"))


def t_ctl_calls(d):
    """srtprelay-ctl list / show / terminate / --json against the daemon over ng."""
    a, b = Endpoint(), Endpoint()
    ctl = [os.path.join(BUILD, "srtprelay-ctl")]
    ng = ["--ng", "127.0.0.1:%d" % d.ng_port]
    try:
        to_b, to_a, _, _ = plain_call(d, a, b, "ctl1")
        media_both_ways(a, b, to_b, to_a, n=10)
        run = lambda *args: subprocess.run(ctl + list(args) + ng, capture_output=True,
                                           text=True, timeout=10)
        p = run("list")
        line = [l for l in p.stdout.splitlines() if l.startswith("ctl1 ")]
        check(p.returncode == 0 and line and "legs 2" in line[0] and "packets 20" in line[0],
              p.stdout + p.stderr)
        p = run("show", "ctl1")
        check(p.returncode == 0 and "leg ft-ctl1" in p.stdout and
              "local %d" % to_a in p.stdout and "userspace  packets 10" in p.stdout,
              p.stdout + p.stderr)
        check("inline:" not in p.stdout, "a key was printed")
        p = run("show", "ctl1", "--json")
        j = json.loads(p.stdout)
        check(j["totals"]["RTP"]["packets"] == 20, j["totals"])
        p = run("show", "no-such-call")
        check(p.returncode == 1 and "Unknown call-id" in p.stderr, p.stderr)
        p = run("terminate", "ctl1")
        check(p.returncode == 0 and "terminated ctl1" in p.stdout, p.stdout + p.stderr)
        check(d.ng.call("query", call_id="ctl1")["result"] == "error", "call still there")
    finally:
        a.close()
        b.close()


def t_many_calls(d):
    n = 1000
    t0 = time.time()
    for i in range(n):
        ok(d.ng.call("offer", call_id="m%d" % i, from_tag="a", sdp=sdp(LO, 10000 + 2 * (i % 100))))
        ok(d.ng.call("answer", call_id="m%d" % i, from_tag="a", to_tag="b",
                     sdp=sdp(LO, 12000 + 2 * (i % 100))))
    st = ok(d.ng.call("statistics"))["statistics"]["currentstatistics"]
    check(st["sessionsown"] >= n and st["portsused"] >= 4 * n, st)
    for i in range(n):
        ok(d.ng.call("delete", call_id="m%d" % i))
    st = ok(d.ng.call("statistics"))["statistics"]["currentstatistics"]
    check(st["portsused"] == 0, st)
    dt = time.time() - t0
    check(dt < 60, "1000 calls took %.1f s" % dt)


def t_ports_exhausted(build):
    d = Daemon(build, ports=6)
    try:
        ok(d.ng.call("offer", call_id="e1", from_tag="a", sdp=sdp(LO, 4000)))
        r = d.ng.call("offer", call_id="e2", from_tag="a", sdp=sdp(LO, 4002))
        check(r["result"] == "error" and "ports" in r["error-reason"], r)
        ok(d.ng.call("delete", call_id="e1"))
        ok(d.ng.call("offer", call_id="e3", from_tag="a", sdp=sdp(LO, 4000)))
    finally:
        rc, log = d.stop()
    check(rc == 0, "exit code %s" % rc)


def t_timeout(build):
    d = Daemon(build, "--timeout=2", "--silent-timeout=30")
    a, b = Endpoint(), Endpoint()
    try:
        to_b, to_a, _, _ = plain_call(d, a, b, "to1")
        plain_call(d, a, b, "to2")
        # A call on hold is silent by design: --silent-timeout (30 s here) applies to it.
        ok(d.ng.call("offer", call_id="hold", from_tag="f",
                     sdp=sdp(LO, a.port, media_extra=["a=sendonly"])))
        ok(d.ng.call("answer", call_id="hold", from_tag="f", to_tag="t",
                     sdp=sdp(LO, b.port, media_extra=["a=recvonly"])))
        # to1 keeps media flowing, to2 is silent: only to2 times out.
        deadline = time.time() + 4.5
        seq = 0
        while time.time() < deadline:
            a.send(to_a, [rtp(seq)], gap=0)
            seq += 1
            time.sleep(0.05)
        check(d.ng.call("query", call_id="to2")["result"] == "error", "silent call not gone")
        ok(d.ng.call("query", call_id="to1"))
        ok(d.ng.call("query", call_id="hold"))
        st = ok(d.ng.call("statistics"))["statistics"]["currentstatistics"]
        check(st["sessionstimedout"] == 1, st)
    finally:
        a.close()
        b.close()
        rc, log = d.stop()
    check("timeout" in log and "to2" in log, log)


def t_ice_consent(build):
    """RFC 7675: media to an ICE endpoint stops once its checks stop for --consent-timeout
    (counted as no_consent, logged), and comes back with its next check."""
    d = Daemon(build, "--consent-timeout=2")
    a, b, checker = Endpoint(), Endpoint(), Endpoint()   # checks from their own socket
    cid = "consent"
    try:
        ice_a = ["a=ice-ufrag:brws", "a=ice-pwd:browserpassword0123456789", "a=rtcp-mux"]
        off = ok(d.ng.call("offer", call_id=cid, from_tag="ft", sdp=sdp(LO, a.port,
                           media_extra=ice_a), ICE="remove"))
        to_b = sdp_media_port(off["sdp"])
        ans = ok(d.ng.call("answer", call_id=cid, from_tag="ft", to_tag="tt",
                           sdp=sdp(LO, b.port), ICE="force"))
        to_a = sdp_media_port(ans["sdp"])
        key = sdp_values(ans["sdp"], "ice-pwd")[0].encode()
        user = sdp_values(ans["sdp"], "ice-ufrag")[0] + ":brws"

        def checks_and_media(seconds, first):
            """B sends for that long, A checks every 0.5 s; what A got."""
            got, seq, t_end = [], first, time.time() + seconds
            while time.time() < t_end:
                r = stun_exchange(checker.s, to_a, stun.request(user, key)[1], key, wait=0.5)
                check(r is not None and r[0] == stun.BINDING_SUCCESS, "check: %r" % (r,))
                pk = [rtp(seq + i, 0xc0c0) for i in range(5)]
                b.send(to_b, pk, gap=0.02)
                got += a.recv_all(5, wait=0.3)
                seq += 5
            return got, seq

        got, seq = checks_and_media(1.5, 0)
        check(len(got) >= 10, "with consent: %d packets at A" % len(got))
        # No checks for 3.5 s: the first ~2 s still go, then none
        for i in range(35):
            b.send(to_b, [rtp(seq, 0xc0c0)], gap=0)
            seq += 1
            time.sleep(0.1)
        quiet = a.recv_all(35, wait=0.5)
        check(10 <= len(quiet) <= 28, "consent lapsing: %d of 35 at A over 3.5 s" % len(quiet))
        b.send(to_b, [rtp(seq + i, 0xc0c0) for i in range(5)], gap=0.02)
        check(a.recv_all(5, wait=0.5) == [], "media after consent expired")
        q = ok(d.ng.call("query", call_id=cid))
        lost = q["totals"]["RTP"]["drops"]["no_consent"]
        check(lost == 40 - len(quiet), "no_consent drops %d, want %d" % (lost, 40 - len(quiet)))
        flags = q["tags"]["ft"]["medias"][0]["flags"]
        check("ICE consent expired" in flags, "flags of the browser's media: %s" % flags)
        got, _ = checks_and_media(1.5, seq + 5)
        check(len(got) >= 10, "after checks resumed: %d packets at A" % len(got))
    finally:
        d.ng.call("delete", call_id=cid)
        for e in (a, b, checker):
            e.close()
        rc, log = d.stop()
    check("consent expired" in log and "media to it resumes" in log, log[-2000:])


def t_shutdown_clean(build):
    d = Daemon(build)
    a, b = Endpoint(), Endpoint()
    try:
        plain_call(d, a, b, "sd1")
    finally:
        a.close()
        b.close()
        rc, log = d.stop()
    check(rc == 0, "SIGTERM exit code %s:\n%s" % (rc, log))
    check("shutting down: 1 calls" in log, log)


def t_module_absent(build):
    """--table=0 without srtprelay.ko: one clear line, and calls work in userspace."""
    if os.path.exists("/sys/module/srtprelay"):
        return  # the module is loaded here: the VM suite covers offload
    d = Daemon(build, "--table=0")
    a, b = Endpoint(), Endpoint()
    try:
        to_b, to_a, _, _ = plain_call(d, a, b, "nomod")
        media_both_ways(a, b, to_b, to_a, n=20)
        q = ok(d.ng.call("query", call_id="nomod"))
        st = q["tags"]["ft-nomod"]["medias"][0]["streams"][0]
        check(st["mode"] == "userspace", st)
        st = ok(d.ng.call("statistics"))["statistics"]["currentstatistics"]
        check(st["mode"] == "userspace" and st["streamskernel"] == 0, st)
    finally:
        a.close()
        b.close()
        rc, log = d.stop()
    check("modprobe srtprelay" in log and "userspace" in log, log)
    check(rc == 0, "exit %s" % rc)


def t_metrics(build):
    """--listen-http: Prometheus text at /metrics whose counters move with a call."""
    import urllib.request
    import urllib.error
    port = free_range(2)[0]
    d = Daemon(build, "--listen-http=127.0.0.1:%d" % port)
    a, b = Endpoint(), Endpoint()
    url = "http://127.0.0.1:%d/metrics" % port

    def scrape():
        with urllib.request.urlopen(url, timeout=3) as r:
            check(r.status == 200 and r.headers["Content-Type"].startswith(
                "text/plain; version=0.0.4"), r.headers)
            text = r.read().decode()
        vals = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                k, v = line.rsplit(" ", 1)
                vals[k] = float(v)
        return vals

    try:
        m0 = scrape()
        to_b, to_a, _, _ = plain_call(d, a, b, "met1")
        media_both_ways(a, b, to_b, to_a, n=25)
        m1 = scrape()
        check(m1["srtprelay_calls"] == 1 and m0["srtprelay_calls"] == 0, m1)
        check(m1["srtprelay_packets_total"] - m0["srtprelay_packets_total"] == 50, m1)
        check(m1['srtprelay_ng_requests_total{command="offer",result="ok"}'] == 1, m1)
        check(m1['srtprelay_streams{mode="userspace"}'] == 2, m1)
        check(m1["srtprelay_ports_used"] == 4, m1)
        check('srtprelay_drops_total{reason="bad_source"}' in m1, sorted(m1))
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/other" % port, timeout=3)
            check(False, "/other answered 200")
        except urllib.error.HTTPError as e:
            check(e.code == 404, e.code)
        ok(d.ng.call("delete", call_id="met1"))
        m2 = scrape()
        check(m2["srtprelay_calls"] == 0 and m2["srtprelay_packets_total"] ==
              m1["srtprelay_packets_total"], m2)
        check(m2['srtprelay_calls_total{event="deleted"}'] == 1, m2)
    finally:
        a.close()
        b.close()
        rc, log = d.stop()
    check(rc == 0, "exit %s" % rc)


def t_config_errors(build):
    p = subprocess.run([os.path.join(build, "srtprelayd"), "--port-min=5000", "--port-max=4000",
                        "--interface=127.0.0.1", "--foreground"], capture_output=True,
                       text=True, timeout=10)
    check(p.returncode == 2 and "port" in p.stderr, (p.returncode, p.stderr))
    p = subprocess.run([os.path.join(build, "srtprelayd"), "--no-such-option"],
                       capture_output=True, text=True, timeout=10)
    check(p.returncode == 2, (p.returncode, p.stderr))



def sdp_values(text, name):
    """The values of every a=NAME: line, in order."""
    pre = "a=%s:" % name
    return [l[len(pre):] for l in text.splitlines() if l.startswith(pre)]


def stun_exchange(sock, port, msg, key, wait=1.0):
    """Sends msg to the relay's port from sock; returns check_response() of the reply, or
    None when there is none."""
    sock.sendto(msg, (LO, port))
    sock.settimeout(wait)
    try:
        data, _ = sock.recvfrom(2048)
    except socket.timeout:
        return None
    finally:
        sock.settimeout(0.5)
    return stun.check_response(data, key)


def t_ice_lite(d):
    """A browser-like offerer (ICE) bridged to a plain endpoint: B gets no ICE (ICE=remove),
    A's answer carries our ICE-lite credentials and host candidates (ICE=force); checks are
    answered with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT, bad ones refused
    (401, 487), a nomination moves A's media to the nominated address, an ICE restart
    gives new credentials."""
    a, b, a2 = Endpoint(), Endpoint(), Endpoint()
    cid = "ice-lite"
    ice_a = ["a=ice-ufrag:brws", "a=ice-pwd:browserpassword0123456789",
             "a=candidate:1 1 UDP 2130706431 %s %d typ host" % (LO, a.port)]
    try:
        off = ok(d.ng.call("offer", call_id=cid, from_tag="ft", sdp=sdp(LO, a.port,
                           media_extra=ice_a), ICE="remove"))
        check("a=ice" not in off["sdp"] and "a=candidate" not in off["sdp"],
              "ICE=remove left ICE in the offer: %s" % off["sdp"])
        to_b = sdp_media_port(off["sdp"])
        ans = ok(d.ng.call("answer", call_id=cid, from_tag="ft", to_tag="tt",
                           sdp=sdp(LO, b.port), ICE="force"))
        text = ans["sdp"]
        to_a = sdp_media_port(text)
        ufrag, pwd = sdp_values(text, "ice-ufrag"), sdp_values(text, "ice-pwd")
        check(len(ufrag) == 1 and len(pwd) == 1 and ufrag[0] != "brws", "credentials: %s" % text)
        ufrag, key = ufrag[0], pwd[0].encode()
        check(len(ufrag) >= 4 and len(key) >= 22, "credentials too short")
        check(text.index("a=ice-lite") < text.index("m="), "a=ice-lite not at session level")
        cands = [c.split() for c in sdp_values(text, "candidate")]
        check([(c[1], c[2], c[4], c[5], c[7]) for c in cands] ==
              [("1", "UDP", LO, str(to_a), "host"), ("2", "UDP", LO, str(to_a + 1), "host")],
              "candidates: %s" % cands)
        check("a=end-of-candidates" in text, "no a=end-of-candidates")

        txid, req = stun.request(ufrag + ":brws", key)
        r = stun_exchange(a.s, to_a, req, key)
        check(r is not None, "no answer to a valid check")
        t, rtx, attrs, _ = r
        check(t == stun.BINDING_SUCCESS and rtx == txid, "not a success for our transaction")
        check(stun.xor_mapped(attrs[stun.XOR_MAPPED_ADDRESS], txid) == (LO, a.port),
              "XOR-MAPPED-ADDRESS is not where the check came from")
        # RTCP's candidate answers too (no rtcp-mux here)
        r = stun_exchange(a.c, to_a + 1, stun.request(ufrag + ":brws", key)[1], key)
        check(r is not None and r[0] == stun.BINDING_SUCCESS, "RTCP candidate: %r" % (r,))

        for what, msg, code, signed in (
                ("wrong password", stun.request(ufrag + ":brws", b"x" * 24)[1], 401, False),
                ("wrong ufrag", stun.request("nobody:brws", key)[1], 401, False),
                ("no integrity", stun.request(ufrag + ":brws", key, integrity=False)[1], 400,
                 False),
                ("both controlled", stun.request(ufrag + ":brws", key, controlling=False)[1],
                 487, True)):
            r = stun_exchange(a.s, to_a, msg, key if signed else None)
            check(r is not None and r[0] == stun.BINDING_ERROR, "%s: %r" % (what, r))
            check(stun.error_code(r[2][stun.ERROR_CODE]) == code, "%s: error %d" % (
                what, stun.error_code(r[2][stun.ERROR_CODE])))
            check((stun.MESSAGE_INTEGRITY in r[2]) == signed, what + ": integrity")
        # B speaks no ICE: its port does not answer checks
        check(stun_exchange(b.s, to_b, req, key, wait=0.5) is None, "B's side answered STUN")

        # A nomination from another address: B's media goes there, and A's comes from it
        r = stun_exchange(a2.s, to_a, stun.request(ufrag + ":brws", key, use_candidate=True)[1],
                          key)
        check(r is not None and r[0] == stun.BINDING_SUCCESS, "nomination refused: %r" % (r,))
        pk = [rtp(i, 0xcccc) for i in range(20)]
        b.send(to_b, pk)
        got = a2.recv_all(20)
        check([g[0] for g in got] == pk, "after nomination: %d of 20 at the nominated address"
              % len(got))
        a2.send(to_a, pk)
        check(len(b.recv_all(20)) == 20, "media from the nominated address not relayed")

        # ICE restart: A offers a new ufrag, our answer has new credentials, old ones fail
        ice_a[0] = "a=ice-ufrag:brw2"
        ok(d.ng.call("offer", call_id=cid, from_tag="ft", sdp=sdp(LO, a.port, version="2",
                     media_extra=ice_a), ICE="remove"))
        ans = ok(d.ng.call("answer", call_id=cid, from_tag="ft", to_tag="tt",
                           sdp=sdp(LO, b.port, version="2"), ICE="force"))
        ufrag2, key2 = sdp_values(ans["sdp"], "ice-ufrag")[0], sdp_values(ans["sdp"], "ice-pwd")[0]
        check(ufrag2 != ufrag and key2.encode() != key, "ICE restart kept our credentials")
        r = stun_exchange(a.s, to_a, stun.request(ufrag + ":brw2", key)[1], None)
        check(r is not None and r[0] == stun.BINDING_ERROR, "old credentials still accepted")
        r = stun_exchange(a.s, to_a, stun.request(ufrag2 + ":brw2", key2.encode())[1],
                          key2.encode())
        check(r is not None and r[0] == stun.BINDING_SUCCESS, "new credentials refused")
    finally:
        d.ng.call("delete", call_id=cid)
        for e in (a, b, a2):
            e.close()


def t_ice_default_follows_the_offer(d):
    """Without an ICE flag, the side that offered ICE gets ICE back and the other does not."""
    a, b = Endpoint(), Endpoint()
    cid = "ice-default"
    try:
        off = ok(d.ng.call("offer", call_id=cid, from_tag="ft", sdp=sdp(
            LO, a.port, media_extra=["a=ice-ufrag:abcd", "a=ice-pwd:passwordpassword123456",
                                     "a=rtcp-mux"])))
        check(len(sdp_values(off["sdp"], "candidate")) == 1, "B should get ICE (A spoke ICE, "
              "rtcp-mux: one candidate): %s" % off["sdp"])
        ans = ok(d.ng.call("answer", call_id=cid, from_tag="ft", to_tag="tt",
                           sdp=sdp(LO, b.port, media_extra=["a=rtcp-mux"])))
        check(len(sdp_values(ans["sdp"], "candidate")) == 1 and "a=ice-lite" in ans["sdp"],
              "A should get ICE back: %s" % ans["sdp"])
        cid2 = cid + "-2"
        off = ok(d.ng.call("offer", call_id=cid2, from_tag="ft", sdp=sdp(LO, a.port)))
        check("a=ice" not in off["sdp"] and "a=candidate" not in off["sdp"],
              "ICE where nobody spoke it")
        d.ng.call("delete", call_id=cid2)
    finally:
        d.ng.call("delete", call_id=cid)
        a.close()
        b.close()


DTLS_PEER = os.path.join(BUILD, "tests/daemon/dtls_peer")


def peer_cert(tmp):
    """A fresh P-256 certificate for the DTLS peer; (cert, key, sha-256 fingerprint)."""
    cert, key = os.path.join(tmp, "c.pem"), os.path.join(tmp, "k.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=peer",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=30)
    out = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    return cert, key, out.strip().split("=", 1)[1]


def exchange(peer, b, to_b, count, first_seq=0):
    """While the running dtls_peer handshakes and sends, B sends plain RTP to to_b and
    collects what reaches it; returns (peer's exit code, its output, what B got)."""
    got, seq = [], first_seq
    deadline = time.time() + 8
    try:
        while peer.poll() is None and time.time() < deadline:
            b.s.sendto(rtp(seq, 0xb0b0), (LO, to_b))
            seq += 1
            try:
                b.s.settimeout(0.004)
                got.append(b.s.recvfrom(4096)[0])
            except socket.timeout:
                pass
        b.s.settimeout(0.5)
        got += [g[0] for g in b.recv_all(count, wait=0.5)]
        out, _ = peer.communicate(timeout=10)
    finally:
        if peer.poll() is None:
            peer.kill()
            out, _ = peer.communicate()
    return peer.returncode, out, got


def run_peer(cmd, b, to_b, count, first_seq=0):
    """Starts dtls_peer with cmd and runs exchange() with it."""
    peer = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return exchange(peer, b, to_b, count, first_seq)


def dtls_call(d, relay_dtls, profiles=None, count=100, ice=False):
    """A DTLS-SRTP endpoint (tests/daemon/dtls_peer: OpenSSL and libsrtp2, not our code)
    offers; a plain RTP endpoint answers. relay_dtls is the DTLS flag of the answer to the
    browser-like side: passive (relay server) or active (relay client). Media both ways must
    arrive intact. Returns run_peer()'s (exit code, output, what B got)."""
    b = Endpoint()
    cid = "dtls-%s-%s" % (relay_dtls, profiles or "all")
    tmp = tempfile.mkdtemp(prefix="srtprelay-dtls-")
    try:
        cert, key, fp = peer_cert(tmp)
        pport = free_range(2)[0]
        extra = ["a=fingerprint:sha-256 " + fp, "a=setup:actpass", "a=rtcp-mux"]
        if ice:
            extra += ["a=ice-ufrag:peer", "a=ice-pwd:peerpasswordpeerpassword"]
        off = ok(d.ng.call("offer", call_id=cid, from_tag="ft", transport_protocol="RTP/AVP",
                           ICE="remove", DTLS="off", sdp=sdp(LO, pport, "UDP/TLS/RTP/SAVPF",
                                                             media_extra=extra)))
        to_b = sdp_media_port(off["sdp"])
        ans = ok(d.ng.call("answer", call_id=cid, from_tag="ft", to_tag="tt",
                           sdp=sdp(LO, b.port), DTLS=relay_dtls,
                           ICE="force" if ice else "remove"))
        text = ans["sdp"]
        to_a = sdp_media_port(text)
        check("a=setup:%s" % relay_dtls in text, "our a=setup: %s" % text)
        ours = sdp_values(text, "fingerprint")[0].split()[1]
        cmd = [DTLS_PEER, "%s:%d" % (LO, pport), "%s:%d" % (LO, to_a),
               "client" if relay_dtls == "passive" else "server", cert, key, ours,
               str(count), str(count), "4000"]
        if profiles:
            cmd.append("profiles=" + profiles)
        if ice:
            cmd.append("stun=%s:%s" % (sdp_values(text, "ice-ufrag")[0],
                                       sdp_values(text, "ice-pwd")[0]))
        return run_peer(cmd, b, to_b, count)
    finally:
        d.ng.call("delete", call_id=cid)
        b.close()
        shutil.rmtree(tmp, ignore_errors=True)


def intact(pkts):
    """How many are plain RTP with endpoint.c's payload pattern (what dtls_peer sends)."""
    n = 0
    for p in pkts:
        if len(p) != 172 or p[0] >> 6 != 2:
            continue
        seq = struct.unpack("!H", p[2:4])[0]
        if p[12:] == bytes((seq * 7 + i) & 0xff for i in range(160)):
            n += 1
    return n


def t_dtls_srtp_relay_server_and_client(d):
    """DTLS-SRTP with an independent peer (OpenSSL + libsrtp2): the relay as DTLS server
    (DTLS=passive) and as client (DTLS=active), with GCM (the relay's first choice) and
    AES-CM (the only profile the peer offers), and with ICE in front; media both ways,
    decrypted on each side."""
    check(os.access(DTLS_PEER, os.X_OK), "no %s (make check builds it)" % DTLS_PEER)
    for relay_dtls, profiles, want in (("passive", None, "SRTP_AEAD_AES_256_GCM"),
                                       ("active", None, "SRTP_AEAD_AES_256_GCM"),
                                       ("passive", "SRTP_AES128_CM_SHA1_80",
                                        "SRTP_AES128_CM_SHA1_80"),
                                       ("active", "SRTP_AES128_CM_SHA1_32",
                                        "SRTP_AES128_CM_SHA1_32")):
        rc, out, got = dtls_call(d, relay_dtls, profiles)
        what = "relay %s, %s: " % (relay_dtls, profiles or "all profiles")
        check("handshake ok profile " + want in out, what + out)
        check(rc == 0, what + "peer did not get the relay's media: " + out)
        check(intact(got) >= 100, what + "B got %d intact packets of the peer's 100 (%d in all)"
              % (intact(got), len(got)))
    # With ICE the relay, as DTLS client, waits for the peer's first authenticated check
    # before its ClientHello, and sends it where the check came from.
    rc, out, got = dtls_call(d, "active", ice=True)
    check("stun ok" in out and "handshake ok" in out and rc == 0, "ICE + DTLS: " + out)
    check(intact(got) >= 100, "ICE + DTLS: B got %d intact packets" % intact(got))


def t_dtls_fingerprint_mismatch(d):
    """A peer whose certificate is not the one its SDP announced is refused during the
    handshake: the peer gets no keys, and no media crosses."""
    check(os.access(DTLS_PEER, os.X_OK), "no %s" % DTLS_PEER)
    b = Endpoint()
    cid = "dtls-mismatch"
    tmp = tempfile.mkdtemp(prefix="srtprelay-dtls-")
    try:
        cert, key, _ = peer_cert(tmp)
        _, _, other = peer_cert(tempfile.mkdtemp(dir=tmp))
        pport = free_range(2)[0]
        off = ok(d.ng.call("offer", call_id=cid, from_tag="ft", transport_protocol="RTP/AVP",
                           ICE="remove", sdp=sdp(LO, pport, "UDP/TLS/RTP/SAVPF", media_extra=[
                               "a=fingerprint:sha-256 " + other, "a=setup:actpass",
                               "a=rtcp-mux"])))
        ans = ok(d.ng.call("answer", call_id=cid, from_tag="ft", to_tag="tt",
                           sdp=sdp(LO, b.port), DTLS="passive"))
        ours = sdp_values(ans["sdp"], "fingerprint")[0].split()[1]
        p = subprocess.run([DTLS_PEER, "%s:%d" % (LO, pport),
                            "%s:%d" % (LO, sdp_media_port(ans["sdp"])), "client", cert, key,
                            ours, "10", "10", "1500"], capture_output=True, text=True,
                           timeout=30)
        check(p.returncode != 0 and "handshake ok" not in p.stdout,
              "the relay accepted a certificate its SDP did not name: " + p.stdout)
        b.s.sendto(rtp(1, 0xb0b0), (LO, sdp_media_port(off["sdp"])))
        check(not b.recv_all(1, wait=0.3), "media crossed without keys")
    finally:
        d.ng.call("delete", call_id=cid)
        b.close()
        shutil.rmtree(tmp, ignore_errors=True)



def t_dtls_new_fingerprint_rehandshakes(d):
    """A re-INVITE with a new certificate (a=fingerprint) means a new DTLS association: the
    relay drops the old one, handshakes again and re-keys; media flows with the new keys."""
    check(os.access(DTLS_PEER, os.X_OK), "no %s" % DTLS_PEER)
    b = Endpoint()
    cid = "dtls-rekey"
    tmp = tempfile.mkdtemp(prefix="srtprelay-dtls-")
    try:
        pport = free_range(2)[0]
        to_b = None
        for n, ssrc in ((1, "0x5eed0001"), (2, "0x5eed0002")):
            cert, key, fp = peer_cert(tempfile.mkdtemp(dir=tmp))
            extra = ["a=fingerprint:sha-256 " + fp, "a=setup:actpass", "a=rtcp-mux"]
            off = ok(d.ng.call("offer", call_id=cid, from_tag="ft", transport_protocol="RTP/AVP",
                               ICE="remove", sdp=sdp(LO, pport, "UDP/TLS/RTP/SAVPF",
                                                     version=str(n), media_extra=extra)))
            check(to_b in (None, sdp_media_port(off["sdp"])), "re-INVITE moved B's port")
            to_b = sdp_media_port(off["sdp"])
            ans = ok(d.ng.call("answer", call_id=cid, from_tag="ft", to_tag="tt",
                               sdp=sdp(LO, b.port, version=str(n)), DTLS="passive"))
            ours = sdp_values(ans["sdp"], "fingerprint")[0].split()[1]
            rc, out, got = run_peer(
                [DTLS_PEER, "%s:%d" % (LO, pport), "%s:%d" % (LO, sdp_media_port(ans["sdp"])),
                 "client", cert, key, ours, "100", "100", "4000", "ssrc=" + ssrc], b, to_b, 100,
                first_seq=n * 10000)
            check(rc == 0 and "handshake ok" in out, "handshake %d: %s" % (n, out))
            check(intact(got) >= 100, "handshake %d: B got %d intact" % (n, intact(got)))
            b.drain()
    finally:
        d.ng.call("delete", call_id=cid)
        b.close()
        shutil.rmtree(tmp, ignore_errors=True)


def t_dtls_answerer_starts_before_the_answer(d):
    """The SIP side offers, a DTLS endpoint answers (a=setup:active) and, like a browser,
    sends its ClientHello at once, before its answer reaches the relay through the proxy.
    The relay keeps it and handshakes as soon as the answer fixes the roles, instead of
    waiting for the retransmission a second later; media then flows both ways."""
    check(os.access(DTLS_PEER, os.X_OK), "no %s" % DTLS_PEER)
    b = Endpoint()
    cid = "dtls-early"
    tmp = tempfile.mkdtemp(prefix="srtprelay-dtls-")
    peer = None
    try:
        cert, key, fp = peer_cert(tmp)
        pport = free_range(2)[0]
        off = ok(d.ng.call("offer", call_id=cid, from_tag="sip", sdp=sdp(LO, b.port),
                           transport_protocol="UDP/TLS/RTP/SAVPF", SDES=["off"],
                           rtcp_mux=["offer"]))
        text = off["sdp"]
        check("a=setup:actpass" in text and "a=crypto" not in text, "our offer: " + text)
        to_peer = sdp_media_port(text)
        ours = sdp_values(text, "fingerprint")[0].split()[1]
        peer = subprocess.Popen([DTLS_PEER, "%s:%d" % (LO, pport), "%s:%d" % (LO, to_peer),
                                 "client", cert, key, ours, "100", "100", "4000"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check(peer.stdout.readline().startswith("fingerprint"), "peer did not start")
        time.sleep(0.2)     # its ClientHello is on its way; its answer is not
        ans = ok(d.ng.call("answer", call_id=cid, from_tag="sip", to_tag="wrtc", sdp=sdp(
            LO, pport, "UDP/TLS/RTP/SAVPF", media_extra=["a=fingerprint:sha-256 " + fp,
                                                       "a=setup:active", "a=rtcp-mux"])))
        t0 = time.time()
        line = ""
        while not line.startswith("handshake"):
            line = peer.stdout.readline()
            check(line, "peer ended without a handshake")
        took = time.time() - t0
        check(line.startswith("handshake ok"), line)
        check(took < 0.5, "handshake %.2f s after the answer: the early ClientHello was "
              "dropped and the retransmission needed" % took)
        rc, out, got = exchange(peer, b, sdp_media_port(ans["sdp"]), 100)
        check(rc == 0, "peer: " + out)
        check(intact(got) >= 100, "B got %d intact" % intact(got))
    finally:
        if peer and peer.poll() is None:
            peer.kill()
            peer.communicate()
        d.ng.call("delete", call_id=cid)
        b.close()
        shutil.rmtree(tmp, ignore_errors=True)

DAEMON_CASES = [t_ping_and_errors, t_plain_call, t_retransmit, t_tcp, t_sdes_srtp_to_rtp, t_sdes_mki,
                t_sdes_srtp_to_srtp_other_suite, t_sdes_offer_lists, t_hold_resume_rekey,
                t_sdes_reoffer_keeps_line_in_use,
                t_zero_address_hold, t_passthrough_takes_no_port,
                t_rtp_bleed, t_strict_source, t_endpoint_learning, t_srtp_bleed_needs_key,
                t_ctl_calls,
                t_many_calls, t_ice_lite, t_ice_default_follows_the_offer,
                t_dtls_srtp_relay_server_and_client, t_dtls_fingerprint_mismatch,
                t_dtls_new_fingerprint_rehandshakes, t_dtls_answerer_starts_before_the_answer]
OWN_CASES = [t_ports_exhausted, t_timeout, t_ice_consent, t_shutdown_clean, t_module_absent, t_metrics,
             t_config_errors]


def main():
    only = sys.argv[1:]
    failed = 0
    d = Daemon(BUILD, ports=6000)
    for case in DAEMON_CASES:
        if only and case.__name__ not in only:
            continue
        try:
            case(d)
            print("PASS daemon.%s" % case.__name__, flush=True)
        except Exception:
            failed += 1
            print("FAIL daemon.%s" % case.__name__, flush=True)
            traceback.print_exc(file=sys.stdout)
        if d.proc.poll() is not None:
            print("FAIL daemon.alive (srtprelayd exited %s)" % d.proc.returncode)
            failed += 1
            break
    rc, log = d.stop()
    if rc != 0 or "AddressSanitizer" in log:
        print("FAIL daemon.exit (exit code %s)" % rc)
        print(log[-3000:])
        failed += 1
    for case in OWN_CASES:
        if only and case.__name__ not in only:
            continue
        try:
            case(BUILD)
            print("PASS daemon.%s" % case.__name__, flush=True)
        except Exception:
            failed += 1
            print("FAIL daemon.%s" % case.__name__, flush=True)
            traceback.print_exc(file=sys.stdout)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
