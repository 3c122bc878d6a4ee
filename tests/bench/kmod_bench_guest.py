#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""srtprelay.ko throughput, inside the VM (tests/bench/bench_kmod.sh boots it).

Topology of tests/kmod/offload_guest.py: caller ns -> relay ns (module) -> callee ns. Ten
streams go from one generator in the caller to one sink in the callee (tests/bench/tools/
udpload, libsrtp2). Measured in this one run: the module for RTP->RTP, SRTP->RTP and
SRTP->SRTP (AES_CM_128_HMAC_SHA1_80 in, AEAD_AES_256_GCM out), a userspace recvmmsg/sendmmsg
forwarder in the relay namespace for the same load (the reference), and SRTP->RTP again with
10,000 flows installed. TCG makes absolute numbers meaningless; the ratios are the result.
Output lines start with two spaces (the VM harness passes those on)."""
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "kmod"))
from netns import cleanup, sh, topology  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
UDPLOAD = os.path.join(TOP, BUILD, "bench", "tools", "udpload")
CTL = os.path.join(TOP, BUILD, "srtprelay-ctl")
PACKETS = int(os.environ.get("KBENCH_PACKETS", "60000"))
STREAMS = 10
KEY = bytes(range(1, 17)) + bytes(range(100, 114))   # genl.crypto()'s default key and salt


def out(line):
    print("  " + line, flush=True)


def relay_genl(code):
    full = ("import sys; sys.path.insert(0, %r); import genl\nfrom genl import *\n"
            "nl = genl.Genl()\n" % os.path.join(TOP, "tests", "kmod")) + code
    r = sh(sys.executable, "-c", full, ns="relay", check=False, timeout=600)
    if r.returncode:
        raise RuntimeError("netlink: " + r.stderr[-500:])


def set_flows(decrypt, encrypt):
    dec = "crypto(%r)" % decrypt if decrypt else "None"
    enc = "crypto(%r)" % encrypt if encrypt else "None"
    relay_genl("nl.request(CMD_FLUSH)\n"
               "for i in range(%d):\n"
               "    nl.request(CMD_SET_FLOW, flow_attrs(('10.10.1.1', 30000 + 2 * i), "
               "('10.10.2.1', 31000 + 2 * i), ('10.10.2.2', 5000), decrypt=%s, encrypt=%s))\n"
               % (STREAMS, dec, enc))


def idle_flows(n):
    relay_genl("for i in range(%d):\n"
               "    nl.request(CMD_SET_FLOW, flow_attrs(('10.1.%%d.%%d' %% (i // 250, i %% 250 + 1), "
               "20000 + i %% 1000), ('10.10.2.1', 32000), ('10.10.2.2', 6000), "
               "decrypt=crypto('AES_CM_128_HMAC_SHA1_80') if i %% 10 == 0 else None))\n" % n)


def run(dests, suite):
    """Generator -> sink; returns (sent, received, pps)."""
    with open("/tmp/kbench.streams", "w") as f:
        for port in dests:
            f.write("%d %s 10.10.1.1\n" % (port, KEY.hex() if suite != "none" else "-"))
    sink = subprocess.Popen(["ip", "netns", "exec", "callee", UDPLOAD, "sink", "10.10.2.2:5000",
                             "300"], stdout=subprocess.PIPE, text=True)
    sink.stdout.readline()
    gen = sh(UDPLOAD, "gen", "4000", str(PACKETS), suite if suite != "none" else
             "AES_CM_128_HMAC_SHA1_80", "/tmp/kbench.streams", ns="caller", timeout=600)
    o, _ = sink.communicate(timeout=320)
    got, secs = int(o.split()[1]), float(o.split()[3])
    return int(gen.stdout.split()[1]), got, got / secs if secs > 0 else 0.0


def main():
    for m in ("aesni_intel", "ghash_clmulni_intel", "sha1_ssse3", "srtprelay"):
        subprocess.run(["modprobe", m], capture_output=True)
    cleanup()
    topology()
    try:
        r = sh(CTL, "nft", "install", "--ports", "30000-39999", ns="relay", check=False)
        if r.returncode:
            out("nft install failed: " + r.stderr)
            return 1
        res = {}
        # The reference: userspace forwarding of the same plain load in the relay namespace.
        fwd = subprocess.Popen(["ip", "netns", "exec", "relay", UDPLOAD, "fwd", "10.10.1.1:29000",
                                "10.10.2.2:5000", "300"], stdout=subprocess.PIPE, text=True)
        fwd.stdout.readline()
        res["userspace forwarder"] = run([29000] * STREAMS, "none")
        fwd.terminate()
        fwd.wait()
        ports = [30000 + 2 * i for i in range(STREAMS)]
        for name, dec, enc, suite in (
                ("module RTP->RTP", None, None, "none"),
                ("module SRTP->RTP", "AES_CM_128_HMAC_SHA1_80", None, "AES_CM_128_HMAC_SHA1_80"),
                ("module SRTP->SRTP", "AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM",
                 "AES_CM_128_HMAC_SHA1_80")):
            set_flows(dec, enc)
            res[name] = run(ports, suite)
        set_flows("AES_CM_128_HMAC_SHA1_80", None)
        idle_flows(10000 - STREAMS)
        res["module SRTP->RTP, 10000 flows"] = run(ports, "AES_CM_128_HMAC_SHA1_80")
        relay_genl("nl.request(CMD_FLUSH)")
        drivers = sh(CTL, "stats", ns="relay", check=False).stdout.strip().splitlines()
        out("%-32s %8s %8s %6s %10s" % ("path", "sent", "relayed", "loss", "pps"))
        for name, (sent, got, pps) in res.items():
            out("%-32s %8d %8d %5.1f%% %10.0f" % (name, sent, got, 100.0 * (sent - got) / sent,
                                                  pps))
        ref = res["userspace forwarder"][2]
        for name in ("module RTP->RTP", "module SRTP->RTP", "module SRTP->SRTP"):
            out("ratio %s / userspace forwarder: %.2f" % (name, res[name][2] / ref if ref else 0))
        ten = res["module SRTP->RTP"][2]
        out("ratio 10000 flows / 10 flows (SRTP->RTP): %.2f" %
            (res["module SRTP->RTP, 10000 flows"][2] / ten if ten else 0))
        for line in drivers:
            if "driver" in line or "ctr" in line or "gcm" in line or "hmac" in line:
                out("crypto: " + line.strip())
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
