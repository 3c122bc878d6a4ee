# SPDX-License-Identifier: GPL-2.0 OR MIT
"""A small ng protocol client and a srtprelayd runner for the system tests.

Bencode is written here from its definition (strings are bytes, dict keys sorted on output
like rtpengine does, though the daemon accepts any order)."""
import base64
import os
import random
import socket
import subprocess
import time


def benc(v):
    if isinstance(v, bool):
        v = int(v)
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, (bytes, bytearray)):
        return b"%d:%s" % (len(v), bytes(v))
    if isinstance(v, (list, tuple)):
        return b"l" + b"".join(benc(x) for x in v) + b"e"
    if isinstance(v, dict):
        out = b"d"
        for k in sorted(v, key=lambda k: k.encode() if isinstance(k, str) else k):
            out += benc(k) + benc(v[k])
        return out + b"e"
    raise TypeError(type(v))


def bdec(b, i=0):
    """Returns (value, next index); strings come back as str when they are UTF-8."""
    c = b[i:i + 1]
    if c == b"i":
        j = b.index(b"e", i)
        return int(b[i + 1:j]), j + 1
    if c == b"l":
        i += 1
        out = []
        while b[i:i + 1] != b"e":
            v, i = bdec(b, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        i += 1
        out = {}
        while b[i:i + 1] != b"e":
            k, i = bdec(b, i)
            v, i = bdec(b, i)
            out[k] = v
        return out, i + 1
    j = b.index(b":", i)
    n = int(b[i:j])
    s = b[j + 1:j + 1 + n]
    if len(s) != n:
        raise ValueError("truncated string")
    try:
        s = s.decode()
    except UnicodeDecodeError:
        pass
    return s, j + 1 + n


class NG:
    def __init__(self, addr, timeout=3.0):
        self.addr = addr
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(timeout)
        self.n = 0

    def raw(self, data):
        """Sends one datagram, returns the raw reply datagram."""
        self.sock.sendto(data, self.addr)
        return self.sock.recv(65536)

    def call(self, cmd, cookie=None, **kw):
        self.n += 1
        cookie = cookie or "%d_%d" % (os.getpid(), self.n)
        req = {"command": cmd}
        for k, v in kw.items():
            req[k.replace("_", "-")] = v
        self.sock.sendto(cookie.encode() + b" " + benc(req), self.addr)
        while True:
            # A late reply to an earlier request that timed out is skipped.
            ck, _, body = self.sock.recv(65536).partition(b" ")
            if ck == cookie.encode():
                return bdec(body)[0]

    def wait_ready(self, proc, seconds, logtext):
        """Pings until the relay answers; RuntimeError with its log if proc exits or the
        time runs out. The socket's timeout is left as it was."""
        saved = self.sock.gettimeout()
        self.sock.settimeout(0.2)
        deadline = time.time() + seconds
        try:
            while True:
                try:
                    if self.call("ping").get("result") == "pong":
                        return
                except OSError:
                    pass
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError("relay did not start:\n" + logtext()[-2000:])
        finally:
            self.sock.settimeout(saved)

    def close(self):
        self.sock.close()


def free_range(n):
    """A port range of n ports that nothing here is using (best effort)."""
    for _ in range(50):
        base = random.randrange(20000, 60000 - n) & ~1
        ok = True
        for p in (base, base + n - 1):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                ok = False
            s.close()
        if ok:
            return base, base + n - 1
    raise RuntimeError("no free port range")


class Daemon:
    def __init__(self, build, *args, ports=200, life=300, interface="127.0.0.1", nofile=None):
        self.pmin, self.pmax = free_range(ports)
        self.ng_port = free_range(2)[0]
        self.tcp_port = self.ng_port + 1      # free_range(2) holds both
        self.log = open("/tmp/srtprelayd-test-%d-%d.log" % (os.getpid(), self.ng_port), "w+")
        cmd = ["timeout", "-k", "2", str(life), os.path.join(build, "srtprelayd"),
               "--foreground", "--table=-1", "--interface=" + interface,
               "--listen-ng=127.0.0.1:%d" % self.ng_port,
               "--listen-tcp-ng=127.0.0.1:%d" % self.tcp_port,
               "--port-min=%d" % self.pmin, "--port-max=%d" % self.pmax] + list(args)
        limit = None
        if nofile:      # (soft, hard) RLIMIT_NOFILE for the relay
            import resource
            limit = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, nofile)  # noqa: E731
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     preexec_fn=limit)
        self.ng = NG(("127.0.0.1", self.ng_port))
        self.ng.wait_ready(self.proc, 5, self.logtext)

    def logtext(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.ng.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        text = self.logtext()
        self.log.close()
        os.unlink(self.log.name)
        return rc, text


def sdp(addr, port, proto="RTP/AVP", extra=(), media_extra=(), fmts="0 8 101",
        sess_id="1", version="1"):
    lines = ["v=0", "o=- %s %s IN IP4 %s" % (sess_id, version, addr), "s=-",
             "c=IN IP4 %s" % addr, "t=0 0"]
    lines += list(extra)
    lines += ["m=audio %d %s %s" % (port, proto, fmts), "a=rtpmap:0 PCMU/8000",
              "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000"]
    lines += list(media_extra)
    return "\r\n".join(lines) + "\r\n"


def crypto_line(tag, suite, key_salt):
    return "a=crypto:%d %s inline:%s" % (tag, suite, base64.b64encode(key_salt).decode())


def sdp_media_port(text, index=0):
    ports = [int(l.split()[1]) for l in text.splitlines() if l.startswith("m=")]
    return ports[index]


def sdp_cryptos(text):
    """[(tag, suite, key_salt hex)] of every a=crypto line."""
    out = []
    for l in text.splitlines():
        if l.startswith("a=crypto:"):
            tag, suite, param = l[9:].split()[:3]
            key = param.split(":", 1)[1].split("|")[0]
            out.append((int(tag), suite, base64.b64decode(key).hex()))
    return out
