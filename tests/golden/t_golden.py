#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Golden SDP tests: SDP + ng flags in, the exact SDP srtprelayd must give back.

Each tests/golden/cases/NAME.case holds, after '#' comment lines:
    offer-flags: {JSON: extra ng keys of the offer}     (optional)
    answer-flags: {JSON}                                (optional)
    === offer          the offerer's SDP
    === offer-out      what B must get
    === answer         the answerer's SDP               (optional)
    === answer-out     what A must get                  (with answer)
SDP is written with LF endings; it is sent with CRLF and replies are compared with LF. Relay
ports become {P1}, {P1+1}, {P2}... in order of first appearance (one numbering per case),
SDES keys inline:{KEY} (the test also checks every key is fresh and well formed), our ICE
credentials {UFRAG} and {PWD} (checked for length), candidate ports like the others, and our
DTLS certificate's a=fingerprint {OURS}.

Then the captured Kamailio traffic (tests/ng/kamailio-5.6-rtpengine-module.txt) is replayed
byte for byte: every request must get the result rtpengine gave, and every SDP in a reply the
same lines as rtpengine's (ports and keys normalised; rtpengine orders a few lines
differently, so lines are compared as a multiset)."""
import base64
import glob
import json
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "daemon"))
from ngclient import Daemon, NG, bdec  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE = os.path.join(HERE, "..", "ng", "kamailio-5.6-rtpengine-module.txt")
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"


def parse_case(path):
    flags = {"offer": {}, "answer": {}}
    parts = {}
    cur = None
    for line in open(path).read().split("\n"):
        if line.startswith("=== "):
            cur = line[4:].strip()
            parts[cur] = []
        elif cur:
            parts[cur].append(line)
        elif line.startswith("offer-flags:") or line.startswith("answer-flags:"):
            k, v = line.split(":", 1)
            flags[k.split("-")[0]] = json.loads(v)
        elif line.strip() and not line.startswith("#"):
            raise ValueError("%s: stray line %r" % (path, line))
    text = {k: "\n".join(v).rstrip("\n") + "\n" for k, v in parts.items()}
    if ("answer" in text) != ("answer-out" in text):
        raise ValueError("%s: an answer needs its answer-out and the other way" % path)
    return flags, text


class Normaliser:
    def __init__(self, pmin, pmax):
        self.pmin, self.pmax = pmin, pmax
        self.bases = {}
        self.keys = []

    def port(self, m):
        p = int(m.group(0))
        if not self.pmin <= p <= self.pmax:
            return m.group(0)
        base = p & ~1
        if base not in self.bases:
            self.bases[base] = len(self.bases) + 1
        n = self.bases[base]
        return "{P%d}" % n if p == base else "{P%d+1}" % n

    def key(self, m):
        raw = base64.b64decode(m.group(1))
        if len(raw) not in (30, 38, 46, 28, 44):
            raise AssertionError("key of %d octets: %s" % (len(raw), m.group(1)))
        self.keys.append(raw)
        return "inline:{KEY}"

    @staticmethod
    def ice(m):
        name, value = m.group(1), m.group(2)
        if len(value) < (4 if name == "ufrag" else 22):
            raise AssertionError("ice-%s too short: %s" % (name, value))
        return "a=ice-%s:{%s}" % (name, name.upper())

    def __call__(self, sdp):
        sdp = sdp.replace("\r\n", "\n")
        sdp = re.sub(r"inline:([A-Za-z0-9+/=]+)", self.key, sdp)
        sdp = re.sub(r"(?m)^a=ice-(ufrag|pwd):(\S+)$", self.ice, sdp)
        # the other side's never passes through: any fingerprint here is our certificate's
        sdp = re.sub(r"(?m)^a=fingerprint:sha-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}$",
                     "a=fingerprint:{OURS}", sdp)
        sdp = re.sub(r"(?m)^(a=candidate:\S+ \d+ \S+ \d+ \S+ )(\d+)",
                     lambda m: m.group(1) + self.port(re.match(r"\d+", m.group(2))), sdp)
        # Only where the relay writes ports: m= and a=rtcp (not clock rates or the like).
        sdp = re.sub(r"(?m)(?<=^m=)(\S+ )(\d+)",
                     lambda m: m.group(1) + self.port(re.match(r"\d+", m.group(2))), sdp)
        return re.sub(r"(?m)(?<=^a=rtcp:)\d+", self.port, sdp)


def crlf(text):
    return text.replace("\n", "\r\n")


def run_case(d, path, n):
    flags, text = parse_case(path)
    cid = "golden-%d" % n
    norm = Normaliser(d.pmin, d.pmax)
    r = d.ng.call("offer", call_id=cid, from_tag="A", sdp=crlf(text["offer"]), **flags["offer"])
    if r.get("result") != "ok":
        raise AssertionError("offer: %r" % r)
    got = {"offer-out": norm(r["sdp"])}
    if "answer" in text:
        r = d.ng.call("answer", call_id=cid, from_tag="A", to_tag="B",
                      sdp=crlf(text["answer"]), **flags["answer"])
        if r.get("result") != "ok":
            raise AssertionError("answer: %r" % r)
        got["answer-out"] = norm(r["sdp"])
    d.ng.call("delete", call_id=cid)
    if len(set(norm.keys)) != len(norm.keys):
        raise AssertionError("the same SDES key twice")
    if UPDATE:
        body = open(path).read()
        for k, v in got.items():
            # up to the next header line, even when the section is still empty
            body = re.sub(r"(^=== %s\n)(.*?)(?=^=== |\Z)" % re.escape(k),
                          lambda m: m.group(1) + v.rstrip("\n") + "\n", body,
                          flags=re.S | re.M)
        open(path, "w").write(body.rstrip("\n") + "\n")
        return
    for k, v in got.items():
        if v != text.get(k):
            raise AssertionError("%s differs:\n--- expected\n%s--- got\n%s" %
                                 (k, text.get(k), v))


def capture_entries():
    entries = []
    cur = None
    for line in open(CAPTURE, encoding="utf-8"):
        if line.startswith("#### "):
            f = line.split()
            cur = {"dir": f[3], "cookie": f[5].split("=", 1)[1], "what": f[6]}
            entries.append(cur)
        elif line.startswith("B64: ") and cur is not None:
            cur["data"] = base64.b64decode(line[5:].strip())
    return [e for e in entries if "data" in e]


def sdp_lines(sdp, norm):
    return sorted(l for l in norm(sdp).split("\n") if l)


def replay(d):
    """Returns a list of failure messages."""
    entries = capture_entries()
    if len(entries) < 10:
        return ["capture has only %d messages" % len(entries)]
    socks = {}
    fails = []
    norm = Normaliser(d.pmin, d.pmax)
    theirs_norm = Normaliser(30000, 40000)   # rtpengine's range in the capture
    pending = {}
    compared = 0
    for e in entries:
        if e["dir"] == "proxy->daemon":
            # One socket per Kamailio worker (cookie "0_<pid>_<n>"), as in the capture.
            s = socks.setdefault(e["cookie"].split("_")[1], NG(d.ng.addr))
            rep = s.raw(e["data"])
            pending[e["cookie"]] = (e, rep)
        else:
            req, rep = pending.pop(e["cookie"], (None, None))
            if rep is None:
                fails.append("no request for reply %s" % e["cookie"])
                continue
            ck, _, body = rep.partition(b" ")
            tk, _, tbody = e["data"].partition(b" ")
            ours, theirs = bdec(body)[0], bdec(tbody)[0]
            what = "%s %s" % (req["what"], e["cookie"])
            if ck != tk:
                fails.append("%s: cookie %r, expected %r" % (what, ck, tk))
            if ours.get("result") != theirs.get("result"):
                fails.append("%s: result %r, rtpengine said %r (%s)" %
                             (what, ours.get("result"), theirs.get("result"),
                              ours.get("error-reason")))
                continue
            if "sdp" in theirs:
                compared += 1
                a, b = sdp_lines(ours.get("sdp", ""), norm), sdp_lines(theirs["sdp"],
                                                                      theirs_norm)
                if a != b:
                    fails.append("%s: SDP differs from rtpengine's:\n  only ours: %s\n"
                                 "  only rtpengine's: %s" %
                                 (what, sorted(set(a) - set(b)), sorted(set(b) - set(a))))
    for s in socks.values():
        s.close()
    if compared < 5:
        fails.append("only %d SDP replies compared (the capture has 5)" % compared)
    if pending:
        fails.append("requests without a reply in the capture: %s" % list(pending))
    return fails


def main():
    cases = sorted(glob.glob(os.path.join(HERE, "cases", "*.case")))
    only = sys.argv[1:]
    failed = 0
    d = Daemon(BUILD, ports=2000)
    try:
        for n, path in enumerate(cases):
            name = os.path.basename(path)[:-5]
            if only and name not in only:
                continue
            try:
                run_case(d, path, n)
                print("PASS golden.%s" % name, flush=True)
            except Exception:
                failed += 1
                print("FAIL golden.%s" % name, flush=True)
                traceback.print_exc(file=sys.stdout)
        if not only or "replay" in only:
            fails = replay(d)
            print("%s golden.kamailio_replay" % ("FAIL" if fails else "PASS"))
            for f in fails:
                print("    " + f)
            failed += bool(fails)
    finally:
        rc, log = d.stop()
    if rc != 0:
        print("FAIL golden.daemon_exit (%s)" % rc)
        print(log[-2000:])
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
