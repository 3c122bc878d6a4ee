#!/usr/bin/env python3
"""
A SIP caller and callee in one process, for t_kamailio.sh: one call through Kamailio per run,
media through the relay both ways, and a check over the ng protocol that the call is gone.

  sipcall.py freeport LO HI                a port in LO..HI free for UDP and TCP on 127.0.0.1
  sipcall.py options PROXY                 wait (10 s at most) until Kamailio answers OPTIONS
  sipcall.py ngping NG                     wait (10 s at most) until the relay answers ping
  sipcall.py CASE PROXY NG PORTMIN PORTMAX [ENDPOINT]

PROXY and NG are "127.0.0.1:port"; PORTMIN-PORTMAX the relay's media ports; ENDPOINT the
libsrtp2 tool build/tests/kmod/endpoint (the sdes case checks signalling only without it).
CASE is one of the three calls of shared/fixtures/ng/kamailio-5.6-rtpengine-module.txt:

  plain   caller 127.0.0.2 offers RTP/AVP, callee 127.0.0.3 answers, RTP both ways, caller's BYE
  sdes    caller offers RTP/SAVP with two a=crypto, the callee must see plain RTP/AVP and the
          caller an RTP/SAVP answer with the relay's key; SRTP <-> RTP both ways; callee's BYE
  cancel  offer, 180 Ringing, CANCEL, 487/ACK; no answer ever reaches the relay
  fork    the caller offers RTP/SAVP, Kamailio forks the INVITE in parallel to two callees
          (plain RTP/AVP); both send 183 with SDP and early media that reaches the caller;
          the first answers 200, the proxy cancels the other; then media flows with the
          winner only, both ways, and the loser's packets reach nobody; caller's BYE

Prints a trace on stdout; exits 0 when every check passed, 1 on the first that did not.
Standard library only.
"""
import base64
import os
import random
import re
import socket
import subprocess
import sys
import time

PACKETS = 50
PAYLOAD = 160
WAIT = 5.0  # seconds for any one SIP message or ng reply


class Fail(Exception):
    pass


def log(*a):
    print(" ", *a, flush=True)


def check(cond, what):
    if not cond:
        raise Fail(what)


def addr(s):
    host, _, port = s.rpartition(":")
    return host, int(port)


# --- bencode, for the ng protocol: the system tests' own client (tests/daemon/ngclient.py) ---

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from ngclient import bdec, benc  # noqa: E402


def ng(ngaddr, req, timeout=WAIT):
    """One ng request; returns the reply dict, or None when nothing came back in time."""
    cookie = "t%08x" % random.getrandbits(32)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.sendto(cookie.encode() + b" " + benc(req), addr(ngaddr))
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            s.settimeout(left)
            try:
                data = s.recv(65535)
            except socket.timeout:
                return None
            c, _, body = data.partition(b" ")
            if c == cookie.encode():
                return bdec(body)[0]


# --- SIP over UDP, just what one call needs ---

COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact",
       "l": "content-length", "c": "content-type"}


class Msg:
    def __init__(self, data):
        head, _, self.body = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        self.first = lines[0]
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and self.headers:
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + line.strip())
                continue
            n, _, v = line.partition(":")
            n = n.strip().lower()
            self.headers.append((COMPACT.get(n, n), v.strip()))
        parts = self.first.split(" ", 2)
        self.is_request = not self.first.startswith("SIP/2.0 ")
        self.method = parts[0] if self.is_request else None
        self.status = None if self.is_request else int(parts[1])
        self.cseq_method = self.get("cseq").split()[-1]
        self.sdp = self.body.decode(errors="replace")

    def get(self, name):
        for n, v in self.headers:
            if n == name:
                return v
        return ""

    def all(self, name):
        return [v for n, v in self.headers if n == name]

    def short(self):
        return "%s (CSeq %s)" % (self.first, self.get("cseq"))


def tag_of(hdr):
    m = re.search(r";\s*tag=([^;>\s]+)", hdr)
    return m.group(1) if m else None


def uri_of(hdr):
    m = re.search(r"<([^>]*)>", hdr)
    return m.group(1) if m else hdr.split(";")[0].strip()


def route_list(values):
    """Record-Route header values (possibly comma-joined) -> list of route entries."""
    out = []
    for v in values:
        out += [r.strip() for r in re.findall(r"<[^>]*>[^,]*", v)]
    return out


def branch():
    return "z9hG4bK-%016x" % random.getrandbits(64)


def build(first, headers, body=b""):
    lines = [first] + ["%s: %s" % (n, v) for n, v in headers]
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class UA:
    """One SIP party: a UDP socket on its own loopback address."""

    def __init__(self, name, ip, proxy):
        self.name, self.ip, self.proxy = name, ip, proxy
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, 0))
        self.port = self.sock.getsockname()[1]
        self.contact = "<sip:%s@%s:%d>" % (name, ip, self.port)
        self.backlog = []

    def via(self, br):
        return "SIP/2.0/UDP %s:%d;branch=%s;rport" % (self.ip, self.port, br)

    def send(self, data, dest=None):
        m = Msg(data)
        log("%s -> %s" % (self.name, m.short()))
        self.sock.sendto(data, dest or self.proxy)

    def wait(self, what, pred, timeout=WAIT):
        """The first message (kept back ones included) that pred accepts; others are logged."""
        for m in self.backlog:
            if pred(m):
                self.backlog.remove(m)
                return m
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise Fail("%s: no %s within %.0f s" % (self.name, what, timeout))
            self.sock.settimeout(left)
            try:
                data, src = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            m = Msg(data)
            log("%s <- %s" % (self.name, m.short()))
            if m.is_request and m.method == "ACK" and not pred(m):
                continue
            if pred(m):
                return m
            self.backlog.append(m)

    def reply(self, req, code, reason, to_tag=None, body=b"", contact=True):
        to = req.get("to")
        if to_tag and not tag_of(to):
            to += ";tag=" + to_tag
        h = [("Via", v) for v in req.all("via")]
        h += [("Record-Route", v) for v in req.all("record-route")]
        h += [("From", req.get("from")), ("To", to), ("Call-ID", req.get("call-id")),
              ("CSeq", req.get("cseq"))]
        if contact:
            h.append(("Contact", self.contact))
        self.send(build("SIP/2.0 %d %s" % (code, reason), h, body))


# --- SDP ---

def make_sdp(ip, port, proto="RTP/AVP", fmts="0 8 101", extra=()):
    sid = random.randint(10 ** 9, 4 * 10 ** 9)
    lines = ["v=0", "o=- %d %d IN IP4 %s" % (sid, sid, ip), "s=srtprelay-test",
         "c=IN IP4 %s" % ip, "t=0 0", "m=audio %d %s %s" % (port, proto, fmts),
         "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
         "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20"]
    lines += list(extra) + ["a=sendrecv"]
    return ("\r\n".join(lines) + "\r\n").encode()


class Sdp:
    def __init__(self, text):
        self.lines = [l for l in text.replace("\r\n", "\n").split("\n") if l]
        self.origin = self.media = self.conn = None
        for l in self.lines:
            if l.startswith("o=") and not self.origin:
                self.origin = l[2:].split()[-1]
            elif l.startswith("m=") and not self.media:
                self.media = l[2:].split()
            elif l.startswith("c=") and (not self.conn or self.media):
                self.conn = l[2:].split()[-1]
        check(self.media, "SDP without m= line:\n" + text)
        self.port, self.proto, self.fmts = int(self.media[1]), self.media[2], self.media[3:]
        self.attrs = [l[2:] for l in self.lines if l.startswith("a=")]

    def endpoint(self):
        return self.conn, self.port

    def crypto(self):
        """[(tag, suite, key||salt)] of the a=crypto lines."""
        out = []
        for a in self.attrs:
            m = re.match(r"crypto:(\d+) (\S+) inline:([A-Za-z0-9+/=]+)", a)
            if m:
                out.append((int(m.group(1)), m.group(2), base64.b64decode(m.group(3))))
        return out


def check_relayed(sdp, side, orig_port, portmin, portmax, proto, fmts):
    """The relay must put its own address and port in place of the party's."""
    log("%s sees relay at %s:%d %s %s" % (side, sdp.conn, sdp.port, sdp.proto, " ".join(sdp.fmts)))
    check(sdp.conn == "127.0.0.1", "%s: c= is %s, not the relay's 127.0.0.1" % (side, sdp.conn))
    check(sdp.origin == "127.0.0.1",
          "%s: o= address %s not replaced (replace-origin)" % (side, sdp.origin))
    check(portmin <= sdp.port <= portmax and sdp.port != orig_port,
          "%s: m= port %d is not a relay port (%d-%d)" % (side, sdp.port, portmin, portmax))
    check(sdp.proto == proto, "%s: m= protocol %s, expected %s" % (side, sdp.proto, proto))
    check(sdp.fmts == fmts.split(), "%s: m= formats %s, expected %s" % (side, sdp.fmts, fmts))


# --- media ---

def free_rtp_port(ip, portmin, portmax):
    """An even port with a free odd neighbour, below the ephemeral range and outside the relay's."""
    for _ in range(200):
        p = random.randrange(10000, 30000, 2)
        if portmin - 2 <= p <= portmax + 1:
            continue
        try:
            s1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s1.bind((ip, p))
            s2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s2.bind((ip, p + 1))
        except OSError:
            continue
        s2.close()
        return s1
    raise Fail("no free RTP port")


def rtp(seq, ssrc, salt):
    hdr = bytes([0x80, 0, seq >> 8 & 255, seq & 255]) + (seq * 160).to_bytes(4, "big") + \
        ssrc.to_bytes(4, "big")
    return hdr + bytes((seq * 7 + i + salt) & 255 for i in range(PAYLOAD))


def exchange_rtp(a, a_dest, b, b_dest):
    """PACKETS each way at once; each side must get every one of the other's, intact."""
    legs = [(a, a_dest, 0x11111111, 0x5a, "caller"), (b, b_dest, 0x22222222, 0xa5, "callee")]
    for i in range(PACKETS):
        for sock, dest, ssrc, salt, _ in legs:
            sock.sendto(rtp(1000 + i, ssrc, salt), dest)
        time.sleep(0.002)
    # what each socket must receive: the other leg's packets, from the relay port it sends to
    for (sock, dest, _, _, name), (_, _, ssrc, salt, other) in zip(legs, reversed(legs)):
        got, bad, srcs = set(), [], set()
        end = time.monotonic() + 3
        while len(got) < PACKETS and time.monotonic() < end:
            sock.settimeout(max(end - time.monotonic(), 0.01))
            try:
                data, src = sock.recvfrom(2048)
            except socket.timeout:
                break
            srcs.add(src)
            seq = data[2] << 8 | data[3] if len(data) >= 4 else -1
            if data == rtp(seq, ssrc, salt):
                got.add(seq)
            else:
                bad.append((len(data), data[:16].hex()))
        log("%s received %d of %d RTP packets from %s, %d not the %s's" %
            (name, len(got), PACKETS, other, len(bad), other), "from", sorted(srcs))
        check(not bad, "%s got altered or foreign packets, e.g. %s" % (name, bad[:3]))
        check(len(got) == PACKETS, "%s got %d of the %s's %d RTP packets" %
              (name, len(got), other, PACKETS))
        check(srcs == {dest}, "%s got media from %s, not from the relay port it sends to %s" %
              (name, sorted(srcs), dest))


def nothing_relayed(a, a_dest, b):
    """After the call is gone, a packet to its former relay port must not come out."""
    for i in range(3):
        a.sendto(rtp(2000 + i, 0x11111111, 0x5a), a_dest)
    b.settimeout(0.5)
    try:
        data, src = b.recvfrom(2048)
    except socket.timeout:
        return
    except ConnectionRefusedError:
        return
    raise Fail("relay still forwards after the call was deleted (packet from %s)" % (src,))


def endpoint_leg(tool, suite_tx, key_tx, dest, src_ip, src_port, suite_rx, key_rx, listen):
    """One direction through the relay with the libsrtp2 endpoint: recv first, then send."""
    rx = subprocess.Popen([tool, "recv", suite_rx, key_rx, listen, str(PACKETS), "3000"],
                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = rx.stdout.readline().strip()
        check(first == "listening", "endpoint recv did not start: %s" % first)
        tx = subprocess.run([tool, "send", suite_tx, key_tx, "%s:%d" % dest, str(src_port),
                     str(PACKETS), "0x%08x" % random.getrandbits(32)],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                    timeout=10)
        check(tx.returncode == 0, "endpoint send failed: %s" % tx.stdout.strip())
        out, _ = rx.communicate(timeout=10)
    finally:
        if rx.poll() is None:
            rx.kill()
            rx.wait()
    log("endpoint %s -> %s via %s:%d (%s -> %s): %s" %
        (src_ip, listen, dest[0], dest[1], suite_tx, suite_rx, out.strip()))
    check(rx.returncode == 0, "endpoint recv on %s: %s" % (listen, out.strip()))


# --- the ng side checks ---

def call_exists(ngaddr, call_id):
    r = ng(ngaddr, {"command": "query", "call-id": call_id})
    check(r is not None, "relay did not answer query")
    check(r.get("result") == "ok", "query of the live call %s: %s" % (call_id, r))
    log("ng query: call %s is up" % call_id)


def call_gone(ngaddr, call_id):
    r = ng(ngaddr, {"command": "query", "call-id": call_id})
    check(r is not None, "relay did not answer query")
    log("ng query after hang-up:", r)
    reason = str(r.get("error-reason", "")).lower()
    check(r.get("result") == "error" and "unknown call-id" in reason,
          "query of the ended call %s: %s (expected error 'Unknown call-id')" % (call_id, r))
    r = ng(ngaddr, {"command": "list"})
    check(r is not None, "relay did not answer list")
    log("ng list:", r)
    check(r.get("result") == "ok", "list: %s" % r)
    check(call_id not in (r.get("calls") or []), "call %s still listed: %s" % (call_id, r))


# --- the calls ---

class Call:
    def __init__(self, kind, proxy, caller_ip, callee_ip):
        self.proxy = addr(proxy)
        self.caller = UA("caller", caller_ip, self.proxy)
        self.callee = UA("callee", callee_ip, self.proxy)
        self.call_id = "%s-%016x@srtprelay-test.invalid" % (kind, random.getrandbits(64))
        self.from_hdr = "<sip:caller@%s>;tag=%08x" % (caller_ip, random.getrandbits(32))
        self.ruri = "sip:callee@%s:%d" % (callee_ip, self.callee.port)
        self.inv_branch = branch()
        self.callee_tag = "%08x" % random.getrandbits(32)

    def invite(self, sdp, extra=()):
        c = self.caller
        self.inv_hdrs = [("Via", c.via(self.inv_branch)), ("Max-Forwards", "70"),
                 ("From", self.from_hdr), ("To", "<%s>" % self.ruri),
                 ("Call-ID", self.call_id), ("CSeq", "1 INVITE"), ("Contact", c.contact)]
        self.inv_hdrs += list(extra)
        c.send(build("INVITE %s SIP/2.0" % self.ruri, self.inv_hdrs, sdp))
        inv = self.callee.wait("INVITE", lambda m: m.method == "INVITE")
        self.invite_in = inv
        return inv

    def answer(self, sdp):
        self.callee.reply(self.invite_in, 200, "OK", self.callee_tag, sdp)
        ok = self.caller.wait("200 for INVITE",
                      lambda m: m.status == 200 and m.cseq_method == "INVITE")
        self.to_hdr = ok.get("to")
        self.caller_route = list(reversed(route_list(ok.all("record-route"))))
        self.callee_target = uri_of(ok.get("contact"))
        check(self.caller_route, "200 OK without Record-Route: the proxy did not record-route")
        c = self.caller
        c.send(build("ACK %s SIP/2.0" % self.callee_target,
                 [("Via", c.via(branch())), ("Max-Forwards", "70"),
                  ("Route", ", ".join(self.caller_route)), ("From", self.from_hdr),
                  ("To", self.to_hdr), ("Call-ID", self.call_id), ("CSeq", "1 ACK")]))
        self.callee.wait("ACK", lambda m: m.method == "ACK")
        return ok

    def bye_from_caller(self):
        c = self.caller
        c.send(build("BYE %s SIP/2.0" % self.callee_target,
                 [("Via", c.via(branch())), ("Max-Forwards", "70"),
                  ("Route", ", ".join(self.caller_route)), ("From", self.from_hdr),
                  ("To", self.to_hdr), ("Call-ID", self.call_id), ("CSeq", "2 BYE")]))
        bye = self.callee.wait("BYE", lambda m: m.method == "BYE")
        self.callee.reply(bye, 200, "OK", contact=False)
        self.caller.wait("200 for BYE", lambda m: m.status == 200 and m.cseq_method == "BYE")

    def bye_from_callee(self):
        """As in the capture's sdes call: the BYE's From tag is then the callee's."""
        e, inv = self.callee, self.invite_in
        route = route_list(inv.all("record-route"))
        check(route, "INVITE without Record-Route at the callee")
        e.send(build("BYE %s SIP/2.0" % uri_of(inv.get("contact")),
                 [("Via", e.via(branch())), ("Max-Forwards", "70"),
                  ("Route", ", ".join(route)),
                  ("From", "%s;tag=%s" % (inv.get("to"), self.callee_tag)),
                  ("To", inv.get("from")), ("Call-ID", self.call_id), ("CSeq", "101 BYE")]))
        bye = self.caller.wait("BYE", lambda m: m.method == "BYE")
        self.caller.reply(bye, 200, "OK", contact=False)
        e.wait("200 for BYE", lambda m: m.status == 200 and m.cseq_method == "BYE")


def case_plain(a):
    call = Call("plain", a.proxy, "127.0.0.2", "127.0.0.3")
    ra = free_rtp_port("127.0.0.2", a.portmin, a.portmax)
    rb = free_rtp_port("127.0.0.3", a.portmin, a.portmax)
    pa, pb = ra.getsockname()[1], rb.getsockname()[1]
    inv = call.invite(make_sdp("127.0.0.2", pa))
    offer = Sdp(inv.sdp)
    check_relayed(offer, "callee", pa, a.portmin, a.portmax, "RTP/AVP", "0 8 101")
    ok = call.answer(make_sdp("127.0.0.3", pb, fmts="0 101"))
    answer = Sdp(ok.sdp)
    check_relayed(answer, "caller", pb, a.portmin, a.portmax, "RTP/AVP", "0 101")
    call_exists(a.ng, call.call_id)
    exchange_rtp(ra, answer.endpoint(), rb, offer.endpoint())
    call.bye_from_caller()
    call_gone(a.ng, call.call_id)
    nothing_relayed(ra, answer.endpoint(), rb)


SUITES = [(1, "AES_CM_128_HMAC_SHA1_80"), (2, "AES_CM_128_HMAC_SHA1_32")]


def case_sdes(a):
    # The endpoint tool sends from the wildcard address, so all of this call is on 127.0.0.1.
    call = Call("sdes", a.proxy, "127.0.0.1", "127.0.0.1")
    ra = free_rtp_port("127.0.0.1", a.portmin, a.portmax)
    rb = free_rtp_port("127.0.0.1", a.portmin, a.portmax)
    pa, pb = ra.getsockname()[1], rb.getsockname()[1]
    ra.close()
    rb.close()
    keys = {tag: os.urandom(30) for tag, _ in SUITES}
    extra = ["a=ice-ufrag:%08x" % random.getrandbits(32),
         "a=ice-pwd:%024x" % random.getrandbits(96),
         "a=candidate:H7f000001 1 UDP 2130706431 127.0.0.1 %d typ host" % pa,
         "a=candidate:H7f000001 2 UDP 2130706430 127.0.0.1 %d typ host" % (pa + 1)]
    extra += ["a=crypto:%d %s inline:%s" % (tag, suite, base64.b64encode(keys[tag]).decode())
          for tag, suite in SUITES]
    inv = call.invite(make_sdp("127.0.0.1", pa, "RTP/SAVP", extra=extra))
    offer = Sdp(inv.sdp)
    check_relayed(offer, "callee", pa, a.portmin, a.portmax, "RTP/AVP", "0 8 101")
    leftover = [x for x in offer.attrs if x.startswith(("crypto:", "ice-", "candidate:"))]
    check(not leftover, "callee's offer still has SDES/ICE attributes: %s" % leftover)
    ok = call.answer(make_sdp("127.0.0.1", pb, fmts="0 101"))
    answer = Sdp(ok.sdp)
    check_relayed(answer, "caller", pb, a.portmin, a.portmax, "RTP/SAVP", "0 101")
    cr = answer.crypto()
    log("caller's answer crypto:", [(t, s, k.hex()) for t, s, k in cr])
    check(len(cr) == 1, "answer to the caller must carry exactly one a=crypto, has %d" % len(cr))
    tag, suite, relay_key = cr[0]
    check((tag, suite) in SUITES, "answer picked crypto %d %s, not one offered" % (tag, suite))
    check(len(relay_key) == 30, "relay's inline key is %d octets, not 30" % len(relay_key))
    check(relay_key != keys[tag], "relay answered with the caller's own key")
    call_exists(a.ng, call.call_id)
    if a.endpoint:
        # caller -> relay (SRTP, caller's key) -> callee (RTP)
        endpoint_leg(a.endpoint, suite, keys[tag].hex(), answer.endpoint(), "127.0.0.1", pa,
                 "none", "00", "127.0.0.1:%d" % pb)
        # callee -> relay (RTP) -> caller (SRTP, relay's key)
        endpoint_leg(a.endpoint, "none", "00", offer.endpoint(), "127.0.0.1", pb,
                 suite, relay_key.hex(), "127.0.0.1:%d" % pa)
    else:
        log("no endpoint tool: SRTP media not checked")
    call.bye_from_callee()
    call_gone(a.ng, call.call_id)


def case_cancel(a):
    call = Call("cancel", a.proxy, "127.0.0.2", "127.0.0.3")
    ra = free_rtp_port("127.0.0.2", a.portmin, a.portmax)
    pa = ra.getsockname()[1]
    inv = call.invite(make_sdp("127.0.0.2", pa))
    check_relayed(Sdp(inv.sdp), "callee", pa, a.portmin, a.portmax, "RTP/AVP", "0 8 101")
    call.callee.reply(inv, 180, "Ringing", call.callee_tag)
    call.caller.wait("180", lambda m: m.status == 180)
    call_exists(a.ng, call.call_id)
    c = call.caller
    hdrs = [(n, v) for n, v in call.inv_hdrs if n != "Contact"]
    hdrs = [(n, "1 CANCEL" if n == "CSeq" else v) for n, v in hdrs]
    c.send(build("CANCEL %s SIP/2.0" % call.ruri, hdrs))
    c.wait("200 for CANCEL", lambda m: m.status == 200 and m.cseq_method == "CANCEL")
    cancel = call.callee.wait("CANCEL", lambda m: m.method == "CANCEL")
    call.callee.reply(cancel, 200, "OK", call.callee_tag, contact=False)
    call.callee.reply(inv, 487, "Request Terminated", call.callee_tag, contact=False)
    r487 = c.wait("487", lambda m: m.status == 487)
    ack = [(n, r487.get("to") if n == "To" else ("1 ACK" if n == "CSeq" else v))
           for n, v in hdrs]
    c.send(build("ACK %s SIP/2.0" % call.ruri, ack))
    call_gone(a.ng, call.call_id)


def free_pair(ip, portmin, portmax):
    """A free port for the endpoint tool, which binds it itself."""
    s = free_rtp_port(ip, portmin, portmax)
    p = s.getsockname()[1]
    s.close()
    return p


def early(call, ua, inv, tag, port):
    """ua answers inv with 183 and SDP; returns the SDP the caller got (the relay's)."""
    ua.reply(inv, 183, "Session Progress", tag, make_sdp("127.0.0.1", port, fmts="0 101"))
    m = call.caller.wait("183 from %s" % ua.name,
                         lambda m: m.status == 183 and tag_of(m.get("to")) == tag)
    check(m.sdp, "183 without SDP at the caller")
    return Sdp(m.sdp)


def case_fork(a):
    # The endpoint tool sends from the wildcard address, so all of this call is on 127.0.0.1.
    call = Call("fork", a.proxy, "127.0.0.1", "127.0.0.1")
    loser = UA("callee2", "127.0.0.1", call.proxy)
    pa, p1, p2 = (free_pair("127.0.0.1", a.portmin, a.portmax) for _ in range(3))
    tag, suite = SUITES[0]
    key = os.urandom(30)
    crypto = "a=crypto:%d %s inline:%s" % (tag, suite, base64.b64encode(key).decode())
    fork_to = "sip:callee2@127.0.0.1:%d" % loser.port
    inv1 = call.invite(make_sdp("127.0.0.1", pa, "RTP/SAVP", extra=[crypto]),
                       extra=[("X-Fork", fork_to)])
    inv2 = loser.wait("the forked INVITE", lambda m: m.method == "INVITE")
    offer1, offer2 = Sdp(inv1.sdp), Sdp(inv2.sdp)
    check_relayed(offer1, "callee", pa, a.portmin, a.portmax, "RTP/AVP", "0 8 101")
    check(offer2.endpoint() == offer1.endpoint(), "the branches were offered different "
          "relay ports: %s, %s" % (offer1.endpoint(), offer2.endpoint()))
    check(a.endpoint, "the fork case needs the endpoint tool")
    tag2 = "%08x" % random.getrandbits(32)

    def to_caller(port, sdp, what):
        (rt, rs, rkey), = sdp.crypto()
        check(rs == suite, "%s: the caller was answered with %s" % (what, rs))
        endpoint_leg(a.endpoint, "none", "00", offer1.endpoint(), "127.0.0.1", port,
                     suite, rkey.hex(), "127.0.0.1:%d" % pa)
        return sdp

    # Early media from each branch in turn reaches the caller, and the caller's reaches it.
    ans1 = to_caller(p1, early(call, call.callee, inv1, call.callee_tag, p1), "first 183")
    endpoint_leg(a.endpoint, suite, key.hex(), ans1.endpoint(), "127.0.0.1", pa, "none", "00",
                 "127.0.0.1:%d" % p1)
    ans2 = to_caller(p2, early(call, loser, inv2, tag2, p2), "second 183")
    check(ans2.endpoint() == ans1.endpoint(), "the caller was given another relay port")
    endpoint_leg(a.endpoint, suite, key.hex(), ans1.endpoint(), "127.0.0.1", pa, "none", "00",
                 "127.0.0.1:%d" % p2)
    # The first callee answers; the proxy cancels the other branch.
    call.callee.reply(inv1, 200, "OK", call.callee_tag, make_sdp("127.0.0.1", p1, fmts="0 101"))
    ok = call.caller.wait("200 for INVITE", lambda m: m.status == 200 and m.cseq_method == "INVITE")
    cancel = loser.wait("CANCEL of the losing branch", lambda m: m.method == "CANCEL")
    loser.reply(cancel, 200, "OK", tag2, contact=False)
    loser.reply(inv2, 487, "Request Terminated", tag2, contact=False)
    loser.wait("ACK for the 487", lambda m: m.method == "ACK")
    call.to_hdr = ok.get("to")
    call.caller_route = list(reversed(route_list(ok.all("record-route"))))
    call.callee_target = uri_of(ok.get("contact"))
    c = call.caller
    c.send(build("ACK %s SIP/2.0" % call.callee_target,
                 [("Via", c.via(branch())), ("Max-Forwards", "70"),
                  ("Route", ", ".join(call.caller_route)), ("From", call.from_hdr),
                  ("To", call.to_hdr), ("Call-ID", call.call_id), ("CSeq", "1 ACK")]))
    call.callee.wait("ACK", lambda m: m.method == "ACK")
    final = to_caller(p1, Sdp(ok.sdp), "200 OK")
    endpoint_leg(a.endpoint, suite, key.hex(), final.endpoint(), "127.0.0.1", pa, "none", "00",
                 "127.0.0.1:%d" % p1)
    # The loser's media reaches nobody now.
    (rt, rs, rkey), = final.crypto()
    rx = subprocess.Popen([a.endpoint, "recv", suite, rkey.hex(), "127.0.0.1:%d" % pa, "10",
                           "1500"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        check(rx.stdout.readline().strip() == "listening", "endpoint recv did not start")
        subprocess.run([a.endpoint, "send", "none", "00", "%s:%d" % offer1.endpoint(), str(p2),
                        "10", "0x%08x" % random.getrandbits(32)], capture_output=True,
                       timeout=10)
        out, _ = rx.communicate(timeout=10)
    finally:
        if rx.poll() is None:
            rx.kill()
            rx.wait()
    log("the loser's media at the caller:", out.strip())
    check("received 0 " in out, "the cancelled branch's media reached the caller: %s" % out)
    call_exists(a.ng, call.call_id)
    call.bye_from_caller()
    call_gone(a.ng, call.call_id)


class Args:
    pass


def free_port(lo, hi):
    """A port in lo..hi free for both UDP and TCP on 127.0.0.1 (the ng server binds both)."""
    for _ in range(100):
        p = random.randint(lo, hi)
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, \
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                u.bind(("127.0.0.1", p))
                t.bind(("127.0.0.1", p))
            return p
        except OSError:
            continue
    raise SystemExit("no free port in %d-%d" % (lo, hi))


def main(argv):
    if len(argv) == 4 and argv[1] == "freeport":
        print(free_port(int(argv[2]), int(argv[3])))
        return 0
    if len(argv) == 3 and argv[1] in ("options", "ngping"):
        end = time.monotonic() + 10
        while time.monotonic() < end:
            if argv[1] == "ngping":
                r = ng(argv[2], {"command": "ping"}, timeout=0.5)
                if r is not None:
                    print("ng ping:", r)
                    return 0 if r.get("result") == "pong" else 1
                continue
            ua = UA("probe", "127.0.0.1", addr(argv[2]))
            ua.sock.sendto(build("OPTIONS sip:%s SIP/2.0" % argv[2],
                         [("Via", ua.via(branch())), ("Max-Forwards", "70"),
                          ("From", "<sip:probe@127.0.0.1>;tag=1"),
                          ("To", "<sip:%s>" % argv[2]), ("Call-ID", branch()),
                          ("CSeq", "1 OPTIONS")]), ua.proxy)
            ua.sock.settimeout(0.5)
            try:
                print("OPTIONS:", Msg(ua.sock.recv(65535)).first)
                return 0
            except (socket.timeout, ConnectionRefusedError):
                time.sleep(0.2)
        print("no answer from %s within 10 s" % argv[2])
        return 1
    cases = {"plain": case_plain, "sdes": case_sdes, "cancel": case_cancel, "fork": case_fork}
    if len(argv) not in (6, 7) or argv[1] not in cases:
        print(__doc__, file=sys.stderr)
        return 2
    a = Args()
    a.proxy, a.ng, a.portmin, a.portmax = argv[2], argv[3], int(argv[4]), int(argv[5])
    a.endpoint = argv[6] if len(argv) == 7 else None
    try:
        cases[argv[1]](a)
    except Fail as e:
        print("FAILED:", e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
