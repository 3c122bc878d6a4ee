#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Control-plane benchmark of srtprelayd (--table=-1), not pass/fail:

1. Reply cache: RSS growth over 3,000 `list` requests (fresh cookies, limit 100000) with
   1,000 calls up, for --reply-cache-mb=0 (the reference: nothing cached), 16, the default
   64, and 65536 (as good as unbounded, which is what the cache was before it had a budget;
   list replies are capped at 500 call-ids in all of them, 1,000 before).
2. Call churn: BENCH_CALLS calls (10,000) set up (offer + answer, 4 ports each) on a
   40,000-port range and deleted: ng latency p50/p99 against ping's measured in the same
   run, RSS per call, and whether every port came back. The open-file limit may allow
   fewer calls than asked; the run says so and uses what it allows.

    BENCH_CALLS=10000 python3 tests/bench/bench_control.py
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "daemon"))
from ngclient import NG, free_range, sdp  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
CALLS = int(os.environ.get("BENCH_CALLS", "10000"))
LO = "127.0.0.1"


NOFILE = 4 * CALLS + 1000


def raise_nofile():
    """For the relay: room for every call's sockets, where we may raise the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, NOFILE), max(hard, NOFILE)))
    except (ValueError, OSError):
        pass


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Relay:
    def __init__(self, ports, *args):
        # 40,000 ports do not fit free_range's window: take 20000-59999 as they are (the
        # relay skips a port something else holds).
        self.pmin, self.pmax = free_range(ports) if ports < 30000 else (20000, 20000 + ports - 1)
        self.ng_port = free_range(2)[0]
        self.log = tempfile.TemporaryFile()
        argv = [os.path.join(BUILD, "srtprelayd"), "--foreground", "--table=-1",
                "--interface=" + LO, "--listen-ng=%s:%d" % (LO, self.ng_port),
                "--port-min=%d" % self.pmin, "--port-max=%d" % self.pmax] + list(args)
        self.proc = subprocess.Popen(argv, preexec_fn=raise_nofile, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.ng = NG((LO, self.ng_port), timeout=10)
        self.ng.wait_ready(self.proc, 10, self.logtext)

    def logtext(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stats(self):
        return self.ng.call("statistics")["statistics"]["currentstatistics"]

    def stop(self):
        self.ng.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def offer(r, cid, port):
    return r.ng.call("offer", call_id=cid, from_tag="f", sdp=sdp(LO, port))


def cache_growth(mb):
    r = Relay(4100, "--reply-cache-mb=%d" % mb)
    try:
        for i in range(1000):
            offer(r, "bench-cache-call-%04d-0123456789abcdef" % i, 40000 + 2 * (i % 5000))
        before = rss_kib(r.proc.pid)
        for i in range(3000):
            r.ng.call("list", cookie="list-%d" % i, limit=100000)
        return rss_kib(r.proc.pid) - before
    finally:
        r.stop()


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def churn():
    r = Relay(40000)
    try:
        limit = r.stats()["fdlimit"]
        calls = CALLS
        if 4 * calls + 200 > limit:
            calls = (limit - 200) // 4
            print("  open-file limit %d: %d calls instead of %d" % (limit, calls, CALLS))
        ping = []
        for _ in range(2000):
            t = time.perf_counter()
            r.ng.call("ping")
            ping.append(time.perf_counter() - t)
        base = rss_kib(r.proc.pid)
        setup, teardown = [], []
        t0 = time.perf_counter()
        for i in range(calls):
            cid = "bench-churn-%d" % i
            t = time.perf_counter()
            offer(r, cid, 20000 + 2 * (i % 10000))
            r.ng.call("answer", call_id=cid, from_tag="f", to_tag="t",
                      sdp=sdp(LO, 40000 + 2 * (i % 10000)))
            setup.append(time.perf_counter() - t)
        t_setup = time.perf_counter() - t0
        st = r.stats()
        per_call = (rss_kib(r.proc.pid) - base) * 1024 / max(1, calls)
        used_up = st["portsused"]
        for i in range(calls):
            t = time.perf_counter()
            r.ng.call("delete", call_id="bench-churn-%d" % i)
            teardown.append(time.perf_counter() - t)
        time.sleep(1.5)     # sockets close with their last completion
        after = r.stats()
        ms = lambda s: s * 1000   # noqa: E731
        print("  %d calls up in %.1f s (%d ports in use, %d calls up; fd limit %d)" %
              (calls, t_setup, used_up, st["sessionsown"], st["fdlimit"]))
        print("  ping            p50 %.3f ms  p99 %.3f ms   (reference)" %
              (ms(pct(ping, 50)), ms(pct(ping, 99))))
        for name, v in (("offer+answer", setup), ("delete", teardown)):
            print("  %-15s p50 %.3f ms  p99 %.3f ms   ratio to ping p50 %.1fx  p99 %.1fx" %
                  (name, ms(pct(v, 50)), ms(pct(v, 99)), pct(v, 50) / pct(ping, 50),
                   pct(v, 99) / pct(ping, 99)))
        print("  RSS per call %.0f bytes; after delete: %d calls, %d ports in use" %
              (per_call, after["sessionsown"], after["portsused"]))
    finally:
        r.stop()


def main():
    print("reply cache: RSS growth over 3,000 list replies, 1,000 calls up")
    ref = cache_growth(0)
    print("  --reply-cache-mb=0      %7d KiB   (reference)" % ref)
    for mb, label in ((16, "a small budget"), (64, "default"),
                      (65536, "unbounded, as before the budget")):
        g = cache_growth(mb)
        print("  --reply-cache-mb=%-6d %7d KiB   %+d KiB over the reference (%s)" %
              (mb, g, g - ref, label))
    print("call churn on a 40,000-port range")
    churn()
    return 0


if __name__ == "__main__":
    sys.exit(main())
