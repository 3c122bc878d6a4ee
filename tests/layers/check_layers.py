#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""The daemon's layers, checked: every #include "x.h" in lib/, daemon/ and ctl/ must name a
header of the file's own layer or one below (README, "Layout"). Layers, bottom up:

    core     kmod/srtp/ and include/uapi/: the SRTP packet core and the kernel ABI
    lib      lib/: strbuf, log, bencode, addresses, config, kernel flows, nftables, SDES keys
    proto    daemon/proto/: SDP, SDES, STUN, ng requests (codecs, no state)
    webrtc   daemon/webrtc/: ICE agent, DTLS, OpenSSL SRTP ops
    media    daemon/media/: the call model, per-packet processing, bundle demultiplexing
    io       daemon/io/: ports, the io_uring ring and its sockets, the daemon's state
    offload  daemon/offload/: what the kernel relays, and pushing it there
    session  daemon/session/: offer/answer, ICE/DTLS/SDP on a call, timers
    control  daemon/control/: ng commands, reply cache, ng and HTTP servers, metrics
    main     daemon/main.c
    ctl      ctl/: srtprelay-ctl, on lib only

Prints one PASS/FAIL line per layer; a failure names the file, line and header."""
import os
import re
import sys

ORDER = ["core", "lib", "proto", "webrtc", "media", "io", "offload", "session", "control",
         "main"]
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def layer_of(path):
    rel = os.path.relpath(path, TOP)
    parts = rel.split(os.sep)
    if parts[0] in ("kmod", "include"):
        return "core"
    if parts[0] == "lib":
        return "lib"
    if parts[0] == "ctl":
        return "ctl"
    if parts[0] == "daemon":
        return "main" if len(parts) == 2 else parts[1]
    return None


def rank(layer):
    return {"ctl": ORDER.index("lib") + 0.5}.get(layer, ORDER.index(layer) if layer in ORDER
                                                 else None)


def main():
    headers = {}
    for root in ("kmod/srtp", "include", "lib", "daemon", "ctl"):
        for d, _, files in os.walk(os.path.join(TOP, root)):
            for f in files:
                if f.endswith(".h"):
                    rel = os.path.relpath(os.path.join(d, f), os.path.join(TOP, "include")) \
                        if root == "include" else f
                    headers.setdefault(rel, []).append(os.path.join(d, f))
    bad = {}
    checked = {}
    for root in ("lib", "daemon", "ctl"):
        for d, _, files in os.walk(os.path.join(TOP, root)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(d, f)
                me = layer_of(path)
                if rank(me) is None:
                    bad.setdefault(me, []).append("%s: not in any layer" % path)
                    continue
                checked[me] = checked.get(me, 0) + 1
                with open(path) as fh:
                    for n, line in enumerate(fh, 1):
                        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                        if not m:
                            continue
                        where = headers.get(m.group(1), [])
                        if len(where) != 1:
                            bad.setdefault(me, []).append("%s:%d: \"%s\" is %s" % (
                                os.path.relpath(path, TOP), n, m.group(1),
                                "ambiguous" if where else "no header of ours"))
                            continue
                        them = layer_of(where[0])
                        if them != me and not (rank(them) < rank(me) and
                                               (me != "ctl" or them in ("core", "lib"))):
                            bad.setdefault(me, []).append("%s:%d: %s includes %s (%s)" % (
                                os.path.relpath(path, TOP), n, me, m.group(1), them))
    for layer in ORDER[1:] + ["ctl"]:
        if layer not in checked and layer not in bad:
            continue
        if layer in bad:
            print("FAIL layers.%s" % layer)
            for b in bad[layer]:
                print("    " + b)
        else:
            print("PASS layers.%s (%d files)" % (layer, checked[layer]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
