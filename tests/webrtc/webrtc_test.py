#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""A real browser through srtprelayd: headless Chromium (page.html) calls a plain RTP/AVP
endpoint, the relay bridging WebRTC (ICE-lite, DTLS-SRTP, rtcp-mux, UDP/TLS/RTP/SAVPF) to
RTP/AVP with the flags a Kamailio WebRTC gateway uses.

    browser netns "wrtc-browser-ID"            host
    chromium, page.html                        srtprelayd (media on H.1, ng on 127.0.0.1)
    H.2/24  wrtcbID  ------- veth -------  wrtchID  H.1/24    http server (page, /offer, /stats)
                                                              plain endpoint (Python UDP)

Chromium offers no candidates on loopback, hence its own namespace. Its offer goes to the
relay (ng offer), the endpoint's PCMU answer back (ng answer) with the relay as DTLS server
(DTLS=passive) or client (DTLS=active). A run passes when, for 10 seconds, the endpoint gets
the browser's audio as plain RTP and the browser's getStats() counts the endpoint's audio,
with the SRTP cipher that run's roles lead to, and none of the endpoint's audio crossed the
veth in clear (read off the wire: before DTLS is done the relay must drop, not forward).
Prints PASS/FAIL per run (-v: SDP, events, logs of passing runs too; a run's name as an
argument runs only that one); every process, the namespace and the veth are gone at the
end, whatever happened.

The runs named answer_* go the other way: the phone calls the browser (the relay offers
UDP/TLS/RTP/SAVPF with generate-mid and a BUNDLE group, actpass; the browser answers)."""
import http.server
import json
import math
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True      # tests/daemon/ is not ours to write in
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
from ngclient import Daemon  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ID = os.environ.get("WRTC_ID") or str(os.getpid())
NS = "wrtc-browser-" + ID
VETH_HOST, VETH_NS = "wrtch" + ID, "wrtcb" + ID
CHROMIUM = os.environ.get("CHROMIUM", "chromium")
FIREFOX = os.environ.get("FIREFOX", "firefox-esr")
WINDOW = 10.0           # seconds media must keep flowing
MIN_PACKETS = 400       # of the 500 that 20 ms packets make in WINDOW
CONNECT_WAIT = 20.0     # from chromium's start to the endpoint's first packet
# What headless chromium always complains of here (no sound card, no D-Bus, a test in
# Debian's launcher script): not evidence.
CHROMIUM_NOISE = ("ALSA lib", "alsa_util", "dbus/", "Fontconfig", "unexpected operator",
                  "You are running in headless mode", "Gtk-Message", "glxtest",
                  "Sandbox: ", "libEGL warning")

# Who chooses the SRTP profile is the DTLS server: the relay prefers GCM (AEAD_AES_256_GCM
# first), the browser AES-CM (webrtc's CryptoOptions list has AES_CM_128_HMAC_SHA1_80 before
# the GCM suites), so the two roles cover both. The browser's getStats() and the relay's log
# name them differently; Chrome has used both the IANA DTLS-SRTP and the SDES names.
GCM = (("SRTP_AEAD_AES_256_GCM", "AEAD_AES_256_GCM"), "SRTP_AEAD_AES_256_GCM")
AES_CM = (("SRTP_AES128_CM_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_80"), "SRTP_AES128_CM_SHA1_80")
# Firefox as DTLS server (the relay active) picks the AES-128 GCM profile first.
GCM128 = (("SRTP_AEAD_AES_128_GCM", "AEAD_AES_128_GCM"), "SRTP_AEAD_AES_128_GCM")
# The audio-only runs' browser also offers a recvonly video m-line (VP8 only), which the phone
# rejects as a SIP phone without video does: with two m-lines the bundle policy shows in the
# offer. In the "send" runs the browser sends its fake camera's VP8 too and the phone (two
# ports, no BUNDLE) accepts it and sends it back: the relay carries audio and video on one
# bundled port toward the browser and demultiplexes them (daemon/bundle.c).
RUNS = [  # (name, ng answer's DTLS flag, bundlePolicy, video, cipher names)
    ("server_balanced_gcm", "passive", "balanced", "vp8", GCM),
    ("server_max-bundle_gcm", "passive", "max-bundle", "vp8", GCM),
    ("client_balanced_aescm", "active", "balanced", "vp8", AES_CM),
    ("client_max-bundle_aescm", "active", "max-bundle", "vp8", AES_CM),
    ("server_max-bundle_gcm_video", "passive", "max-bundle", "send", GCM),
    ("client_balanced_aescm_video", "active", "balanced", "send", AES_CM),
    # The phone calls the browser (the relay offers actpass, Chrome answers active: the relay
    # is the DTLS server), with max-bundle: the relay's offer must carry a BUNDLE group.
    ("answer_max-bundle_gcm", "passive", "max-bundle", "", GCM, "answer"),
    ("answer_max-bundle_gcm_video", "passive", "max-bundle", "send", GCM, "answer"),
]
# Firefox ESR the same ways (runs named firefox_*): it offers and answers, balanced and
# max-bundle (where its second m= line is "m=video 0 ... a=bundle-only"), audio and audio+video.
FIREFOX_RUNS = [
    ("firefox_server_balanced_gcm", "passive", "balanced", "vp8", GCM),
    ("firefox_server_max-bundle_gcm", "passive", "max-bundle", "vp8", GCM),
    ("firefox_client_max-bundle_gcm128_video", "active", "max-bundle", "send", GCM128),
    ("firefox_server_balanced_gcm_video", "passive", "balanced", "send", GCM),
    ("firefox_answer_max-bundle_gcm", "passive", "max-bundle", "", GCM, "answer"),
    ("firefox_answer_max-bundle_gcm_video", "passive", "max-bundle", "send", GCM, "answer"),
]
MIN_VIDEO_PACKETS = 100  # VP8 packets at the phone in WINDOW (the fake camera sends 30 fps)
MIN_FRAMES = 60          # frames the browser decodes of the video that came back
# Run only when named: Chrome's video m= section with every codec it has (~170 a= lines).
EXTRA_RUNS = [("server_balanced_gcm_allvideo", "passive", "balanced", "all", GCM)]
OFFER_FLAGS = {"transport-protocol": "RTP/AVP", "ICE": "remove", "DTLS": "off",
               "SDES": ["off"], "rtcp-mux": ["demux"], "replace": ["origin", "session-connection"]}
ANSWER_FLAGS = {"transport-protocol": "UDP/TLS/RTP/SAVPF", "ICE": "force", "SDES": ["off"],
                "replace": ["origin", "session-connection"]}
# the other way round: the phone offers, the browser answers
OFFER_TO_BROWSER = {"transport-protocol": "UDP/TLS/RTP/SAVPF", "ICE": "force", "SDES": ["off"],
                    "rtcp-mux": ["offer"], "flags": ["generate-mid"],
                    "replace": ["origin", "session-connection"]}
ANSWER_FROM_BROWSER = {"transport-protocol": "RTP/AVP", "ICE": "remove", "DTLS": "off",
                       "rtcp-mux": ["demux"], "replace": ["origin", "session-connection"]}


def sh(*cmd, check=True, timeout=20):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)


# ---------------------------------------------------------------- the network

def pick_subnet():
    """10.99.N.0/24 that no address on the host is in yet."""
    used = sh("ip", "-4", "-o", "addr").stdout
    n = int(ID) % 200
    for i in range(200):
        prefix = "10.99.%d." % ((n + i) % 200 + 20)
        if " %s" % prefix not in used:
            return prefix
    raise RuntimeError("no free 10.99.N.0/24")


def net_up(prefix):
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "add", VETH_HOST, "type", "veth", "peer", "name", VETH_NS, "netns", NS)
    sh("ip", "addr", "add", prefix + "1/24", "dev", VETH_HOST)
    sh("ip", "link", "set", VETH_HOST, "up")
    for cmd in (("ip", "link", "set", "lo", "up"),
                ("ip", "addr", "add", prefix + "2/24", "dev", VETH_NS),
                ("ip", "link", "set", VETH_NS, "up"),
                ("ip", "route", "add", "default", "via", prefix + "1")):
        sh("ip", "netns", "exec", NS, *cmd)


def net_down():
    """Kills what still runs in the namespace (only ours: it is named for this test), then
    removes it; the veth goes with it."""
    pids = sh("ip", "netns", "pids", NS, check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    sh("ip", "netns", "del", NS, check=False)
    sh("ip", "link", "del", VETH_HOST, check=False)


# ---------------------------------------------------------------- the relay

class Relay(Daemon):
    """srtprelayd on the host side of the veth (userspace relay); ng calls from the HTTP
    handler threads are serialised."""

    def __init__(self, addr, life=120):
        super().__init__(BUILD, "--log-level=6", ports=100, life=life, interface=addr)
        self.lock = threading.Lock()

    def call(self, cmd, **kw):
        with self.lock:
            return self.ng.call(cmd, **kw)


# ---------------------------------------------------------------- the plain endpoint

def ulaw(sample):
    """G.711 mu-law of a 16-bit linear sample."""
    sign = 0x80 if sample < 0 else 0
    sample = min(abs(sample), 32635) + 0x84
    exp = sample.bit_length() - 8
    return ~(sign | (exp << 4) | ((sample >> (exp + 3)) & 0x0f)) & 0xff


# 20 ms of a 1 kHz tone at 8 kHz: the browser's audio level shows it decoded something real.
TONE = bytes(ulaw(int(8000 * math.sin(2 * math.pi * 1000 * i / 8000))) for i in range(160))


def rtp_payload(pkt):
    """(pt, payload) of a valid RTP packet, else None."""
    if len(pkt) < 12 or pkt[0] >> 6 != 2:
        return None
    cc, pt = pkt[0] & 0x0f, pkt[1] & 0x7f
    off = 12 + 4 * cc
    if pkt[0] & 0x10:
        if len(pkt) < off + 4:
            return None
        off += 4 + 4 * struct.unpack("!H", pkt[off + 2:off + 4])[0]
    end = len(pkt) - (pkt[-1] if pkt[0] & 0x20 else 0)
    if end < off:
        return None
    return pt, pkt[off:end]


def port_pair(addr):
    """(RTP socket, RTCP socket, RTP port) bound to a free even/odd pair on addr."""
    for _ in range(20):
        port = random.randrange(20000, 60000) & ~1
        s = c = None
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((addr, port))
            c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            c.bind((addr, port + 1))
            s.settimeout(0.1)
            c.settimeout(0.1)
            return s, c, port
        except OSError:
            for sock in (s, c):
                if sock:
                    sock.close()
    raise RuntimeError("no free port pair for the endpoint")


class Endpoint:
    """A SIP phone's media: PCMU on an RTP socket (RTCP on the next port), 20 ms packets to
    the relay from the moment it knows where, and a log of what comes back. With video, it
    accepts the browser's VP8 on a second port pair and sends it back as its own stream (its
    SSRC), passing the browser's picture-loss reports back too, so the browser decodes
    video that crossed the relay both ways."""

    def __init__(self, addr, video=False):
        self.addr = addr
        self.s, self.c, self.port = port_pair(addr)
        self.video = video
        self.vs = self.vc = None
        if video:
            try:
                self.vs, self.vc, self.vport = port_pair(addr)
            except RuntimeError:
                self.s.close()
                self.c.close()
                raise
        self.to = None                 # the relay's SIP-side (addr, port)
        self.vto = None                # the same for video
        self.vgot = []                 # (time, pt, payload length, source) of video
        self.vssrc, self.browser_vssrc = random.getrandbits(32), None
        self.vpt = None
        self.vrtcp = 0                 # feedback messages passed back
        self.got = []                  # (time, pt, payload length, source)
        self.bad = 0                   # datagrams that are not RTP
        self.rtcp = 0
        self.sent = 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=f, daemon=True)
                        for f in (self.receive, self.receive_rtcp, self.send) +
                        ((self.echo_video, self.echo_feedback) if video else ())]
        for t in self.threads:
            t.start()

    def sdp(self, offer):
        """The answer to the relay's offer: PCMU audio, anything else rejected."""
        out = ("v=0\r\no=- 7 7 IN IP4 {a}\r\ns=plain endpoint\r\nc=IN IP4 {a}\r\n"
               "t=0 0\r\n").format(a=self.addr)
        vp8 = [l.split(":")[1].split()[0] for l in offer.splitlines()
               if l.startswith("a=rtpmap:") and " VP8/90000" in l]
        for m in [l.split() for l in offer.splitlines() if l.startswith("m=")]:
            if m[0] == "m=audio":
                out += ("m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n"
                        "a=sendrecv\r\n" % self.port)
            elif m[0] == "m=video" and self.video and vp8 and self.vpt is None:
                self.vpt = int(vp8[0])
                out += ("m=video %d RTP/AVP {p}\r\na=rtpmap:{p} VP8/90000\r\n"
                        "a=rtcp-fb:{p} nack pli\r\na=sendrecv\r\n" % self.vport).format(p=vp8[0])
            else:
                out += "%s 0 %s %s\r\n" % (m[0], m[2], m[3])
        return out

    def offer_sdp(self):
        """The phone's offer: PCMU, and VP8 video when it has video."""
        out = ("v=0\r\no=- 8 8 IN IP4 {a}\r\ns=plain endpoint\r\nc=IN IP4 {a}\r\nt=0 0\r\n"
               "m=audio {p} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n"
               ).format(a=self.addr, p=self.port)
        if self.video:
            self.vpt = 96
            out += ("m=video %d RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
                    "a=rtcp-fb:96 nack pli\r\na=sendrecv\r\n" % self.vport)
        return out

    def datagrams(self, sock):
        """(data, source) of what arrives on sock, until the endpoint stops."""
        while not self.stopping.is_set():
            try:
                yield sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return

    def log_rtp(self, data, src, log):
        """True if data is RTP, logged into log; counted as bad otherwise."""
        r = rtp_payload(data)
        if r:
            log.append((time.monotonic(), r[0], len(r[1]), src))
        else:
            self.bad += 1
        return r is not None

    def echo_video(self):
        """The browser's video back to it as ours: same packets, our SSRC."""
        for data, src in self.datagrams(self.vs):
            if not self.log_rtp(data, src, self.vgot):
                continue
            self.browser_vssrc = struct.unpack("!I", data[8:12])[0]
            if self.vto:
                try:
                    self.vs.sendto(data[:8] + struct.pack("!I", self.vssrc) + data[12:],
                                   self.vto)
                except OSError:
                    pass

    def echo_feedback(self):
        """The browser's PLI/FIR/NACK about our stream are about its own: sent back to it
        with the SSRCs swapped, so a lost key frame is asked for again."""
        for data, _ in self.datagrams(self.vc):
            out, off = b"", 0
            while off + 12 <= len(data):
                n = (struct.unpack("!H", data[off + 2:off + 4])[0] + 1) * 4
                pkt = data[off:off + n]
                if pkt[1] in (205, 206) and len(pkt) == n and self.browser_vssrc is not None:
                    out += pkt[:4] + struct.pack("!II", self.vssrc, self.browser_vssrc) + pkt[12:]
                off += n
            if out and self.vto:
                try:
                    self.vc.sendto(out, (self.vto[0], self.vto[1] + 1))
                    self.vrtcp += 1
                except OSError:
                    pass

    def receive(self):
        for data, src in self.datagrams(self.s):
            self.log_rtp(data, src, self.got)

    def receive_rtcp(self):
        for _ in self.datagrams(self.c):
            self.rtcp += 1

    def send(self):
        ssrc, seq, ts = random.getrandbits(32), random.getrandbits(16), random.getrandbits(32)
        next_at = time.monotonic()
        while not self.stopping.is_set():
            if self.to:
                hdr = struct.pack("!BBHII", 0x80, 0x80 if self.sent == 0 else 0, seq, ts, ssrc)
                try:
                    self.s.sendto(hdr + TONE, self.to)
                    self.sent += 1
                except OSError:
                    pass
                seq, ts = (seq + 1) & 0xffff, (ts + 160) & 0xffffffff
            next_at += 0.02
            time.sleep(max(0.0, next_at - time.monotonic()))

    def close(self):
        self.stopping.set()
        for t in self.threads:
            t.join(2)
        for sock in (self.s, self.c, self.vs, self.vc):
            if sock:
                sock.close()


# ---------------------------------------------------------------- the web server

class Run:
    """One call: what the page sent and what the relay said."""

    def __init__(self, name, dtls, bundle, video, cipher, relay, endpoint, role="offer"):
        self.name, self.dtls, self.bundle, self.cipher = name, dtls, bundle, cipher
        self.video, self.role = video, role
        self.relay, self.endpoint = relay, endpoint
        self.cid = "wrtc-%s-%s" % (ID, name)
        self.events = []               # (time, kind, text) from the page
        self.stats = []                # (time, getStats snapshot)
        self.offer = self.offer_out = self.answer = self.answer_out = None
        self.to_phone = None           # the SDP the plain side got from the relay
        self.warnings = []
        self.stop = threading.Event()
        self.wire = None
        self.browser_log = []
        self.browser = "chromium"

    def errors(self):
        return [t for _, k, t in self.events if k == "error"]

    def ng(self, cmd, **kw):
        """One ng offer or answer for this call; the SDP it returns."""
        r = self.relay.call(cmd, call_id=self.cid, **kw)
        if r.get("result") != "ok":
            raise RuntimeError("ng %s: %r" % (cmd, r))
        self.warnings += [r["warning"]] if "warning" in r else []
        return r["sdp"]

    def phone_at(self, sdp):
        """Where the phone sends its media: the relay's ports in the SDP it got."""
        self.to_phone = sdp
        self.endpoint.to = sdp_dest(sdp)
        if self.endpoint.video:
            self.endpoint.vto = sdp_dest(sdp, "video")

    def on_offer(self, sdp):
        self.offer = sdp
        self.offer_out = self.ng("offer", from_tag="browser", sdp=sdp, **OFFER_FLAGS)
        self.answer = self.endpoint.sdp(self.offer_out)
        self.answer_out = self.ng("answer", from_tag="browser", to_tag="phone",
                                  sdp=self.answer, DTLS=self.dtls, **ANSWER_FLAGS)
        self.phone_at(self.offer_out)
        return self.answer_out

    def phone_offer(self):
        """The phone's offer through the relay: what the browser is to answer."""
        self.offer_out = self.ng("offer", from_tag="phone", sdp=self.endpoint.offer_sdp(),
                                 **OFFER_TO_BROWSER)
        return self.offer_out

    def on_answer(self, sdp):
        self.answer = sdp
        self.answer_out = self.ng("answer", from_tag="phone", to_tag="browser", sdp=sdp,
                                  **ANSWER_FROM_BROWSER)
        self.phone_at(self.answer_out)


# Nothing of WebRTC's transport may reach the plain side: it bundles nothing and speaks
# neither ICE nor DTLS.
WEBRTC_ONLY = ("a=group:BUNDLE", "a=bundle-only", "a=ice-ufrag:", "a=ice-pwd:", "a=ice-options:",
               "a=candidate:", "a=fingerprint:", "a=setup:", "a=ice-lite")


def plain_side_fails(sdp):
    """What is wrong with the SDP the plain RTP/AVP phone got from the relay."""
    if not sdp:
        return ["phone: got no SDP from the relay"]
    lines = sdp.splitlines()
    fails = ["phone: its SDP has %r" % l for l in lines if l.startswith(WEBRTC_ONLY)]
    fails += ["phone: a media line not in RTP/AVP: %r" % l for l in lines
              if l.startswith("m=") and l.split()[2] != "RTP/AVP"]
    audio = [l for l in lines if l.startswith("m=audio ")]
    if not audio or "RTP/AVP" not in audio[0] or " 0" not in audio[0][audio[0].index("RTP/AVP"):]:
        fails.append("phone: no RTP/AVP audio with PCMU in %s" % audio)
    return fails


def sdp_sections(text):
    """[(m= line, {c=, a=candidate count})], the session's c= inherited."""
    out, conn = [], None
    for line in text.splitlines():
        if line.startswith("m="):
            out.append([line, {"c": conn, "candidates": 0}])
        elif line.startswith("c=IN IP4 "):
            if out:
                out[-1][1]["c"] = line.split()[2]
            else:
                conn = line.split()[2]
        elif line.startswith("a=candidate:") and out:
            out[-1][1]["candidates"] += 1
    return out


def sdp_dest(text, kind="audio"):
    """(address, port) of the first m= section of a kind."""
    m, info = next(s for s in sdp_sections(text) if s[0].startswith("m=%s " % kind))
    return info["c"], int(m.split()[1])


class Handler(http.server.BaseHTTPRequestHandler):
    run = None                          # the current Run, set by the driver
    page = b""

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body, ctype="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.split("?")[0] == "/page.html":
            self.reply(200, Handler.page, "text/html; charset=utf-8")
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self):
        run = Handler.run
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        except ValueError as e:
            self.reply(400, {"error": str(e)})
            return
        if not run or body.get("run") != run.name:
            self.reply(200, {"stop": True})       # a page from an earlier run
            return
        now = time.monotonic()
        if self.path in ("/offer", "/call", "/answer"):
            try:
                if self.path == "/offer":
                    self.reply(200, {"sdp": run.on_offer(body["sdp"])})
                elif self.path == "/call":
                    self.reply(200, {"sdp": run.phone_offer()})
                else:
                    run.on_answer(body["sdp"])
                    self.reply(200, {})
            except Exception as e:      # the page reports it back, and so does the run
                run.events.append((now, "error", "driver: %s" % e))
                self.reply(200, {"error": str(e)})
        elif self.path == "/stats":
            run.stats.append((now, body.get("stats") or {}))
            self.reply(200, {"stop": run.stop.is_set()})
        elif self.path == "/log":
            run.events.append((now, body.get("kind", "?"), body.get("msg", "")))
            self.reply(200, {})
        else:
            self.reply(404, {"error": "not found"})


# ---------------------------------------------------------------- one run

class Wire:
    """What the relay sends the browser, read off the host end of the veth (AF_PACKET sees
    outgoing frames too): when, what kind, and whether the endpoint's audio is in it in
    clear, which must never happen on the browser's side."""

    def __init__(self, ifname, relay_addr, browser_addr):
        self.src, self.dst = socket.inet_aton(relay_addr), socket.inet_aton(browser_addr)
        # ETH_P_ALL: only taps for every protocol see the frames we send
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.s.bind((ifname, 0))
        self.s.settimeout(0.1)
        self.pkts = []                  # (time, kind, UDP payload length, audio in clear)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    @staticmethod
    def kind(pl):
        """RFC 7983's demultiplexing by the first byte."""
        b = pl[0] if pl else 255
        return "STUN" if b < 4 else "DTLS" if 20 <= b < 64 else "RTP" if 128 <= b < 192 else "?"

    def read(self):
        while not self.stopping.is_set():
            try:
                frame = self.s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            ip = frame[14:]
            if frame[12:14] != b"\x08\x00" or len(ip) < 28 or ip[9] != 17 or \
                    ip[12:16] != self.src or ip[16:20] != self.dst:
                continue            # not IPv4 UDP from the relay to the browser
            pl = ip[(ip[0] & 15) * 4 + 8:]
            self.pkts.append((time.monotonic(), self.kind(pl), len(pl), TONE in pl))

    def close(self):
        self.stopping.set()
        self.thread.join(2)
        self.s.close()

    def count(self, kind):
        """Packets of a kind; for "RTP", only those that are not audio in clear."""
        return sum(1 for p in self.pkts if p[1] == kind and not p[3])

    def leaks(self):
        """[] or what tells the story of audio sent in clear: how many, and when against
        the relay's first DTLS packet and its first encrypted RTP."""
        clear = [p for p in self.pkts if p[3]]
        if not clear:
            return []
        dtls = next((p[0] for p in self.pkts if p[1] == "DTLS"), None)
        srtp = next((p[0] for p in self.pkts if p[1] == "RTP" and not p[3]), None)

        def at(t):
            return "%+.1f ms" % ((t - dtls) * 1000) if None not in (t, dtls) else "?"
        return ["relay: %d packets of the endpoint's audio sent to the browser UNENCRYPTED "
                "(%d bytes of UDP payload each), the first at %s and the last at %s from the "
                "relay's first DTLS packet; its first SRTP packet at %s" % (
                    len(clear), clear[0][2], at(clear[0][0]), at(clear[-1][0]), at(srtp))]


# Firefox's profile: fake devices without asking, getUserMedia on a plain http origin, host
# candidates with their addresses (no mDNS names), nothing phoning home.
FIREFOX_PREFS = {
    "media.navigator.streams.fake": True, "media.navigator.permission.disabled": True,
    "media.devices.insecure.enabled": True, "media.getusermedia.insecure.enabled": True,
    "media.peerconnection.ice.obfuscate_host_addresses": False,
    "media.autoplay.default": 0, "media.autoplay.blocking_policy": 0,
    "media.volume_scale": "0.0", "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False, "toolkit.telemetry.enabled": False,
    "app.update.auto": False, "browser.startup.homepage_override.mstone": "ignore",
    "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False, "browser.safebrowsing.update.enabled": False,
}


def browser_kind(name):
    return "firefox" if name.startswith("firefox_") else "chromium"


class Browser:
    """chromium or firefox-esr in the namespace, bounded by timeout, killed as a process
    group."""

    def __init__(self, url, origin, life, kind="chromium"):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix="wrtc-%s-" % kind)
        self.log = open(os.path.join(self.dir, "browser.log"), "w+")
        env = dict(os.environ, HOME=self.dir, XDG_CONFIG_HOME=self.dir,
                   XDG_CACHE_HOME=self.dir)
        env.pop("DISPLAY", None)
        if kind == "firefox":
            profile = os.path.join(self.dir, "profile")
            os.mkdir(profile)
            with open(os.path.join(profile, "user.js"), "w") as f:
                for k, v in FIREFOX_PREFS.items():
                    f.write("user_pref(%s, %s);\n" % (json.dumps(k), json.dumps(v)))
            env["MOZ_HEADLESS"] = "1"
            cmd = ["ip", "netns", "exec", NS, "timeout", "-k", "3", str(life), FIREFOX,
                   "--headless", "--no-remote", "--profile", profile, url]
            self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                         env=env, start_new_session=True)
            return
        cmd = ["ip", "netns", "exec", NS, "timeout", "-k", "3", str(life), CHROMIUM,
               "--headless=new", "--no-sandbox", "--disable-gpu",
               "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
               "--autoplay-policy=no-user-gesture-required",
               "--unsafely-treat-insecure-origin-as-secure=" + origin,
               "--user-data-dir=" + os.path.join(self.dir, "profile"),
               "--no-first-run", "--no-default-browser-check", "--disable-extensions",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-dev-shm-usage", "--mute-audio",
               "--disable-features=WebRtcHideLocalIpsWithMdns", url]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)

    def logtail(self, n=15):
        """The last n lines of its log (None: all) that are not CHROMIUM_NOISE."""
        self.log.flush()
        self.log.seek(0)
        lines = [l for l in self.log.read().splitlines()
                 if l.strip() and not any(x in l for x in CHROMIUM_NOISE)]
        self.log.seek(0, os.SEEK_END)
        return lines[-n:] if n else lines

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        # what left the group but not the namespace
        for pid in sh("ip", "netns", "pids", NS, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (OSError, ValueError):
                pass

    def close(self):
        tail = self.logtail()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return tail


def last_stats(run):
    return run.stats[-1][1] if run.stats else {}


def inbound_at(run, t):
    """packetsReceived of the last report at or before t (0 when there is none)."""
    n = 0
    for when, s in run.stats:
        if when <= t:
            n = (s.get("inbound") or {}).get("packetsReceived", n)
    return n


def evaluate(run, t0):
    """Failures of the run; [] when it passed."""
    fails = list(run.errors())
    ep = run.endpoint
    if t0 is None:
        return fails or ["the endpoint got no RTP from the browser within %ds" % CONNECT_WAIT]
    window = [g for g in ep.got if t0 <= g[0] < t0 + WINDOW]
    pcmu = [g for g in window if g[1] == 0 and g[2] == 160]
    if len(pcmu) < MIN_PACKETS:
        fails.append("endpoint: %d plain PCMU packets (160-byte payloads) in %ds, want >= %d; "
                     "payload types/sizes seen: %s" % (
                         len(pcmu), WINDOW, MIN_PACKETS,
                         sorted({(g[1], g[2]) for g in window})[:8]))
    per_second = [sum(1 for g in pcmu if t0 + i <= g[0] < t0 + i + 1) for i in range(int(WINDOW))]
    if min(per_second) == 0:
        fails.append("endpoint: a second without audio: %s" % per_second)
    sources = {g[3] for g in window}
    if sources != {ep.to}:
        fails.append("endpoint: RTP from %s, expected only from the relay's %s" % (sources, ep.to))
    got = inbound_at(run, t0 + WINDOW + 1) - inbound_at(run, t0)
    if got < MIN_PACKETS:
        fails.append("browser: inbound-rtp packetsReceived grew by %d in %ds, want >= %d" % (
            got, WINDOW, MIN_PACKETS))
    s = last_stats(run)
    inb = s.get("inbound") or {}
    if not inb.get("totalAudioEnergy"):
        fails.append("browser: no audio energy in what it received (%s)" % inb)
    tr = [t for t in s.get("transports", []) if t.get("selectedCandidatePairId")]
    if not tr:
        fails.append("browser: no transport with a selected candidate pair")
    else:
        if tr[0].get("srtpCipher") not in run.cipher[0]:
            fails.append("browser: srtpCipher %s, expected %s" % (tr[0].get("srtpCipher"),
                                                                 run.cipher[0][0]))
        role = "client" if run.dtls == "passive" else "server"
        if tr[0].get("dtlsRole") not in (None, role):
            fails.append("browser: dtlsRole %s, expected %s" % (tr[0].get("dtlsRole"), role))
    # what the bundle policy does to the video m= section: its own candidates, or none
    secs = sdp_sections(run.offer or "")
    if run.video and len(secs) == 2 and (secs[1][1]["candidates"] > 0) != (
            run.bundle == "balanced"):
        fails.append("browser: the offer's video section has %d candidates with bundlePolicy %s"
                     % (secs[1][1]["candidates"], run.bundle))
    fails += plain_side_fails(run.to_phone)
    if run.video == "send":
        fails += evaluate_video(run, t0)
    if run.wire:
        fails += run.wire.leaks()
        n = run.wire.count("RTP")
        if n < MIN_PACKETS:     # the check above is worth nothing if the capture is blind
            fails.append("wire: only %d RTP/RTCP packets from the relay to the browser seen" % n)
    # the browser notices what it cannot decrypt
    fails += ["browser: " + l[l.index("Failed to unprotect"):] for l in run.browser_log
              if "Failed to unprotect" in l][:3]
    # the relay's notice: "DTLS-SRTP with <tag>: <profile>, we are server|client"
    ours = "server" if run.dtls == "passive" else "client"
    said = [l for l in run.relay.logtext().splitlines() if "DTLS-SRTP with" in l]
    if not any(run.cipher[1] in l and "we are " + ours in l for l in said):
        fails.append("srtprelayd: no DTLS-SRTP %s as %s in its log (%s)" % (
            run.cipher[1], ours, said))
    return fails


def video_frames_at(run, t):
    n = 0
    for when, s in run.stats:
        if when <= t:
            n = (s.get("inboundVideo") or {}).get("framesDecoded", n)
    return n


def evaluate_video(run, t0):
    """Audio and video on one bundled transport: the answer says so, the phone gets the
    browser's VP8 on its video port, and the browser decodes what the phone sent back."""
    fails, ep = [], run.endpoint
    # the SDP the browser got, and its BUNDLE: one port in the relay's answer; in the relay's
    # offer one port each, grouped (the browser's answer then bundles them)
    to_browser = run.answer_out if run.role == "offer" else run.offer_out
    secs = sdp_sections(to_browser or "")
    ports = {int(m.split()[1]) for m, _ in secs}
    group = [l for l in (to_browser or "").splitlines() if l.startswith("a=group:BUNDLE")]
    if len(secs) != 2 or len(ports) != (1 if run.role == "offer" else 2) or \
            group != ["a=group:BUNDLE 0 1"]:
        fails.append("relay: its %s does not bundle audio and video: %s, ports %s" % (
            "answer" if run.role == "offer" else "offer", group, sorted(ports)))
    vwin = [g for g in ep.vgot if t0 <= g[0] < t0 + WINDOW and g[1] == ep.vpt]
    if len(vwin) < MIN_VIDEO_PACKETS:
        fails.append("endpoint: %d VP8 packets (pt %s) in %ds, want >= %d" % (
            len(vwin), ep.vpt, WINDOW, MIN_VIDEO_PACKETS))
    if {g[3] for g in vwin} - {ep.vto}:
        fails.append("endpoint: video from %s, expected only from the relay's %s" % (
            {g[3] for g in vwin}, ep.vto))
    frames = video_frames_at(run, t0 + WINDOW + 1) - video_frames_at(run, t0)
    if frames < MIN_FRAMES:
        fails.append("browser: decoded %d frames of the returned video in %ds, want >= %d "
                     "(%s)" % (frames, WINDOW, MIN_FRAMES, last_stats(run).get("inboundVideo")))
    transports = last_stats(run).get("transports", [])
    if len(transports) != 1:
        fails.append("browser: %d transports, want the one bundled" % len(transports))
    return fails


def watch(run, browser):
    """Waits for the browser's first packet at the endpoint, then for WINDOW seconds of
    media; returns when it started (None if it never did)."""
    t0, endpoint = None, run.endpoint
    deadline = time.monotonic() + CONNECT_WAIT
    while time.monotonic() < deadline and not run.errors() and browser.proc.poll() is None:
        if endpoint.got:
            t0 = endpoint.got[0][0]
            break
        time.sleep(0.1)
    if t0 is not None:
        # the page's last report must come after the window
        while time.monotonic() < t0 + WINDOW + 1.5 and not run.errors():
            time.sleep(0.2)
    run.stop.set()
    time.sleep(1.2)                     # the page's last report, which it is told to stop
    return t0


def one_run(spec, host, port, quiet):
    name, dtls, bundle, video, cipher = spec[:5]
    role = spec[5] if len(spec) > 5 else "offer"
    fails, tail, rc, log = [], [], None, ""
    relay = endpoint = browser = run = None
    try:
        relay = Relay(host + "1")
        endpoint = Endpoint(host + "1", video == "send")
        run = Run(name, dtls, bundle, video, cipher, relay, endpoint, role)
        run.browser = browser_kind(name)
        run.wire = Wire(VETH_HOST, host + "1", host + "2")
        Handler.run = run
        origin = "http://%s1:%d" % (host, port)
        browser = Browser("%s/page.html?run=%s&bundle=%s&video=%s&role=%s" % (
                              origin, name, bundle, video, role),
                          origin, life=int(CONNECT_WAIT + WINDOW + 15), kind=run.browser)
        t0 = watch(run, browser)
        run.browser_log = browser.logtail(None)
        fails = evaluate(run, t0)
        if browser.proc.poll() is not None and t0 is None:
            fails.append("%s exited with %s" % (run.browser, browser.proc.returncode))
    except Exception:
        fails.append("driver: " + traceback.format_exc())
    finally:
        Handler.run = None
        if run:
            try:
                relay.call("delete", call_id=run.cid)
            except OSError:
                pass
        if browser:
            browser.stop()
            tail = browser.close()
        if endpoint:
            endpoint.close()
        if run and run.wire:
            run.wire.close()
        if relay:
            rc, log = relay.stop()
    if rc not in (None, 0, -15, 143):
        fails.append("srtprelayd exited with %s" % rc)
    report(name, run, fails, tail, log, quiet)
    return not fails


def report(name, run, fails, tail, log, quiet):
    s = last_stats(run) if run else {}
    ep = run.endpoint if run else None
    tr = next((t for t in s.get("transports", []) if t.get("selectedCandidatePairId")), {})
    pair = s.get("pair") or {}
    wire = run.wire if run else None
    summary = ("endpoint got %s RTP (%s not RTP), %s RTCP, sent %s; relay to browser %s "
               "SRTP/SRTCP, %s DTLS, %s STUN; browser inbound %s outbound %s, %s/%s dtls %s, "
               "pair %s -> %s" % (
                   ep and len(ep.got), ep and ep.bad, ep and ep.rtcp, ep and ep.sent,
                   wire and wire.count("RTP"), wire and wire.count("DTLS"),
                   wire and wire.count("STUN"),
                   (s.get("inbound") or {}).get("packetsReceived"),
                   (s.get("outbound") or {}).get("packetsSent"), tr.get("srtpCipher"),
                   tr.get("dtlsCipher"), tr.get("dtlsRole"), pair.get("local"),
                   pair.get("remote")))
    if ep and ep.video:
        summary += "; video: endpoint got %d, passed back %d feedback, browser %s" % (
            len(ep.vgot), ep.vrtcp, s.get("inboundVideo"))
    if not fails:
        print("PASS webrtc.%s (%s)" % (name, summary))
    else:
        print("FAIL webrtc.%s" % name)
        for f in fails:
            print("    " + f)
        print("    " + summary)
    if run and (fails or not quiet):
        print("    page events: " + "; ".join("%s %s" % (k, t) for _, k, t in run.events))
        if run.warnings:
            print("    ng warnings: %s" % run.warnings)
        sdps = (("browser's offer", run.offer),
                ("relay's offer to the phone", run.offer_out),
                ("relay's answer to the browser", run.answer_out)) if run.role == "offer" else (
                ("relay's offer to the browser", run.offer_out),
                ("browser's answer", run.answer),
                ("relay's answer to the phone", run.answer_out))
        for title, text in sdps:
            if text:
                print("    %s:\n%s" % (title, "\n".join("      " + l
                                                        for l in text.splitlines())))
        print("    last stats: %s" % json.dumps(s))
    if fails or not quiet:
        print("    srtprelayd log%s:" % (" (tail)" if quiet else ""))
        for line in log.splitlines()[-25 if quiet else 0:]:
            print("      " + line)
        print("    %s log (tail):" % (run.browser if run else "browser"))
        for line in tail:
            print("      " + line)
    sys.stdout.flush()


def main():
    # a timeout's SIGTERM unwinds through the finally blocks, which stop what we started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    only = [a for a in sys.argv[1:] if not a.startswith("-")]
    quiet = "-v" not in sys.argv[1:]
    if shutil.which(CHROMIUM) is None:
        print("SKIP webrtc: no %s" % CHROMIUM)
        return 77
    failed = 0
    server = None
    try:
        net_down()                      # a namespace left by a killed run with our id
        host = pick_subnet()
        net_up(host)
        with open(os.path.join(HERE, "page.html"), "rb") as f:
            Handler.page = f.read()
        server = http.server.ThreadingHTTPServer((host + "1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        firefox = shutil.which(FIREFOX) is not None
        if not firefox:
            print("SKIP webrtc.firefox_* (no %s: ./scripts/install-deps.sh test)" % FIREFOX)
        for spec in RUNS + (FIREFOX_RUNS if firefox else []) + EXTRA_RUNS:
            if (only and not any(o in spec[0] for o in only)) or \
                    (spec in EXTRA_RUNS and spec[0] not in only):
                continue
            if not one_run(spec, host, server.server_address[1], quiet):
                failed += 1
    except Exception:
        print("FAIL webrtc (setup)\n" + traceback.format_exc())
        failed += 1
    finally:
        if server:
            server.shutdown()
            server.server_close()
        net_down()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
