#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Kernel offload against userspace relaying and against rtpengine's kernel module, inside the
VM (tests/bench/bench_offload.sh boots it and samples the VM's vCPU threads on the host).

    caller ns                 relay ns (the relay under test)                callee ns
    10.10.1.2  --- veth ---  10.10.1.1 | 10.10.2.1  --- veth ---  10.10.2.2
    udpload gen :4000             r0          r1                   e0  (count at :5000)

The same calls and the same load go through, one after the other:
  (a) srtprelayd --table=0 with srtprelay.ko (the kernel path),
  (b) srtprelayd --table=-1 (the userspace io_uring relay),
  (c) when RTPENGINE_KO names a built xt_RTPENGINE.ko and /usr/bin/rtpengine exists: Debian's
      rtpengine --table=0 with its module, reached by an nft rule with the RTPENGINE xtables
      target (nft_compat, written here over nfnetlink with tests/kmod/nft.py's helpers).
STREAMS calls are set up over ng (offer: SDES AES_CM_128_HMAC_SHA1_80, RTP/SAVP from the
caller, transport-protocol RTP/AVP; answer: RTP/AVP from the callee). A warm-up burst confirms
every caller endpoint, and the run goes on only once each stream is offloaded (query says mode
kernel and `srtprelay-ctl flow dump` lists the flows; or /proc/rtpengine/0/list has a target
per stream). Then one generator sends PACKETS SRTP packets round-robin over the calls as fast
as it can (udpload, libsrtp2), and the callee counts the plain RTP that arrives (its UDP
NoPorts counter: nobody listens, so no process on the load CPU wakes up per packet; a sink
there took CPU time from the generator in proportion to the relay's rate).

Placement: Debian's kernels have no IRQ time accounting, so softirq work is charged to the
task it interrupts; the relay's work is kept away from the load tools. Generator and this
driver run on CPU 0; the relay daemon on CPU 1, and the relay's receive processing too, where
the kernel relays do all their work. Two ways, one after the other (OFFLOAD_BENCH_RX,
default "softirq threaded"): softirq, RPS hands the packets from the caller to CPU 1's backlog,
processed in softirq as from a real NIC; the generator cannot saturate the kernel paths then.
threaded: r0 has a NAPI ring polled by kernel threads on CPU 1, which costs the generator less,
enough to saturate the kernel paths (how the scheduler splits CPU 1 between those threads and
a userspace relay varies from run to run, though). The callee's veth runs in NAPI mode on the
CPU that sends to it: in the per-CPU backlog the relay's output would be dropped with the
generator's packets. The backlog (or ring) is the "NIC ring" where what a relay cannot take is
dropped. So each relay has one CPU, and that CPU's time is its whole cost.

Measured while packets reach the callee (the driver samples every 0.1 s; tool start-up and the
generator building its packets stay outside): pps, and CPU per packet three ways: the host's
run time of the vCPU thread that is CPU 1 (bench_offload.sh samples the qemu threads'
schedstat into OFFLOAD_BENCH_VCPU_LOG, read live over 9p), CPU 1's busy ticks in the guest,
and the whole VM's busy ticks minus the load tools' CPU time. Under TCG on a busy host the
guest's own clocks count time the host gave to others; the host's view does not. Absolute
numbers are meaningless under TCG; the ratios are the result. Output lines start with two
spaces (the VM harness passes those on)."""
import array
import contextlib
import ctypes
import fcntl
import glob
import os
import re
import resource
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "kmod"))
sys.path.insert(0, os.path.join(TOP, "tests", "daemon"))
import nft  # noqa: E402
from netns import cleanup, sh, topology  # noqa: E402
from ngclient import NG, crypto_line, sdp, sdp_media_port  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
UDPLOAD = os.path.join(TOP, BUILD, "bench", "tools", "udpload")
DAEMON = os.path.join(TOP, BUILD, "srtprelayd")
CTL = os.path.join(TOP, BUILD, "srtprelay-ctl")
RTPENGINE = "/usr/bin/rtpengine"
RTPENGINE_KO = os.path.join(TOP, os.environ["RTPENGINE_KO"]) \
    if os.environ.get("RTPENGINE_KO") else ""
STREAMS = int(os.environ.get("OFFLOAD_BENCH_STREAMS", "20"))
PACKETS = int(os.environ.get("OFFLOAD_BENCH_PACKETS", "40000"))
ROUNDS = int(os.environ.get("OFFLOAD_BENCH_ROUNDS", "1"))
RX_MODES = os.environ.get("OFFLOAD_BENCH_RX", "softirq threaded").split()
DEBUG = bool(os.environ.get("OFFLOAD_BENCH_DEBUG"))
WARMUP = 2                        # packets per stream before measuring
SUITE = "AES_CM_128_HMAC_SHA1_80"
CALLER, CALLEE, RELAY = "10.10.1.2", "10.10.2.2", "10.10.1.1"
NGADDR = ("127.0.0.1", 2223)
PMIN, PMAX = 30000, 30999
LOAD_CPU, RELAY_CPU = 0, 1
PIDFILE = "/tmp/offload-bench.pids"
HZ = os.sysconf("SC_CLK_TCK")


def out(line):
    print("  " + line, flush=True)


def debug(line):
    if DEBUG:
        with open("/proc/uptime") as f:
            out("debug %7s %s" % (f.read().split()[0], line))


def remember(pid):
    with open(PIDFILE, "a") as f:
        f.write("%d\n" % pid)


def in_ns(ns, *argv):
    """argv in network namespace ns; nsenter only switches the network namespace (ip netns
    exec also remounts /sys, which costs seconds under TCG)."""
    return ["nsenter", "--net=/var/run/netns/" + ns] + list(argv)


def proc_cpu(pid):
    """utime+stime of every thread of pid, in seconds."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / HZ


class HostVcpus:
    """The qemu process's threads as the host sees them: bench_offload.sh runs this file's
    sample_host() next to the VM, appending "TIME PID TID:RUN_NS:WAIT_NS ..." (from the host's
    /proc/PID/task/TID/schedstat) every 20 ms to a file the guest reads live over 9p. The
    host's run time of the relay's vCPU is its real CPU cost, whatever else the host runs;
    inside the guest, time the host gives to other processes looks like guest CPU time."""

    def __init__(self):
        path = os.environ.get("OFFLOAD_BENCH_VCPU_LOG")
        self.fd = None
        if path:
            try:
                self.fd = os.open(os.path.join(TOP, path), os.O_RDONLY)
            except OSError:
                pass

    def read(self):
        """[(run ns, wait ns)] of the vCPU threads, in vCPU order, or None."""
        if self.fd is None:
            return None
        size = os.fstat(self.fd).st_size
        lines = os.pread(self.fd, 8192, max(0, size - 8192)).split(b"\n")
        if len(lines) < 3:
            return None
        f = lines[-2].split()
        pid = int(f[1])
        threads = {}
        for x in f[2:]:
            tid, run, wait = (int(y) for y in x.split(b":"))
            if tid != pid:
                threads[tid] = (run, wait)
        # The vCPU threads are the busiest ones after the main loop; qemu starts them in order.
        vcpus = sorted(sorted(threads, key=lambda k: threads[k][0])[-2:])
        return [threads[k] for k in vcpus]


HOST = None


def sample_host(vm_pid, path):
    """On the host: samples the threads of the qemu under vm_pid until vm_pid exits."""
    def children(pid):
        try:
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                return [int(x) for x in f.read().split()]
        except OSError:
            return []

    qemu = None
    deadline = time.time() + 1800
    with open(path, "a") as log:
        while time.time() < deadline and os.path.exists("/proc/%d" % vm_pid):
            if qemu is None:
                todo = [vm_pid]
                while todo and qemu is None:
                    p = todo.pop()
                    try:
                        with open("/proc/%d/comm" % p) as f:
                            if f.read().startswith("qemu-system"):
                                qemu = p
                    except OSError:
                        pass
                    todo += children(p)
            if qemu is not None:
                items = []
                try:
                    for tid in os.listdir("/proc/%d/task" % qemu):
                        with open("/proc/%d/task/%s/schedstat" % (qemu, tid)) as f:
                            run, wait = f.read().split()[:2]
                        items.append("%s:%s:%s" % (tid, run, wait))
                except OSError:
                    qemu = None
                    continue
                log.write("%.3f %d %s\n" % (time.monotonic(), qemu, " ".join(items)))
                log.flush()
            time.sleep(0.02)
    return 0


def sample(pids):
    """Time; busy ticks (user+nice+system+irq+softirq) of each CPU, in seconds; CPU seconds
    of each of pids and of this process; the host's vCPU times."""
    busy = []
    with open("/proc/stat") as f:
        for ln in f:
            if re.match(r"cpu\d", ln):
                v = [int(x) for x in ln.split()[1:8]]
                busy.append((v[0] + v[1] + v[2] + v[5] + v[6]) / HZ)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"t": time.monotonic(), "busy": busy,
            "pids": [proc_cpu(p) for p in pids], "self": ru.ru_utime + ru.ru_stime,
            "host": HOST.read() if HOST else None}


def udp_counters(pid):
    """(NoPorts, RcvbufErrors) of the network namespace of pid, or None."""
    try:
        with open("/proc/%d/net/snmp" % pid) as f:
            rows = [ln.split() for ln in f if ln.startswith("Udp:")]
    except OSError:
        return None
    if len(rows) < 2:
        return None
    d = dict(zip(rows[0][1:], (int(x) for x in rows[1][1:])))
    return d["NoPorts"], d["RcvbufErrors"]


def backlog_drops():
    """Packets dropped at each CPU's input backlog (/proc/net/softnet_stat, second column)."""
    with open("/proc/net/softnet_stat") as f:
        return [int(ln.split()[1], 16) for ln in f]


def veth_drops():
    with open("/sys/class/net/r1/statistics/tx_dropped") as f:
        return int(f.read())


def exited(pid):
    """True when pid is a zombie or gone (not reaped here: its CPU times stay readable)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True


def reap(p, seconds):
    deadline = time.time() + seconds
    while p.poll() is None:
        if time.time() > deadline:
            p.kill()
        time.sleep(0.1)
    return p.returncode


def set_cpu(cpu):
    return lambda: os.sched_setaffinity(0, {cpu})


class Relay:
    """One relay daemon on RELAY_CPU, controlled over ng on 127.0.0.1 in the relay ns."""

    def __init__(self, name, argv):
        self.name = name
        self.log = open("/tmp/offload-bench-%s.log" % name.replace(" ", "_"), "w+")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     preexec_fn=set_cpu(RELAY_CPU))
        remember(self.proc.pid)
        self.ng = NG(NGADDR, timeout=10)
        self.ng.wait_ready(self.proc, 30, self.text)

    def text(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def call(self, cmd, **kw):
        r = self.ng.call(cmd, **kw)
        if r.get("result") != "ok":
            raise RuntimeError("%s %s: %r" % (self.name, cmd, r))
        return r

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.ng.close()
        return self.proc.returncode


def setup_calls(r, prefix):
    """STREAMS calls from the generator (CALLER:4000) to the callee (CALLEE:5000); returns the
    generator's stream file lines and the call ids."""
    lines, cids = [], []
    for i in range(STREAMS):
        cid = "%s-%d" % (prefix, i)
        key = os.urandom(30)
        r.call("offer", call_id=cid, from_tag="a", transport_protocol="RTP/AVP", ICE="remove",
               sdp=sdp(CALLER, 4000, "RTP/SAVP", media_extra=[crypto_line(1, SUITE, key)]))
        ans = r.call("answer", call_id=cid, from_tag="a", to_tag="b", ICE="remove",
                     sdp=sdp(CALLEE, 5000))
        lines.append("%d %s %s" % (sdp_media_port(ans["sdp"]), key.hex(), RELAY))
        cids.append(cid)
    with open("/tmp/offload-bench.streams", "w") as f:
        f.write("\n".join(lines) + "\n")
    return lines, cids


def generator(packets):
    p = subprocess.Popen(in_ns("caller", UDPLOAD, "gen", "4000", str(packets), SUITE,
                               "/tmp/offload-bench.streams"), stdout=subprocess.PIPE, text=True)
    remember(p.pid)
    return p


def warmup():
    """WARMUP packets per stream (nobody listens at the callee: the answer is an ICMP error)."""
    gen = generator(WARMUP * STREAMS)
    if reap(gen, 120):
        raise RuntimeError("warm-up generator exited %s" % gen.returncode)


def callee_count():
    """UDP datagrams that reached the callee: nothing listens there, so every one counts as
    NoPorts (and its ICMP error is not sent: icmp_msgs_per_sec is 0). A sink process on the
    load CPU would take CPU from the generator in proportion to the relay's rate."""
    with netns("callee"):
        return udp_counters(os.getpid())[0]


def load(daemon_pid):
    """Generator -> relay -> callee with PACKETS packets; counts and costs while packets reach
    the callee. The generator numbers every run from the same SEQ, so the run's first WARMUP
    packets per stream repeat the warm-up's: a replay a relay may drop (WARMUP * STREAMS of
    PACKETS)."""
    base = seen = callee_count()
    relay_sock0 = udp_counters(os.getpid())[1]
    drops0, ring0, veth0 = backlog_drops(), tx_dropped("caller", "c0"), veth_drops()
    d0 = proc_cpu(daemon_pid)
    gen = generator(PACKETS)
    debug("generator started")
    first = last = None
    deadline = time.time() + 240
    while time.time() < deadline:
        n = callee_count()
        s = sample([gen.pid])
        if n > seen:
            if first is None:
                first = (s, n)
                debug("first packets at the callee")
            last = (s, n)
            seen = n
        if last and s["t"] - last[0]["t"] > 0.6 and exited(gen.pid):
            break
        time.sleep(0.1)
    reap(gen, 60)
    gout = gen.stdout.read().split()
    if gen.returncode or len(gout) < 2 or not last or last[1] == first[1]:
        raise RuntimeError("load: generator %s %r, %s packets at the callee" % (
            gen.returncode, gout, seen - base))
    (a, n0), (b, n1) = first, last
    busy = [y - x for x, y in zip(a["busy"], b["busy"])]
    tools = sum(y - x for x, y in zip(a["pids"], b["pids"])) + b["self"] - a["self"]
    host = None
    if a["host"] and b["host"]:
        # run and wait seconds of the relay's vCPU on the host
        host = [(y - x) / 1e9 for x, y in zip(a["host"][RELAY_CPU], b["host"][RELAY_CPU])]
    if DEBUG:
        out("debug window %.2f s, %d packets; busy per CPU %s; generator+driver %.2f s; "
            "relay vCPU on the host: run, wait %s" % (
                b["t"] - a["t"], n1 - n0, " ".join("%.2f" % x for x in busy), tools, host))
    return {"host": host, "sent": int(gout[1]), "got": seen - base,
            "pps": (n1 - n0) / (b["t"] - a["t"]), "window": b["t"] - a["t"],
            "wpackets": n1 - n0, "busy": busy, "tools": tools,
            "daemon": proc_cpu(daemon_pid) - d0,
            "drops": (backlog_drops()[RELAY_CPU] - drops0[RELAY_CPU] +
                      tx_dropped("caller", "c0") - ring0,
                      udp_counters(os.getpid())[1] - relay_sock0, veth_drops() - veth0)}


def wait_for(what, fn, seconds=20):
    deadline = time.time() + seconds
    while True:
        ok, detail = fn()
        if ok:
            return detail
        if time.time() > deadline:
            raise RuntimeError("%s: %s" % (what, detail))
        time.sleep(0.5)


def srtprelay_streams(r, cids):
    """[(mode, kernel packets)] of every call's caller-side stream."""
    res = []
    for cid in cids:
        st = r.call("query", call_id=cid)["tags"]["a"]["medias"][0]["streams"][0]
        res.append((st["mode"], st["stats"].get("kernel", {}).get("packets", 0)))
    return res


def run_srtprelay(kernel):
    name = "srtprelay kernel" if kernel else "srtprelay userspace"
    r = Relay(name, [DAEMON, "--foreground", "--table=%d" % (0 if kernel else -1),
                     "--interface=" + RELAY, "--listen-ng=%s:%d" % NGADDR,
                     "--port-min=%d" % PMIN, "--port-max=%d" % PMAX, "--log-level=4"])
    try:
        debug("%s: daemon ready" % name)
        _, cids = setup_calls(r, "k" if kernel else "u")
        debug("%s: calls set up" % name)
        warmup()
        debug("%s: warm-up sent" % name)
        want = "kernel" if kernel else "userspace"

        def modes():
            m = [s[0] for s in srtprelay_streams(r, cids)]
            return m.count(want) == STREAMS, "%d of %d streams in mode %s (%s)" % (
                m.count(want), STREAMS, want, ", ".join(sorted(set(m))))
        wait_for(name, modes)
        if kernel:
            flows = [ln for ln in sh(CTL, "flow", "dump").stdout.splitlines() if ln.strip()]
            if len(flows) < STREAMS:
                raise RuntimeError("flow dump shows %d flows for %d streams" %
                                   (len(flows), STREAMS))
        debug("%s: %d streams in mode %s" % (name, STREAMS, want))
        before = sum(s[1] for s in srtprelay_streams(r, cids))
        res = load(r.proc.pid)
        res["offloaded"] = sum(s[1] for s in srtprelay_streams(r, cids)) - before
        for cid in cids:
            r.call("delete", call_id=cid)
    finally:
        rc = r.stop()
    if kernel and sh(CTL, "nft", "status", check=False).returncode != 3:
        raise RuntimeError("srtprelayd left its nft rule behind")
    if rc:
        raise RuntimeError("%s exited %s: %s" % (name, rc, r.text()[-1500:]))
    return res


def rtpengine_rule(remove=False):
    """table ip filter { chain INPUT { type filter hook input priority 0;
           meta l4proto udp udp dport PMIN-PMAX RTPENGINE --id 0 } }
    The target is registered for table "filter", hook INPUT; its info, struct
    xt_rtpengine_info, is one u32: the table id. Installed only while rtpengine runs, so the
    other relays' packets do not pass it. Returns errno values, [] when done."""
    b = nft.Batch(nft.FAMILIES["ip"])
    ack = nft.NLM_F_REQUEST | nft.NLM_F_ACK
    if remove:
        b.add(nft.msgtype(nft.NFT_MSG_DELTABLE), ack, [nft.s(1, "filter")])
        return b.send()
    b.add(nft.msgtype(nft.NFT_MSG_NEWTABLE), ack | nft.NLM_F_CREATE, [nft.s(1, "filter")])
    b.add(nft.msgtype(nft.NFT_MSG_NEWCHAIN), ack | nft.NLM_F_CREATE,
          [nft.s(1, "filter"), nft.s(3, "INPUT"),
           nft.attr(4, [nft.be32(1, 1), nft.be32(2, 0)]), nft.s(7, "filter")])
    rule = [
        nft.expr("meta", [nft.be32(2, 16), nft.be32(1, 1)]),
        nft.expr("cmp", [nft.be32(1, 1), nft.be32(2, 0), nft.attr(3, [nft.attr(1, b"\x11")])]),
        nft.expr("payload", [nft.be32(1, 1), nft.be32(2, 2), nft.be32(3, 2), nft.be32(4, 2)]),
        nft.expr("range", [nft.be32(1, 1), nft.be32(2, 0),
                           nft.attr(3, [nft.attr(1, struct.pack(">H", PMIN))]),
                           nft.attr(4, [nft.attr(1, struct.pack(">H", PMAX))])]),
        nft.expr("target", [nft.s(1, "RTPENGINE"), nft.be32(2, 0),
                            nft.attr(3, struct.pack("=II", 0, 0))]),
    ]
    b.add(nft.msgtype(nft.NFT_MSG_NEWRULE), ack | nft.NLM_F_CREATE | nft.NLM_F_APPEND,
          [nft.s(1, "filter"), nft.s(2, "INPUT"), nft.attr(4, rule)])
    return b.send()


def rtpengine_targets():
    """[(local address, packets)] from /proc/rtpengine/0/list; packets None when the target
    is not fully set up."""
    res = []
    with open("/proc/rtpengine/0/list") as f:
        for line in f:
            if line.startswith("local "):
                res.append([line.split()[-1], None])
            m = re.match(r"\s+stats:\s+(\d+) bytes,\s+(\d+) packets", line)
            if m and res:
                res[-1][1] = int(m.group(2))
    return res


def run_rtpengine():
    r = Relay("rtpengine kernel", [
        RTPENGINE, "--config-file=none", "--foreground", "--table=0", "--no-fallback",
        "--interface=" + RELAY, "--listen-ng=%s:%d" % NGADDR, "--port-min=%d" % PMIN,
        "--port-max=%d" % PMAX, "--log-stderr", "--log-level=4", "--delete-delay=0",
        "--endpoint-learning=immediate", "--timeout=600"])
    try:
        errs = rtpengine_rule()
        if errs:
            raise RuntimeError("RTPENGINE nft rule: " + ", ".join(os.strerror(e) for e in errs))
        lines, cids = setup_calls(r, "e")
        warmup()
        ports = {ln.split()[0] for ln in lines}

        def ours():
            t = [(loc, n) for loc, n in rtpengine_targets()
                 if loc.rsplit(":", 1)[-1] in ports and n is not None]
            return len(t) == STREAMS, "%d of %d caller streams have a kernel target" % (
                len(t), STREAMS)
        try:
            wait_for("rtpengine kernel", ours)
        except RuntimeError:
            with open("/proc/rtpengine/0/list") as f:
                for ln in f.read().splitlines()[:20]:
                    out("list: " + ln)
            for ln in r.text().splitlines()[-20:]:
                out("log: " + ln)
            raise
        debug("rtpengine: %d kernel targets" % STREAMS)
        before = sum(n or 0 for _, n in rtpengine_targets())
        res = load(r.proc.pid)
        res["offloaded"] = sum(n or 0 for _, n in rtpengine_targets()) - before
        for cid in cids:
            r.call("delete", call_id=cid)
    finally:
        rc = r.stop()
        rtpengine_rule(remove=True)
    if rc:
        raise RuntimeError("rtpengine exited %s: %s" % (rc, r.text()[-1500:]))
    return res


def rtpengine_setup():
    """Loads xt_RTPENGINE; returns None, or why not."""
    if not RTPENGINE_KO or not os.path.exists(RTPENGINE_KO):
        return "no xt_RTPENGINE.ko"
    if not os.access(RTPENGINE, os.X_OK):
        return "%s is not installed (scripts/install-deps.sh bench)" % RTPENGINE
    for m in ("x_tables", "nft_compat"):
        subprocess.run(["modprobe", m], capture_output=True)
    p = subprocess.run(["insmod", RTPENGINE_KO], capture_output=True, text=True)
    if p.returncode:
        return "insmod xt_RTPENGINE.ko: " + p.stderr.strip()
    return None


def cost(v, key):
    """pps, or seconds per packet: host run time of the relay's vCPU, busy ticks of the
    relay's CPU in the guest, busy ticks of the VM minus the load tools."""
    n = max(v["wpackets"], 1)
    if key == "host":
        return v["host"][0] / n if v["host"] else 0.0
    return {"pps": v["pps"], "cpu1": v["busy"][RELAY_CPU] / n,
            "vm": (sum(v["busy"]) - v["tools"]) / n}[key]


def report(res, order, mode):
    """The table and the ratios of one receive mode."""
    has_host = all(res[name]["host"] for name in order)
    out("")
    out("receive processing: %s" % MODES[mode])
    out("%-20s %7s %7s %6s %6s %9s %9s %9s %7s %9s" % (
        "relay", "sent", "relayed", "loss", "pps", "us/packet", "us/packet", "us/packet",
        "daemon", "offloaded"))
    out("%-20s %7s %7s %6s %6s %9s %9s %9s %7s %9s" % (
        "", "", "", "", "", "host", "guest CPU%d" % RELAY_CPU, "VM-tools", "CPU s", ""))
    for name in order:
        v = res[name]
        out("%-20s %7d %7d %5.1f%% %6.0f %9s %9.1f %9.1f %7.2f %9d" % (
            name, v["sent"], v["got"], 100.0 * (v["sent"] - v["got"]) / v["sent"], v["pps"],
            "%.1f" % (1e6 * cost(v, "host")) if v["host"] else "-", 1e6 * cost(v, "cpu1"),
            1e6 * cost(v, "vm"), v["daemon"], v["offloaded"]))
    for name in order:
        v = res[name]
        out("%s: measured %.1f s, %d packets; dropped: relay input %d, relay sockets %d, "
            "on the way to the callee %d%s" % (
                (name, v["window"], v["wpackets"]) + v["drops"] + (
                    "; the relay's vCPU waited for a host CPU %.0f%% of the time" %
                    (100.0 * v["host"][1] / v["window"]) if v["host"] else "",)))

    def ratio(a, b, key):
        """With rounds: their median, then each round's."""
        each = [cost(x, key) / cost(y, key) if cost(y, key) else 0.0
                for x, y in zip(a["rounds"], b["rounds"])]
        if len(each) == 1:
            return "%.2f" % each[0]
        return "%.2f (median; rounds %s)" % (statistics.median(each),
                                            " ".join("%.2f" % r for r in each))

    def cpu(a, b):
        if has_host:
            return "%s; host time of the relay's vCPU (in the guest: CPU%d ticks %s, VM-tools " \
                "%s)" % (ratio(a, b, "host"), RELAY_CPU, ratio(a, b, "cpu1"), ratio(a, b, "vm"))
        return "%s; CPU%d ticks in the guest (VM-tools %s)" % (ratio(a, b, "cpu1"), RELAY_CPU,
                                                              ratio(a, b, "vm"))

    def saturated(v):
        return v["drops"][0] + v["drops"][1] >= 0.005 * v["sent"]

    def bound(*vs):
        return "" if all(saturated(v) for v in vs) else " (lower bound: not saturated)"
    k, u = res.get("srtprelay kernel"), res.get("srtprelay userspace")
    e = res.get("rtpengine kernel")
    if k and u:
        out("ratio kernel/userspace pps %s; %s receive%s" % (ratio(k, u, "pps"), mode,
                                                            bound(k)))
        out("ratio userspace/kernel CPU per packet %s; %s receive" % (cpu(u, k), mode))
    if k and e:
        out("ratio srtprelay-kernel/rtpengine-kernel pps %s; %s receive%s" % (
            ratio(k, e, "pps"), mode, "" if saturated(k) and saturated(e) else
            " (not both saturated: not a capacity ratio)"))
        out("ratio rtpengine-kernel/srtprelay-kernel CPU per packet %s; %s receive" % (
            cpu(e, k), mode))
    for name in order:
        v = res[name]
        if not saturated(v):
            out("note: %s took all the generator sent (no drops at its input): not saturated, "
                "its pps is the generator's rate" % name)
        elif v["drops"][1] > v["drops"][0]:
            out("note: %s dropped mostly at its sockets, after the kernel's receive work: how "
                "CPU %d is shared between that work and the daemon decides its pps and CPU per "
                "packet, which vary from run to run (OFFLOAD_BENCH_ROUNDS=3 shows the spread)" %
                (name, RELAY_CPU))


def notes():
    out("")
    out("note: streams %d, %d SRTP packets per run (%s -> RTP), %d round%s; generator and "
        "driver on CPU %d, the relay on CPU %d. Measured while packets reach the callee "
        "(sampled every 0.1 s; start-up and the generator building its packets stay outside). "
        "pps = packets per second at the callee (its UDP NoPorts counter), the generator "
        "sending as fast as it can; a relay is saturated when it drops at its input or its "
        "sockets." % (STREAMS, PACKETS, SUITE, ROUNDS, "s" if ROUNDS > 1 else "", LOAD_CPU,
                      RELAY_CPU))
    out("note: us/packet host = run time on the host of the qemu thread that is the relay's "
        "vCPU (schedstat, sampled by bench_offload.sh), per packet at the callee; guest CPU%d = "
        "the relay CPU's busy ticks in the guest (/proc/stat user+nice+system+irq+softirq); "
        "VM-tools = the busy ticks of both CPUs minus the generator's and this driver's CPU "
        "time (/proc/PID/stat). All three include the callee's receive processing, the same "
        "for each relay. Process CPU times count the time the host ran something else while "
        "the vCPU was runnable, tick counts mostly do not, so VM-tools is skewed when the host "
        "is busy; the relay runs on CPU %d only, so that CPU's time is its whole cost." %
        (RELAY_CPU, RELAY_CPU))
    out("note: daemon CPU s = the relay process's own CPU, all threads, over the run; "
        "offloaded = packets the kernel module counted. softirq receive is a NIC's; the "
        "generator cannot saturate the kernel paths with it, threaded receive costs the "
        "generator less and it can.")


def merge(runs):
    """One result from the rounds: sums, and the mean of pps."""
    m = {k: sum(r[k] for r in runs) for k in ("sent", "got", "window", "wpackets", "tools",
                                               "daemon", "offloaded")}
    m["pps"] = sum(r["pps"] for r in runs) / len(runs)
    m["busy"] = [sum(x) for x in zip(*(r["busy"] for r in runs))]
    m["drops"] = tuple(sum(x) for x in zip(*(r["drops"] for r in runs)))
    m["host"] = [sum(x) for x in zip(*(r["host"] for r in runs))] \
        if all(r["host"] for r in runs) else None
    m["rounds"] = runs
    return m


CLONE_NEWNET = 0x40000000
SIOCETHTOOL = 0x8946
ETHTOOL_GTSO, ETHTOOL_STSO, ETHTOOL_GGRO, ETHTOOL_SGRO = 0x1e, 0x1f, 0x2b, 0x2c


class netns:
    """with netns(ns): this (single-threaded) process in network namespace ns for a while."""

    def __init__(self, ns):
        self.ns = ns

    def __enter__(self):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.own = os.open("/proc/self/ns/net", os.O_RDONLY)
        other = os.open("/var/run/netns/" + self.ns, os.O_RDONLY)
        try:
            if self.libc.setns(other, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns " + self.ns)
        finally:
            os.close(other)

    def __exit__(self, *exc):
        self.libc.setns(self.own, CLONE_NEWNET)
        os.close(self.own)


def ethtool(dev, *cmds):
    """Legacy ethtool ioctls on dev (no ethtool binary needed); returns the last value."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for cmd, val in cmds:
            v = array.array("I", [cmd, val])
            fcntl.ioctl(s.fileno(), SIOCETHTOOL, struct.pack(
                "16sP", dev.encode(), v.buffer_info()[0]).ljust(40, b"\0"))
    return v[1]


def tx_dropped(ns, dev):
    """A veth's tx_dropped: packets its peer's NAPI ring had no room for."""
    with netns(ns), open("/proc/self/net/dev") as f:
        for ln in f:
            name, _, rest = ln.partition(":")
            if name.strip() == dev:
                return int(rest.split()[11])
    return 0


def napi_threads(dev):
    pids = []
    for comm in glob.glob("/proc/[0-9]*/comm"):
        try:
            with open(comm) as f:
                if f.read().startswith("napi/%s-" % dev):
                    pids.append(int(comm.split("/")[2]))
        except OSError:
            pass
    return pids


def tune_network(mode):
    """Runs in the relay ns. The relay's receive processing must not run in the generator's
    syscalls on the load CPU:
      softirq: RPS hands r0's packets (from the caller) to the relay's CPU, through its
        per-CPU backlog (1000 packets: the "NIC ring", where what the relay cannot take is
        dropped), processed in softirq as from a real NIC;
      threaded: r0 gets a NAPI ring (256 packets) polled by kernel threads on the relay's
        CPU; the generator only queues packets into it, which costs it less.
    A veth gets a NAPI ring when GRO is requested on it (off, then on: the default is on but
    not requested), used for packets from a peer without TSO (UDP has no use for it). The
    callee's e0 always has one, polled in softirq on the CPU that sends to it, the relay's:
    in the backlog, the relay's output would be dropped with the generator's packets.
    """
    try:
        with netns("caller"):
            ethtool("c0", (ETHTOOL_STSO, 0))
        if mode == "threaded":
            ethtool("r0", (ETHTOOL_SGRO, 0), (ETHTOOL_SGRO, 1))
            with open("/sys/class/net/r0/threaded", "w") as f:
                f.write("1")
            threads = napi_threads("r0")
            if not threads:
                raise OSError("no NAPI threads for r0")
            for pid in threads:
                os.sched_setaffinity(pid, {RELAY_CPU})
            rps = 0
        else:
            try:
                with open("/sys/class/net/r0/threaded", "w") as f:
                    f.write("0")
            except OSError:
                pass                    # not in NAPI mode at all
            ethtool("r0", (ETHTOOL_SGRO, 0))
            rps = 1 << RELAY_CPU
        for q in glob.glob("/sys/class/net/r0/queues/rx-*/rps_cpus"):
            with open(q, "w") as f:
                f.write("%x" % rps)
        tso = ethtool("r1", (ETHTOOL_STSO, 0), (ETHTOOL_GTSO, 0))
        with netns("callee"):
            gro = ethtool("e0", (ETHTOOL_SGRO, 0), (ETHTOOL_SGRO, 1), (ETHTOOL_GGRO, 0))
    except OSError as err:
        raise RuntimeError("network set-up (%s): %s" % (mode, err))
    if tso != 0 or gro != 1:
        raise RuntimeError("the callee's veth is not in NAPI mode (r1 TSO %s, e0 GRO %s)" %
                           (tso, gro))


MODES = {"softirq": "softirq on CPU %d (RPS from r0), as from a NIC" % RELAY_CPU,
         "threaded": "threaded NAPI on r0, its kernel threads on CPU %d" % RELAY_CPU}


def inner():
    global HOST
    os.sched_setaffinity(0, {LOAD_CPU})
    HOST = HostVcpus()
    plan = [("srtprelay kernel", lambda: run_srtprelay(True)),
            ("srtprelay userspace", lambda: run_srtprelay(False))]
    why = rtpengine_setup()
    if why:
        out("rtpengine kernel: not measured (%s)" % why)
    else:
        plan.append(("rtpengine kernel", run_rtpengine))
    failed = set()
    for mode in RX_MODES:
        try:
            if mode not in MODES:
                raise RuntimeError("OFFLOAD_BENCH_RX: no mode %r (%s)" % (mode, " ".join(MODES)))
            tune_network(mode)
        except RuntimeError as err:
            print("FAIL bench.offload.network", flush=True)
            out("  %s" % err)
            return 1
        runs = {name: [] for name, _ in plan}
        # With more rounds, every other one in reverse order, so that a drift in what the
        # host gives the VM does not fall on one relay only.
        for rnd in range(ROUNDS):
            for name, fn in (plan if rnd % 2 == 0 else plan[::-1]):
                if name in failed:
                    continue
                try:
                    runs[name].append(fn())
                    debug("%s done" % name)
                except Exception:
                    failed.add(name)
                    print("FAIL bench.offload.%s" % name.replace(" ", "_"), flush=True)
                    for line in traceback.format_exc().splitlines()[-6:]:
                        out("  " + line)
        res = {name: merge(runs[name]) for name, _ in plan if runs[name]}
        if res:
            report(res, [name for name, _ in plan if name in res], mode)
    notes()
    return 1 if failed else 0


def no_icmp_errors():
    """The callee counts what arrives at a port nobody listens on: no ICMP errors for those
    (the limit is global on 6.1, per namespace on 6.12)."""
    for ns in (None, "callee"):
        for k in ("icmp_msgs_per_sec", "icmp_msgs_burst"):
            try:
                with netns(ns) if ns else contextlib.nullcontext(), \
                        open("/proc/sys/net/ipv4/" + k, "w") as f:
                    f.write("0")
            except OSError:
                pass


def main():
    if sys.argv[1:] == ["inner"]:
        return inner()
    if sys.argv[1:2] == ["sample-host"]:
        return sample_host(int(sys.argv[2]), sys.argv[3])
    debug("guest script starts")
    for m in ("aesni_intel", "ghash_clmulni_intel", "sha1_ssse3"):
        subprocess.run(["modprobe", m], capture_output=True)
    if subprocess.run(["modprobe", "srtprelay"], capture_output=True).returncode:
        print("FAIL bench.offload.modprobe", flush=True)
        return 1
    cleanup()
    topology()
    no_icmp_errors()
    try:
        os.unlink(PIDFILE)
    except OSError:
        pass
    debug("topology ready")
    try:
        p = subprocess.run(["ip", "netns", "exec", "relay", sys.executable,
                            os.path.abspath(__file__), "inner"], timeout=420)
        return p.returncode
    except subprocess.TimeoutExpired:
        # The driver was killed: end what it started and left running.
        print("FAIL bench.offload.timeout", flush=True)
        with open(PIDFILE) as f:
            for pid in f.read().split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except OSError:
                    pass
        return 1
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
