#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""srtprelayd driving srtprelay.ko, inside a VM (run as root by tests/kmod/run-kernel.sh).

    caller ns                 relay ns (srtprelayd --table=0)                callee ns
    10.10.1.2  --- veth ---  10.10.1.1 | 10.10.2.1  --- veth ---  10.10.2.2

The daemon is controlled over ng on 127.0.0.1 inside the relay namespace; endpoints are
tests/kmod/endpoint (libsrtp2). Cases: SDES SRTP <-> RTP offloaded (the counters show the
kernel relayed all but the first packets), DTLS-SRTP <-> RTP offloaded the same way, re-key and hold with the kernel in the path,
SIGKILL of the daemon mid-call (media keeps flowing; the restarted daemon keeps the flows it
finds and removes them once silent, releasing their ports), clean shutdown (rule and flows
gone). Prints PASS/FAIL kmod.offload.<case>.
OFFLOAD_CASES="sdes_to_rtp ..." runs only those (the slow debug kernel runs one).
"""
import os
import signal
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "daemon"))
from ngclient import NG, crypto_line, sdp, sdp_cryptos, sdp_media_port  # noqa: E402
sys.path.insert(0, HERE)
from netns import cleanup, sh, topology  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ENDPOINT = os.path.join(TOP, BUILD, "tests", "kmod", "endpoint")
DAEMON = os.path.join(TOP, BUILD, "srtprelayd")
CTL = os.path.join(TOP, BUILD, "srtprelay-ctl")
DTLS_PEER = os.path.join(TOP, BUILD, "tests", "daemon", "dtls_peer")
NGADDR = ("127.0.0.1", 2223)
N = 300
KEY_A = bytes(range(1, 31))
KEY_A2 = bytes(range(61, 91))
SUITE = "AES_CM_128_HMAC_SHA1_80"
CALLER, CALLEE = "10.10.1.2", "10.10.2.2"


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Daemon:
    """srtprelayd itself (no timeout wrapper: the SIGKILL case must hit the daemon); every
    instance is stopped by inner()'s cleanup, and the VM's own timeout bounds everything."""
    ALL = []

    def __init__(self, *extra):
        self.log = open("/tmp/offload-daemon.log", "a+")
        self.log.write("---- start %s\n" % (extra,))
        self.log.flush()
        self.proc = subprocess.Popen(
            [DAEMON, "--foreground", "--table=0", "--interface=10.10.1.1",
             "--listen-ng=%s:%d" % NGADDR, "--port-min=30000", "--port-max=30999",
             "--log-level=6"] + list(extra), stdout=self.log, stderr=subprocess.STDOUT)
        Daemon.ALL.append(self.proc)
        self.ng = NG(NGADDR, timeout=5)
        self.ng.wait_ready(self.proc, 10, self.text)

    def text(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def call(self, cmd, **kw):
        r = self.ng.call(cmd, **kw)
        check(r.get("result") == "ok", "%s: %r" % (cmd, r))
        return r

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.ng.close()
        return self.proc.returncode


def media(src_ns, suite, key_hex, dest, src_port, dst_ns, rsuite, rkey_hex, listen, ssrc,
          send_how=(), exact=False):
    """Sends N packets and checks the receiver decrypted all of them (exact: and nothing
    more, within 3 s). send_how: the endpoint's send option (dup, replay=MS)."""
    rx = subprocess.Popen(["ip", "netns", "exec", dst_ns, ENDPOINT, "recv", rsuite, rkey_hex,
                           listen, str(N), "3000" if exact else "20000", "first=60000"] +
                          (["exact"] if exact else []), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    try:
        check("listening" in rx.stdout.readline(), "receiver did not start")
        tx = sh(ENDPOINT, "send", suite, key_hex, dest, str(src_port), str(N), str(ssrc),
                *send_how, ns=src_ns, check=False, timeout=30)
        check(tx.returncode == 0, "send: " + tx.stdout + tx.stderr)
        out, _ = rx.communicate(timeout=90)
    finally:
        if rx.poll() is None:
            rx.kill()
            rx.wait()
    check(rx.returncode == 0, "%s -> %s: %s" % (src_ns, dst_ns, out.strip()))


def stream_of(q, tag):
    return q["tags"][tag]["medias"][0]["streams"][0]


def kernel_split(st):
    total = st["stats"]["packets"]
    k = st["stats"].get("kernel", {}).get("packets", 0)
    return total - k, k


class Call:
    """caller (SDES) <-> callee (plain RTP), ports 4000 / 5000."""

    def __init__(self, d, cid, key=KEY_A):
        self.d, self.cid = d, cid
        off = d.call("offer", call_id=cid, from_tag="a", transport_protocol="RTP/AVP",
                     sdp=sdp(CALLER, 4000, "RTP/SAVP", media_extra=[crypto_line(1, SUITE, key)]))
        self.to_b = sdp_media_port(off["sdp"])
        ans = d.call("answer", call_id=cid, from_tag="a", to_tag="b", sdp=sdp(CALLEE, 5000))
        self.to_a = sdp_media_port(ans["sdp"])
        self.a_key = sdp_cryptos(ans["sdp"])[0][2]
        self.key = key

    def a_to_b(self, ssrc=0x1111, key=None, **how):
        media("caller", SUITE, (key or self.key).hex(), "10.10.1.1:%d" % self.to_a, 4000,
              "callee", "none", "00", "%s:5000" % CALLEE, ssrc, **how)

    def b_to_a(self, ssrc=0x2222):
        media("callee", "none", "00", "10.10.1.1:%d" % self.to_b, 5000,
              "caller", SUITE, self.a_key, "%s:4000" % CALLER, ssrc)


def t_sdes_to_rtp(d):
    c = Call(d, "k1")
    c.a_to_b()
    c.b_to_a()
    q = d.call("query", call_id="k1")
    before = {}
    for tag in ("a", "b"):
        st = stream_of(q, tag)
        user, kern = kernel_split(st)
        check(st["mode"] == "kernel", "%s: mode %s" % (tag, st["mode"]))
        check(user + kern == N and kern > 0,
              "%s: %d by the kernel, %d in userspace of %d" % (tag, kern, user, N))
        before[tag] = user
    # Once set up, userspace sees none of the media: another round goes all through the kernel.
    c.a_to_b(ssrc=0x1112)
    c.b_to_a(ssrc=0x2223)
    q = d.call("query", call_id="k1")
    for tag in ("a", "b"):
        user, kern = kernel_split(stream_of(q, tag))
        check(user == before[tag] and user + kern == 2 * N,
              "%s: userspace relayed %d more packets after set-up (kernel %d)" %
              (tag, user - before[tag], kern))
    st = d.call("statistics")["statistics"]["currentstatistics"]
    check(st["streamskernel"] == 2 and st["mode"] == "kernel", st)
    r = d.call("delete", call_id="k1")
    check(r["totals"]["RTP"]["packets"] == 4 * N, r["totals"])
    out = sh(CTL, "flow", "dump").stdout
    check(out.strip() == "", "flows left after delete: " + out)


def t_dtls_to_rtp(d):
    """A DTLS-SRTP caller (tests/daemon/dtls_peer: OpenSSL + libsrtp2) and a plain callee:
    the keys from the handshake go to the kernel like SDES ones, and after set-up the media
    of both directions is relayed by the module."""
    tmp = "/tmp/offload-dtls"
    os.makedirs(tmp, exist_ok=True)
    cert, key = os.path.join(tmp, "c.pem"), os.path.join(tmp, "k.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=peer",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=60)
    fp = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"],
                        check=True, capture_output=True, text=True,
                        timeout=60).stdout.strip().split("=", 1)[1]
    off = d.call("offer", call_id="k-dtls", from_tag="a", transport_protocol="RTP/AVP",
                 ICE="remove", DTLS="off", sdp=sdp(CALLER, 4100, "UDP/TLS/RTP/SAVPF", media_extra=[
                     "a=fingerprint:sha-256 " + fp, "a=setup:actpass", "a=rtcp-mux"]))
    to_b = sdp_media_port(off["sdp"])
    ans = d.call("answer", call_id="k-dtls", from_tag="a", to_tag="b", sdp=sdp(CALLEE, 5100),
                 DTLS="passive")
    to_a = sdp_media_port(ans["sdp"])
    ours = [l.split()[1] for l in ans["sdp"].splitlines() if l.startswith("a=fingerprint:")][0]
    rx = subprocess.Popen(["ip", "netns", "exec", "callee", ENDPOINT, "recv", "none", "00",
                           "%s:5100" % CALLEE, str(N), "20000", "first=60000"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peer = subprocess.Popen(["ip", "netns", "exec", "caller", DTLS_PEER, "%s:4100" % CALLER,
                             "10.10.1.1:%d" % to_a, "client", cert, key, ours, str(N), str(N),
                             "20000"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        check("listening" in rx.stdout.readline(), "receiver did not start")
        lines = []
        for line in peer.stdout:     # until the handshake: the callee's media needs the keys
            lines.append(line)
            if line.startswith("handshake"):
                break
        check(lines and lines[-1].startswith("handshake ok"), "DTLS: " + "".join(lines))
        # The callee sends from the port it receives on (its SDP address): only once the
        # receiver got the caller's media and let the port go.
        rout, _ = rx.communicate(timeout=90)
        sh(ENDPOINT, "send", "none", "00", "10.10.1.1:%d" % to_b, "5100", str(N), "0x3333",
           ns="callee", timeout=60)
        out, _ = peer.communicate(timeout=90)
    finally:
        for p in (peer, rx):
            if p.poll() is None:
                p.kill()
                p.wait()
    check(peer.returncode == 0, "the caller did not get the callee's media: " + out)
    check(rx.returncode == 0, "the callee did not get the caller's media: " + rout)
    q = d.call("query", call_id="k-dtls")
    for tag in ("a", "b"):
        st = stream_of(q, tag)
        user, kern = kernel_split(st)
        check(st["mode"] == "kernel" and kern > 0,
              "%s: mode %s, %d by the kernel, %d in userspace" % (tag, st["mode"], kern, user))
    d.call("delete", call_id="k-dtls")


def t_rekey_and_hold(d):
    c = Call(d, "k2")
    c.a_to_b(ssrc=0x3333)
    # Hold (sendonly) and resume: ports and keys stay, the kernel keeps relaying.
    d.call("offer", call_id="k2", from_tag="a", transport_protocol="RTP/AVP",
           sdp=sdp(CALLER, 4000, "RTP/SAVP", version="2",
                   media_extra=[crypto_line(1, SUITE, KEY_A), "a=sendonly"]))
    d.call("answer", call_id="k2", from_tag="a", to_tag="b",
           sdp=sdp(CALLEE, 5000, version="2", media_extra=["a=recvonly"]))
    c.a_to_b(ssrc=0x3334)
    # Re-key: the caller's new key reaches the kernel flow in place.
    d.call("offer", call_id="k2", from_tag="a", transport_protocol="RTP/AVP",
           sdp=sdp(CALLER, 4000, "RTP/SAVP", version="3",
                   media_extra=[crypto_line(1, SUITE, KEY_A2)]))
    d.call("answer", call_id="k2", from_tag="a", to_tag="b", sdp=sdp(CALLEE, 5000, version="3"))
    c.a_to_b(ssrc=0x3335, key=KEY_A2)
    q = d.call("query", call_id="k2")
    st = stream_of(q, "a")
    user, kern = kernel_split(st)
    check(st["mode"] == "kernel" and kern >= 3 * N - 40, (st["mode"], user, kern))
    check(st["stats"]["drops"]["auth"] == 0, st["stats"]["drops"])
    d.call("delete", call_id="k2")


def t_sigkill_and_restart(d):
    c = Call(d, "k3")
    c.a_to_b(ssrc=0x4444)
    c.b_to_a(ssrc=0x5555)
    flows = len([ln for ln in sh(CTL, "flow", "dump").stdout.splitlines() if ln.strip()])
    check(flows == 2, "expected this call's two flows, found %d" % flows)
    d.stop(signal.SIGKILL)
    # The kernel keeps relaying the established call without the daemon.
    c.a_to_b(ssrc=0x4445)
    d2 = Daemon("--timeout=3")
    try:
        check("kept 2 kernel flows" in d2.text(), d2.text()[-1500:])
        c.a_to_b(ssrc=0x4446)      # still flowing after the restart
        # The kept flows hold their ports: a new call gets others.
        c2 = Call(d2, "k4")
        check({c2.to_a, c2.to_b}.isdisjoint({c.to_a, c.to_b}), "a held port was reused")
        d2.call("delete", call_id="k4")
        # Silent for the timeout: the flows go and their ports come back.
        deadline = time.time() + 10
        while time.time() < deadline and "10.10.1.1:%d" % c.to_a in sh(CTL, "flow", "dump").stdout:
            time.sleep(0.5)
        dump = sh(CTL, "flow", "dump").stdout
        check("10.10.1.1:%d" % c.to_a not in dump and "10.10.1.1:%d" % c.to_b not in dump,
              "orphan flows not removed: " + dump)
        st = d2.call("statistics")["statistics"]["currentstatistics"]
        check(st["portsused"] == 0, st)
    finally:
        rc = d2.stop()
    check(rc == 0, "restarted daemon exit %s" % rc)


def t_clean_shutdown(d):
    Call(d, "k5").a_to_b(ssrc=0x6666)
    check(sh(CTL, "nft", "status", check=False).returncode == 0, "rule not installed")
    rc = d.stop()
    check(rc == 0, "exit %s" % rc)
    check(sh(CTL, "nft", "status", check=False).returncode == 3, "rule left after shutdown")
    check(sh(CTL, "flow", "dump").stdout.strip() == "", "flows left after shutdown")


def t_handover_replay(d):
    """A packet userspace relayed before the stream went to the kernel, replayed after: the
    kernel refuses it (the flow starts from userspace's replay window, not only its ROC), as
    it refuses a replay of its own; the callee gets every packet exactly once."""
    c = Call(d, "k-replay")
    # the first packet confirms the caller; the kernel has the stream long before 1.5 s
    c.a_to_b(ssrc=0x3333, send_how=["replay=1500"], exact=True)
    st = stream_of(d.call("query", call_id="k-replay"), "a")
    user, kern = kernel_split(st)
    check(st["mode"] == "kernel" and user == 1 and kern == N - 1,
          "mode %s, userspace %d, kernel %d" % (st["mode"], user, kern))
    check(st["stats"]["drops"]["replay"] == 2, st["stats"])
    d.call("delete", call_id="k-replay")


def inner():
    failed = 0
    d = None
    only = os.environ.get("OFFLOAD_CASES", "").split()
    for case in (t_sdes_to_rtp, t_dtls_to_rtp, t_handover_replay, t_rekey_and_hold,
                 t_sigkill_and_restart, t_clean_shutdown):
        if only and case.__name__[2:] not in only:
            continue
        if d is None or d.proc.poll() is not None:
            d = Daemon()
        try:
            case(d)
            print("PASS kmod.offload.%s" % case.__name__[2:], flush=True)
        except Exception:
            failed += 1
            print("FAIL kmod.offload.%s" % case.__name__[2:], flush=True)
            # Indented: the VM harness passes on lines that start with two spaces.
            for line in traceback.format_exc().splitlines()[-3:] + \
                    d.text().splitlines()[-25:]:
                print("    " + line)
    if d.proc.poll() is None:
        d.stop()
    for p in Daemon.ALL:
        if p.poll() is None:
            p.kill()
            p.wait()
    return 1 if failed else 0


def main():
    if sys.argv[1:] == ["inner"]:
        return inner()
    for m in ("aesni_intel", "ghash_clmulni_intel", "sha1_ssse3"):
        subprocess.run(["modprobe", m], capture_output=True)
    if subprocess.run(["modprobe", "srtprelay"], capture_output=True).returncode:
        print("FAIL kmod.offload.modprobe")
        return 1
    cleanup()
    topology()
    try:
        p = subprocess.run(["ip", "netns", "exec", "relay", sys.executable,
                            os.path.abspath(__file__), "inner"], timeout=240)
        return p.returncode
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
