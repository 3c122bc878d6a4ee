#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Userspace relay benchmark: packets per second and CPU per packet through srtprelayd
(--table=-1), against a minimal recvmmsg/sendmmsg forwarder (the ceiling) and, when it is
installed (scripts/install-deps.sh bench), Debian's rtpengine-daemon in userspace mode driven
by the same ng messages; then ng offer+answer+delete cycles per second for both daemons.
Everything runs in this one run on this machine; the output is ratios, not pass/fail.

    BENCH_STREAMS=200 BENCH_PACKETS=400000 python3 tests/bench/bench_relay.py

Load: one generator socket sends every stream's packets round-robin (SRTP protected by
libsrtp2 beforehand), one sink socket counts what comes out. On a 2-core machine the
generator, the relay and the sink share the CPUs, so absolute numbers are low; the ratios
are what matters."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "daemon"))
from ngclient import NG, benc, crypto_line, free_range, sdp, sdp_media_port  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
UDPLOAD = os.path.join(BUILD, "bench/tools/udpload")
STREAMS = int(os.environ.get("BENCH_STREAMS", "200"))
PACKETS = int(os.environ.get("BENCH_PACKETS", "400000"))
NG_SECONDS = float(os.environ.get("BENCH_NG_SECONDS", "3"))
LO = "127.0.0.1"
HZ = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


class Relay:
    def __init__(self, name, argv_fn):
        self.name = name
        self.pmin, self.pmax = free_range(4 * STREAMS + 200)
        self.ng_port = free_range(2)[0]
        argv = argv_fn(self)
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        self.ng = NG((LO, self.ng_port), timeout=5)
        self.ng.wait_ready(self.proc, 10, self.logtext)

    def logtext(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        self.ng.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def ours(r):
    return [os.path.join(BUILD, "srtprelayd"), "--foreground", "--table=-1",
            "--interface=" + LO, "--listen-ng=%s:%d" % (LO, r.ng_port),
            "--port-min=%d" % r.pmin, "--port-max=%d" % r.pmax, "--log-level=4"]


def rtpengine(r):
    return [shutil.which("rtpengine"), "--foreground", "--table=-1",
            "--interface=" + LO, "--listen-ng=%s:%d" % (LO, r.ng_port),
            "--port-min=%d" % r.pmin, "--port-max=%d" % r.pmax, "--log-stderr",
            "--log-level=4", "--delete-delay=0", "--no-fallback"]


def setup_calls(r, srtp, gen_port, sink_port):
    """STREAMS calls from the generator to the sink; returns the stream file lines."""
    lines = []
    for i in range(STREAMS):
        cid = "bench-%s-%d" % ("s" if srtp else "p", i)
        if srtp:
            key = os.urandom(30)
            a = sdp(LO, gen_port, "RTP/SAVP",
                    media_extra=[crypto_line(1, "AES_CM_128_HMAC_SHA1_80", key)])
        else:
            key = None
            a = sdp(LO, gen_port)
        off = r.ng.call("offer", call_id=cid, from_tag="a", sdp=a,
                        transport_protocol="RTP/AVP", ICE="remove")
        if off.get("result") != "ok":
            raise RuntimeError("%s offer: %r" % (r.name, off))
        ans = r.ng.call("answer", call_id=cid, from_tag="a", to_tag="b",
                        sdp=sdp(LO, sink_port))
        if ans.get("result") != "ok":
            raise RuntimeError("%s answer: %r" % (r.name, ans))
        lines.append("%d %s" % (sdp_media_port(ans["sdp"]), key.hex() if key else "-"))
    return lines


def load(streamlines, gen_port, sink_port, suite, pid=None):
    """Runs generator and sink; returns (sent, received, pps, cpu seconds of pid)."""
    with tempfile.NamedTemporaryFile("w", suffix=".streams", delete=False) as f:
        f.write("\n".join(streamlines) + "\n")
    try:
        sink = subprocess.Popen([UDPLOAD, "sink", str(sink_port), "120"], stdout=subprocess.PIPE,
                                text=True)
        sink.stdout.readline()
        cpu0 = cpu_seconds(pid) if pid else 0
        gen = subprocess.run([UDPLOAD, "gen", str(gen_port), str(PACKETS), suite, f.name],
                             capture_output=True, text=True, timeout=300)
        out, _ = sink.communicate(timeout=150)
        cpu1 = cpu_seconds(pid) if pid else 0
    finally:
        os.unlink(f.name)
    if gen.returncode:
        raise RuntimeError("generator: " + gen.stdout + gen.stderr)
    sent = int(gen.stdout.split()[1])
    got, secs = int(out.split()[1]), float(out.split()[3])
    return sent, got, got / secs if secs > 0 else 0.0, cpu1 - cpu0


def ng_cycles(r, batch=32):
    """offer+answer+delete cycles per second, measuring the daemon's capacity rather than
    one request's latency: each step goes out for a batch of calls at once (as many Kamailio
    workers would send), then the replies are collected. Requests are pre-encoded and replies
    only checked for success, so the Python client costs the same for both relays."""
    a = sdp(LO, 40000)
    b = sdp(LO, 42000)
    n = 0
    t0 = time.time()
    while time.time() - t0 < NG_SECONDS:
        cids = ["cyc-%d" % (n + i) for i in range(batch)]
        for step in ("offer", "answer", "delete"):
            for i, cid in enumerate(cids):
                req = {"command": step, "call-id": cid}
                if step != "delete":
                    req["from-tag"] = "a"
                    req["sdp"] = a if step == "offer" else b
                if step == "answer":
                    req["to-tag"] = "b"
                r.ng.sock.sendto(b"%s_%d " % (step.encode(), n + i) + benc(req), r.ng.addr)
            for _ in cids:
                rep = r.ng.sock.recv(65536)
                if b"6:result2:ok" not in rep:
                    raise RuntimeError("%s %s: %s" % (r.name, step, rep[:200]))
        n += batch
    return n / (time.time() - t0)


def main():
    if not os.access(UDPLOAD, os.X_OK):
        print("build the tools first: make bench")
        return 1
    relays = [("srtprelayd", ours)]
    if shutil.which("rtpengine"):
        relays.append(("rtpengine", rtpengine))
    else:
        print("rtpengine not installed (scripts/install-deps.sh bench): comparing with the "
              "ceiling only")
    print("streams %d, packets %d per run" % (STREAMS, PACKETS))
    results = {}
    gen_port, sink_port, fwd_port = free_range(2)[0], free_range(2)[0], free_range(2)[0]

    # The ceiling: one socket, recvmmsg -> sendmmsg, no lookup, no crypto.
    fwd = subprocess.Popen([UDPLOAD, "fwd", str(fwd_port), str(sink_port), "120"],
                           stdout=subprocess.PIPE, text=True)
    fwd.stdout.readline()
    sent, got, pps, cpu = load(["%d -" % fwd_port] * STREAMS, gen_port, sink_port, "none",
                               fwd.pid)
    fwd.wait(30)
    results[("ceiling", "rtp")] = (sent, got, pps, cpu)

    for name, argv in relays:
        r = Relay(name, argv)
        try:
            for kind in ("rtp", "srtp"):
                lines = setup_calls(r, kind == "srtp", gen_port, sink_port)
                results[(name, kind)] = load(lines, gen_port, sink_port,
                                             "AES_CM_128_HMAC_SHA1_80", r.proc.pid)
                for i in range(STREAMS):
                    r.ng.call("delete", call_id="bench-%s-%d" % ("s" if kind == "srtp" else "p", i))
            results[(name, "ng")] = ng_cycles(r)
        finally:
            r.stop()

    print("%-12s %-6s %10s %10s %7s %12s %10s" % ("relay", "load", "sent", "relayed", "loss",
                                                 "pps", "us/packet"))
    for (name, kind), v in results.items():
        if kind == "ng":
            continue
        sent, got, pps, cpu = v
        print("%-12s %-6s %10d %10d %6.1f%% %12.0f %10.2f" %
              (name, kind, sent, got, 100.0 * (sent - got) / sent, pps,
               1e6 * cpu / got if got else 0))
    ceiling = results[("ceiling", "rtp")][2]
    for kind in ("rtp", "srtp"):
        o = results[("srtprelayd", kind)][2]
        print("ratio srtprelayd/ceiling %-4s %.2f" % (kind, o / ceiling if ceiling else 0))
        if ("rtpengine", kind) in results:
            e = results[("rtpengine", kind)][2]
            print("ratio srtprelayd/rtpengine %-4s %.2f (pps)" % (kind, o / e if e else 0))
            oc = results[("srtprelayd", kind)][3] / max(results[("srtprelayd", kind)][1], 1)
            ec = results[("rtpengine", kind)][3] / max(results[("rtpengine", kind)][1], 1)
            print("ratio rtpengine/srtprelayd %-4s %.2f (CPU per packet)" %
                  (kind, ec / oc if oc else 0))
    print("note: pps is measured at saturation with the generator and the sink on the same CPUs;"
          " CPU per packet (us/packet) is the steadier comparison")
    print("ng offer+answer+delete cycles/s: srtprelayd %.0f" % results[("srtprelayd", "ng")])
    if ("rtpengine", "ng") in results:
        print("ng offer+answer+delete cycles/s: rtpengine %.0f; ratio srtprelayd/rtpengine %.2f"
              % (results[("rtpengine", "ng")],
                 results[("srtprelayd", "ng")] / results[("rtpengine", "ng")]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
