#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""srtprelayd against careless and hostile control clients: held-open TCP connections, the
reply cache under large replies, the open-file limit. Each case runs its own daemon on
127.0.0.1; every wait is bounded. Prints PASS/FAIL per case."""
import os
import socket
import sys
import time
import traceback
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from ngclient import Daemon, benc, free_range, sdp  # noqa: E402
from t_daemon import check  # noqa: E402

BUILD = os.environ.get("BUILD", "build")


def connect(port, src="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def closed_by_peer(s, wait=0.5):
    """True if the relay closed (or refused) s: EOF or a reset within wait seconds."""
    s.settimeout(wait)
    try:
        return s.recv(100) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def ping_tcp(port, src):
    s = connect(port, src)
    try:
        s.sendall(b"p1 " + benc({"command": "ping"}))
        return s.recv(100).startswith(b"p1 d6:result4:ponge")
    except OSError:
        return False
    finally:
        s.close()


def scrape(port, src="127.0.0.1"):
    s = connect(port, src)
    try:
        s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
        buf = b""
        while True:
            part = s.recv(65536)
            if not part:
                break
            buf += part
    finally:
        s.close()
    head, _, body = buf.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 200"), head)
    vals = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            vals[k] = float(v)
    return vals


def t_tcp_held_open(build):
    """100 TCP ng connections from one address that send half a request and stay open: the
    per-source cap refuses those beyond 64, other sources and /metrics still get in, and the
    partial requests are closed after 30 s; half-sent HTTP heads go after 10 s."""
    http = free_range(2)[0]
    d = Daemon(build, "--listen-http=127.0.0.1:%d" % http, life=120)
    held, heads = [], []
    try:
        t0 = time.time()
        for _ in range(100):
            s = connect(d.tcp_port)
            s.sendall(b"h1 d7:command4:pi")
            held.append(s)
        time.sleep(0.5)
        gone = [s for s in held if closed_by_peer(s, 0.05)]
        check(len(gone) == 36, "%d of 100 held connections refused, want 36" % len(gone))
        check(ping_tcp(d.tcp_port, "127.0.0.2"), "a TCP ng client elsewhere was shut out")
        check(d.ng.call("ping") == {"result": "pong"}, "UDP ng")
        # Metrics: 4 half-sent heads from one address; the fifth is refused; others scrape.
        t1 = time.time()
        for _ in range(5):
            s = connect(http, "127.0.0.3")
            s.sendall(b"GET /metr")
            heads.append(s)
        time.sleep(0.3)
        check(closed_by_peer(heads[4], 0.3) and
              not any(closed_by_peer(s, 0.05) for s in heads[:4]),
              "the per-source cap on the metrics listener")
        m = scrape(http)
        check(m['srtprelay_control_connections_total{listener="ng",event="refused"}'] == 36, m)
        check(m['srtprelay_control_connections_total{listener="http",event="refused"}'] == 1, m)
        # HTTP heads: closed after 10 s (the tick is once a second).
        time.sleep(max(0, t1 + 12 - time.time()))
        check(all(closed_by_peer(s, 0.05) for s in heads[:4]), "half-sent HTTP heads still open")
        check(not any(closed_by_peer(s, 0.02) for s in held if s not in gone),
              "partial ng requests closed before 30 s")
        # A complete request keeps a connection; a partial one goes after 30 s.
        idle = connect(d.tcp_port, "127.0.0.4")
        idle.sendall(b"i1 " + benc({"command": "ping"}))
        check(idle.recv(100).startswith(b"i1 d6:result4:ponge"), "ping on the idle connection")
        time.sleep(max(0, t0 + 33 - time.time()))
        still = [s for s in held if s not in gone and not closed_by_peer(s, 0.02)]
        check(not still, "%d partial ng requests still open after 33 s" % len(still))
        check(not closed_by_peer(idle, 0.1), "a connection with nothing pending was closed")
        m = scrape(http)
        check(m['srtprelay_control_connections_total{listener="ng",event="timed_out"}'] == 64, m)
        check(m['srtprelay_control_connections_total{listener="http",event="timed_out"}'] == 4,
              m)
        check(ping_tcp(d.tcp_port, "127.0.0.1"), "the held-open address cannot come back")
        idle.close()
    finally:
        for s in held + heads:
            s.close()
        rc, log = d.stop()
    check(rc == 0, "exit %s: %s" % (rc, log[-2000:]))


def offer(d, cid, port):
    r = d.ng.call("offer", call_id=cid, from_tag="f", sdp=sdp("127.0.0.1", port))
    check(r.get("result") == "ok", r)


def t_reply_cache_bounded(build):
    """1,000 calls, 3,000 list requests with fresh cookies and limit 100000: a list returns
    at most 500 call-ids, and the reply cache stays inside --reply-cache-mb, oldest out."""
    http = free_range(2)[0]
    d = Daemon(build, "--listen-http=127.0.0.1:%d" % http, "--reply-cache-mb=4",
               ports=4100, life=120)
    try:
        for i in range(1000):
            offer(d, "edge-cache-call-%04d-0123456789abcdef" % i, 40000 + 2 * i)
        first = d.ng.call("list", cookie="list-0", limit=100000)
        check(len(first["calls"]) == 500, "list returned %d call-ids" % len(first["calls"]))
        for i in range(1, 3000):
            d.ng.call("list", cookie="list-%d" % i, limit=100000)
        m = scrape(http)
        held = m["srtprelay_ng_reply_cache_bytes"]
        check(3 << 20 < held <= 4 << 20, "reply cache holds %d bytes" % held)
        again = m["srtprelay_ng_retransmits_total"]
        d.ng.call("list", cookie="list-2999", limit=100000)       # newest: from the cache
        d.ng.call("list", cookie="list-0", limit=100000)          # oldest: evicted, run again
        m = scrape(http)
        check(m["srtprelay_ng_retransmits_total"] == again + 1, m["srtprelay_ng_retransmits_total"])
        check(m['srtprelay_ng_requests_total{command="list",result="ok"}'] == 3001, m)
    finally:
        rc, log = d.stop()
    check(rc == 0, "exit %s: %s" % (rc, log[-2000:]))


def t_fd_limit(build):
    """A hard open-file limit below what the port range needs: the soft limit is raised to
    it, one line at start says how many calls that allows, statistics report it, and the
    call beyond it is refused cleanly (its ports come back, later calls work)."""
    d = Daemon(build, ports=1000, nofile=(100, 300), life=60)
    try:
        log = d.logtext()
        check("open-file limit 300 allows about 59 calls, fewer than the 250" in log, log)
        st = d.ng.call("statistics")["statistics"]["currentstatistics"]
        check(st["fdlimit"] == 300 and 0 < st["fdsinuse"] < 64, st)
        n, err = 0, None
        while n < 100:
            r = d.ng.call("offer", call_id="fd-%d" % n, from_tag="f",
                          sdp=sdp("127.0.0.1", 40000 + 2 * n))
            if r.get("result") != "ok":
                err = r.get("error-reason", "")
                break
            n += 1
        check(err and "Out of file descriptors (open-file limit 300 reached)" in err, err)
        check(50 <= n <= 75, "%d calls before the refusal" % n)
        st = d.ng.call("statistics")["statistics"]["currentstatistics"]
        check(st["sessionsown"] == n and st["fdsinuse"] >= 290, st)
        time.sleep(1.5)     # the refused call's sockets close with their last completion
        st = d.ng.call("statistics")["statistics"]["currentstatistics"]
        check(st["portsused"] == 4 * n, st)
        for i in range(n):
            check(d.ng.call("delete", call_id="fd-%d" % i).get("result") == "ok", i)
        r = d.ng.call("offer", call_id="fd-again", from_tag="f", sdp=sdp("127.0.0.1", 40000))
        check(r.get("result") == "ok", r)
        st = d.ng.call("statistics")["statistics"]["currentstatistics"]
        check(st["sessionsown"] == 1 and st["portsused"] == 4, st)
    finally:
        rc, log = d.stop()
    check(rc == 0, "exit %s: %s" % (rc, log[-2000:]))


def sdp6(addr, port, version="1"):
    return ("v=0\r\no=- 1 %s IN IP6 %s\r\ns=-\r\nc=IN IP6 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n" % (version, addr, addr, port))


def media_port(text):
    return int(next(l for l in text.splitlines() if l.startswith("m=audio ")).split()[1])


def t_address_family(build):
    """Each side in its own SDP's family: an IPv6 offer gets an IPv6 relay address, the other
    side too unless address-family says otherwise, and media crosses families; without an
    interface of that family, a clear error."""
    d = Daemon(build, "--interface=v6/::1", life=60)
    a = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        a.bind(("::1", 0))
        b.bind(("127.0.0.1", 0))
        a.settimeout(2)
        b.settimeout(2)
        off = d.ng.call("offer", call_id="af1", from_tag="a", sdp=sdp6("::1", 40000))
        check(off.get("result") == "ok" and "c=IN IP6 ::1" in off["sdp"], off)
        off = d.ng.call("offer", call_id="af2", from_tag="a", address_family="IP4",
                        sdp=sdp6("::1", a.getsockname()[1]))
        check(off.get("result") == "ok" and "c=IN IP4 127.0.0.1" in off["sdp"] and
              "IP6" not in off["sdp"].split("o=")[1].split("\n", 1)[1], off)
        ans = d.ng.call("answer", call_id="af2", from_tag="a", to_tag="b",
                        sdp=sdp("127.0.0.1", b.getsockname()[1]))
        check(ans.get("result") == "ok" and "c=IN IP6 ::1" in ans["sdp"], ans)
        pkt = bytes([0x80, 0, 0, 1]) + bytes(8) + bytes(160)
        a.sendto(pkt, ("::1", media_port(ans["sdp"])))
        check(b.recv(2048) == pkt, "IPv6 -> IPv4")
        b.sendto(pkt, ("127.0.0.1", media_port(off["sdp"])))
        check(a.recv(2048) == pkt, "IPv4 -> IPv6")
    finally:
        a.close()
        b.close()
        d.stop()
    d = Daemon(build, life=30)     # 127.0.0.1 only
    try:
        r = d.ng.call("offer", call_id="af3", from_tag="a", sdp=sdp6("::1", 40000))
        check(r.get("result") == "error" and
              "No interface of address family IPv6" in r.get("error-reason", ""), r)
        st = d.ng.call("statistics")["statistics"]["currentstatistics"]
        check(st["sessionsown"] == 0 and st["portsused"] == 0, st)
    finally:
        d.stop()


def t_reoffer_keeps_interfaces(build):
    """Set up across two interfaces by direction, a re-offer naming none (one adding video)
    stays on them: B's media, old and new, on the external interface."""
    d = Daemon(build, "--interface=ext/127.0.0.2", life=30)   # beside default/127.0.0.1
    try:
        ok1 = d.ng.call("offer", call_id="if1", from_tag="a", direction=["default", "ext"],
                        sdp=sdp("127.0.0.1", 40000))
        check(ok1.get("result") == "ok" and "c=IN IP4 127.0.0.2" in ok1["sdp"], ok1)
        two = sdp("127.0.0.1", 40000, version="2") + \
            "m=video 40002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
        re = d.ng.call("offer", call_id="if1", from_tag="a", sdp=two)
        check(re.get("result") == "ok", re)
        conns = [l for l in re["sdp"].splitlines() if l.startswith("c=")]
        check(conns and all(c == "c=IN IP4 127.0.0.2" for c in conns),
              "re-offer left the interface: %s" % conns)
    finally:
        d.stop()


CASES = [t_tcp_held_open, t_reply_cache_bounded, t_fd_limit, t_address_family,
         t_reoffer_keeps_interfaces]


def main():
    only = sys.argv[1:]
    failed = 0
    for case in CASES:
        if only and case.__name__ not in only:
            continue
        try:
            case(BUILD)
            print("PASS edges.%s" % case.__name__, flush=True)
        except Exception:
            failed += 1
            print("FAIL edges.%s" % case.__name__, flush=True)
            traceback.print_exc(file=sys.stdout)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
