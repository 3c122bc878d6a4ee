#!/usr/bin/env python3
"""srtprelay.ko relaying real packets, inside a VM (run as root by tests/kmod/t_kmod.sh).

    caller ns                 relay ns (module, nft rule)                 callee ns
    10.10.1.2  --- veth ---  10.10.1.1 | 10.10.2.1  --- veth ---  10.10.2.2
    fd01::2                  fd01::1   | fd02::1                   fd02::2

Endpoints are tests/kmod/endpoint (libsrtp2, not our core). Each case sets a flow
10.10.1.1:30000 -> from 10.10.2.1:30002 to 10.10.2.2:4000, sends media from the caller and
checks what the callee decrypts, then the flow's counters.
"""
import os
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import genl  # noqa: E402
import netns  # noqa: E402
from netns import cleanup, sh  # noqa: E402
from genl import attr, crypto, flow_attrs  # noqa: E402

ENDPOINT = os.path.join(os.environ.get('BUILD', 'build'), 'tests', 'kmod', 'endpoint')
# Fewer packets on the KASAN kernel (SRTPRELAY_VM_SLOW), where TCG runs it many times slower.
N = 150 if os.environ.get('SRTPRELAY_VM_SLOW') else 400
KEY_A = bytes(range(1, 33))
SALT_A = bytes(range(60, 74))
KEY_B = bytes(range(101, 133))
SALT_B = bytes(range(160, 174))


CHILDREN = []
_Popen = subprocess.Popen


def tracked_popen(*args, **kw):
    p = _Popen(*args, **kw)
    CHILDREN.append(p)
    return p


subprocess.Popen = tracked_popen


def reap_children():
    """Kills what a failed case left running (senders hold ports the next case needs)."""
    for p in CHILDREN:
        if p.poll() is None:
            p.kill()
            p.wait()
    CHILDREN.clear()


def topology():
    netns.topology()
    # conntrack is active in the relay (a ct rule), so the test sees it if relayed packets
    # were tracked
    with open('/tmp/ct.nft', 'w') as f:
        f.write('table inet cttest {\n chain c {\n  type filter hook prerouting priority 0;\n'
                '  ct state new counter\n }\n}\n')
    out = sh('nft', '-f', '/tmp/ct.nft', ns='relay', check=False)
    assert out.returncode == 0, 'nft: ' + out.stderr
    out = sh(sys.executable, os.path.join(HERE, 'nft.py'), 'install', 'inet', '30000', '39999',
             ns='relay', check=False)
    assert out.returncode == 0, 'nft rule: ' + out.stderr


class Relay:
    """Netlink from inside the relay namespace (a child process holds the socket there)."""

    def __init__(self):
        self.nl = None

    def run(self, code):
        full = ('import sys, struct; sys.path.insert(0, %r); import genl\n'
                'from genl import *\nnl = genl.Genl()\n' % HERE) + code
        out = sh(sys.executable, '-c', full, ns='relay', check=False)
        if out.returncode:
            raise AssertionError('relay netlink: ' + out.stderr[-800:])
        return out.stdout

    def set_flow(self, local, source, peer, dec=None, enc=None, **kw):
        d = 'crypto(%r, key=%r, salt=%r)' % dec if dec else 'None'
        e = 'crypto(%r, key=%r, salt=%r)' % enc if enc else 'None'
        self.run('nl.request(CMD_SET_FLOW, flow_attrs(%r, %r, %r, decrypt=%s, encrypt=%s, **%r))'
                 % (local, source, peer, d, e, kw))

    def start(self, code):
        """Runs code in the relay namespace in the background (a Popen)."""
        full = ('import sys, struct, time; sys.path.insert(0, %r); import genl\n'
                'from genl import *\nnl = genl.Genl()\n' % HERE) + code
        return subprocess.Popen(['ip', 'netns', 'exec', 'relay', sys.executable, '-c', full],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def stats(self, local):
        out = self.run('f = parse_flow(nl.request(CMD_GET_FLOW, [attr(A_FLOW_LOCAL, '
                       'sockaddr(*%r))])[0]); print(repr(f["stats"]))' % (local,))
        return eval(out)  # our own repr of a dict of ints

    def flush(self):
        self.run('nl.request(CMD_FLUSH)')


relay = Relay()


def keyhex(key, salt, suite):
    _, klen, slen = genl.SUITES[suite]
    return (key[:klen] + salt[:slen]).hex()


# Before the first packet the receiver waits this long: on the KASAN kernel, with the host
# busy, starting the sender can take many seconds. Cases that expect nothing use the silence
# timeout only.
FIRST = 'first=60000'


def media(send_suite, send_key, recv_suite, recv_key, dest='10.10.1.1:30000',
          listen='10.10.2.2:4000', rtcp=False, count=N, src_ns='caller', expect=True):
    """Starts the receiver, sends, returns (receiver rc, its output)."""
    extra = (['rtcp'] if rtcp else []) + ([FIRST] if expect else [])
    rx = subprocess.Popen(['ip', 'netns', 'exec', 'callee', ENDPOINT, 'recv', recv_suite,
                           recv_key, listen, str(count), '8000'] + extra,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert rx.stdout.readline().strip() == 'listening', 'receiver did not start'
    sh(ENDPOINT, 'send', send_suite, send_key, dest, '5000', str(count), '0x1234abcd',
       *(['rtcp'] if rtcp else []), ns=src_ns)
    out, _ = rx.communicate(timeout=90)
    return rx.returncode, out.strip()


def net_diagnostics():
    """Where packets went missing: neighbours, drops and the stack's counters, per namespace."""
    lines = []
    for ns in ('relay', 'callee'):
        for cmd in (('ip', '-s', 'neigh'), ('ip', '-s', '-o', 'link'), ('nstat', '-a')):
            out = sh(*cmd, ns=ns, check=False).stdout
            lines += ['%s %s: %s' % (ns, cmd[-1], ln) for ln in out.splitlines() if ln.strip()]
    return '\n'.join('  ' + ln for ln in lines)


def conntrack_count():
    return int(sh('conntrack', '-C', ns='relay').stdout.strip() or 0)


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


L, S, P = ('10.10.1.1', 30000), ('10.10.2.1', 30002), ('10.10.2.2', 4000)


def relay_case(dec_suite, enc_suite, rtcp=False, media_kind=genl.MEDIA_RTP):
    relay.flush()
    dec = (dec_suite, KEY_A[:genl.SUITES[dec_suite][1]], SALT_A[:genl.SUITES[dec_suite][2]]) \
        if dec_suite != 'none' else None
    enc = (enc_suite, KEY_B[:genl.SUITES[enc_suite][1]], SALT_B[:genl.SUITES[enc_suite][2]]) \
        if enc_suite != 'none' else None
    relay.set_flow(L, S, P, dec, enc, media=media_kind)
    ka = keyhex(KEY_A, SALT_A, dec_suite) if dec else '00'
    kb = keyhex(KEY_B, SALT_B, enc_suite) if enc else '00'
    rc, out = media(dec_suite, ka, enc_suite, kb, rtcp=rtcp)
    st = relay.stats(L)
    assert rc == 0, '%s -> %s: %s; relay counters %s\n%s' % (dec_suite, enc_suite, out, st,
                                                              net_diagnostics())
    assert st[genl.A_STATS_PACKETS] == N, st
    assert st[genl.A_STATS_LAST_PACKET_AGE_MS] < 60000, st


@case
def rtp_to_rtp():
    relay_case('none', 'none')


@case
def srtp_to_rtp():
    relay_case('AES_CM_128_HMAC_SHA1_80', 'none')


@case
def rtp_to_srtp():
    relay_case('none', 'AEAD_AES_256_GCM')


@case
def suite_translation_aes_cm_to_gcm():
    relay_case('AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM')
    relay_case('AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80')


@case
def every_suite_both_ways():
    for suite in ('AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AES_256_CM_HMAC_SHA1_80',
                  'AES_256_CM_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM',
                  'NULL_HMAC_SHA1_80'):
        relay_case(suite, suite)   # decrypt with one key, encrypt with another


@case
def srtcp_on_its_own_port_and_muxed():
    relay_case('AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM', rtcp=True,
               media_kind=genl.MEDIA_RTCP)
    relay_case('AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_32', rtcp=True,
               media_kind=genl.MEDIA_MUX)


@case
def ipv6():
    relay.flush()
    relay.set_flow(('fd01::1', 30000), ('fd02::1', 30002), ('fd02::2', 4000),
                   ('AEAD_AES_128_GCM', KEY_A[:16], SALT_A[:12]), None)
    rc, out = media('AEAD_AES_128_GCM', keyhex(KEY_A, SALT_A, 'AEAD_AES_128_GCM'), 'none', '00',
                    dest='[fd01::1]:30000', listen='[fd02::2]:4000')
    assert rc == 0, out


@case
def no_conntrack_entries():
    sh('conntrack', '-F', ns='relay', check=False)
    before = conntrack_count()
    relay_case('AES_CM_128_HMAC_SHA1_80', 'none')
    after = conntrack_count()
    assert after == before, 'conntrack entries %d -> %d' % (before, after)


@case
def wrong_source_dropped():
    relay.flush()
    relay.set_flow(L, S, P, None, None, expect=('10.10.1.99', 0))
    rc, out = media('none', '00', 'none', '00', count=50)
    assert rc != 0 and 'ok 0' in out, out
    st = relay.stats(L)
    assert st[genl.A_STATS_DROP_SOURCE] == 50 and st[genl.A_STATS_PACKETS] == 0, st


@case
def wrong_key_dropped_and_counted():
    relay.flush()
    relay.set_flow(L, S, P, ('AES_CM_128_HMAC_SHA1_80', KEY_B[:16], SALT_B), None)
    rc, out = media('AES_CM_128_HMAC_SHA1_80', keyhex(KEY_A, SALT_A, 'AES_CM_128_HMAC_SHA1_80'),
                    'none', '00', count=50, expect=False)
    assert 'ok 0' in out, out
    st = relay.stats(L)
    assert st[genl.A_STATS_DROP_AUTH] == 50, st


@case
def replayed_packets_dropped_and_counted():
    relay.flush()
    relay.set_flow(L, S, P, ('AEAD_AES_128_GCM', KEY_A[:16], SALT_A[:12]), None)
    rx = subprocess.Popen(['ip', 'netns', 'exec', 'callee', ENDPOINT, 'recv', 'none', '00',
                           '10.10.2.2:4000', '200', '8000', FIRST], stdout=subprocess.PIPE,
                          text=True)
    assert rx.stdout.readline().strip() == 'listening', 'receiver did not start'
    sh(ENDPOINT, 'send', 'AEAD_AES_128_GCM', keyhex(KEY_A, SALT_A, 'AEAD_AES_128_GCM'),
       '10.10.1.1:30000', '5000', '200', '0x99', 'dup', ns='caller')
    out, _ = rx.communicate(timeout=90)
    st = relay.stats(L)
    assert rx.returncode == 0, out + "\n" + net_diagnostics()
    assert st[genl.A_STATS_DROP_REPLAY] == 200 and st[genl.A_STATS_PACKETS] == 200, st


def socket_sees(payloads, bind=('10.10.1.1', 30000)):
    """Sends raw datagrams from the caller to bind; returns what a socket there received.
    The socket waits up to a minute for the first (starting the sender's Python takes
    seconds on the KASAN kernel under TCG), then until a second passes without one."""
    code = ('import socket, sys\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n'
            's.bind(%r)\ns.settimeout(60)\nprint("ready", flush=True)\nn = 0\n'
            'try:\n    while True:\n        s.recv(2000)\n        n += 1\n'
            '        s.settimeout(1)\n'
            'except socket.timeout:\n    pass\nprint(n)\n' % (bind,))
    srv = subprocess.Popen(['ip', 'netns', 'exec', 'relay', sys.executable, '-c', code],
                           stdout=subprocess.PIPE, text=True)
    assert srv.stdout.readline().strip() == 'ready', 'the receiving socket did not start'
    send = ('import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n'
            'for p in %r:\n    s.sendto(p, %r)\n' % (payloads, bind))
    sh(sys.executable, '-c', send, ns='caller')
    out, _ = srv.communicate(timeout=90)
    return int(out.strip())


@case
def stun_dtls_and_other_media_reach_the_socket():
    relay.flush()
    relay.set_flow(L, S, P, ('AES_CM_128_HMAC_SHA1_80', KEY_A[:16], SALT_A), None,
                   media=genl.MEDIA_RTP)
    stun = b'\x00\x01\x00\x00\x21\x12\xa4\x42' + b'\x01' * 12
    dtls = b'\x16\xfe\xfd' + b'\x00' * 30
    rtcp = b'\x81\xc8\x00\x06' + b'\x00' * 24   # RTCP on an RTP-only flow
    seen = socket_sees([stun, dtls, rtcp])
    assert seen == 3, '%d of STUN, DTLS and RTCP reached the socket (%s)' % (
        seen, relay.stats(L))
    st = relay.stats(L)
    assert st[genl.A_STATS_PASSED] == 3 and st[genl.A_STATS_PACKETS] == 0, st


@case
def wrong_source_passed_with_source_pass():
    """SOURCE_PASS: packets from another source than the expected one go to the socket (the
    daemon decides whether the SDP address takes the stream over), counted PASSED."""
    relay.flush()
    relay.set_flow(L, S, P, None, None, expect=('10.10.1.99', 5000),
                   flags=genl.FLOW_F_SOURCE_PASS)
    rtp = [bytes([0x80, 0, 0, i]) + bytes(8) + bytes(160) for i in range(20)]
    seen = socket_sees(rtp)
    st = relay.stats(L)
    assert seen == 20, '%d of 20 reached the socket (%s)' % (seen, st)
    assert st[genl.A_STATS_PASSED] == 20 and st[genl.A_STATS_DROP_SOURCE] == 0 and \
        st[genl.A_STATS_PACKETS] == 0, st


@case
def rekey_under_traffic_loses_nothing():
    """The flow is replaced again and again while media crosses a SEQ wrap: the ROC moves
    with it, and no packet is lost or misdirected."""
    relay.flush()
    dec = ('AES_CM_128_HMAC_SHA1_80', KEY_A[:16], SALT_A)
    enc = ('AEAD_AES_128_GCM', KEY_B[:16], SALT_B[:12])
    relay.set_flow(L, S, P, dec, enc)
    n = 6000
    rx = subprocess.Popen(['ip', 'netns', 'exec', 'callee', ENDPOINT, 'recv', enc[0],
                           keyhex(KEY_B, SALT_B, enc[0]), '10.10.2.2:4000', str(n), '60000'],
                          stdout=subprocess.PIPE, text=True)
    assert rx.stdout.readline().strip() == 'listening', 'receiver did not start'
    tx = subprocess.Popen(['ip', 'netns', 'exec', 'caller', ENDPOINT, 'send', dec[0],
                           keyhex(KEY_A, SALT_A, dec[0]), '10.10.1.1:30000', '5000', str(n),
                           '0x4242'])
    rekey = relay.start(
        'msg = flow_attrs(%r, %r, %r, decrypt=crypto(%r, key=%r, salt=%r), '
        'encrypt=crypto(%r, key=%r, salt=%r))\nn = 0\n'
        'while n < 200:\n    nl.request(CMD_SET_FLOW, msg)\n    n += 1\n    time.sleep(0.01)\n'
        'print(n)\n' % ((L, S, P) + dec + enc))
    tx.wait(timeout=120)
    out, _ = rx.communicate(timeout=120)
    replaced, err = rekey.communicate(timeout=120)
    assert rekey.returncode == 0, err[-500:]
    assert rx.returncode == 0, '%s after %s replacements' % (out, replaced.strip())


@case
def both_directions_at_once():
    relay.flush()
    relay.set_flow(L, S, P, ('AEAD_AES_256_GCM', KEY_A, SALT_A[:12]),
                   ('AES_CM_128_HMAC_SHA1_80', KEY_B[:16], SALT_B))
    relay.set_flow(('10.10.2.1', 30002), ('10.10.1.1', 30000), ('10.10.1.2', 5000),
                   ('AES_CM_128_HMAC_SHA1_80', KEY_B[:16], SALT_B),
                   ('AEAD_AES_256_GCM', KEY_A, SALT_A[:12]))
    back = subprocess.Popen(['ip', 'netns', 'exec', 'caller', ENDPOINT, 'recv',
                             'AEAD_AES_256_GCM', keyhex(KEY_A, SALT_A, 'AEAD_AES_256_GCM'),
                             '10.10.1.2:5000', str(N), '8000', FIRST], stdout=subprocess.PIPE,
                            text=True)
    assert back.stdout.readline().strip() == 'listening', 'receiver did not start'
    sh(ENDPOINT, 'send', 'AES_CM_128_HMAC_SHA1_80', keyhex(KEY_B, SALT_B, 'AES_CM_128_HMAC_SHA1_80'),
       '10.10.2.1:30002', '4000', str(N), '0x7777', ns='callee')
    rc, out = media('AEAD_AES_256_GCM', keyhex(KEY_A, SALT_A, 'AEAD_AES_256_GCM'),
                    'AES_CM_128_HMAC_SHA1_80', keyhex(KEY_B, SALT_B, 'AES_CM_128_HMAC_SHA1_80'))
    bout, _ = back.communicate(timeout=90)
    assert rc == 0 and back.returncode == 0, (out, bout)


@case
def delete_under_traffic():
    relay.flush()
    relay.set_flow(L, S, P, None, None)
    no_flow = ('print(struct.unpack("Q", parse_attrs(parse_attrs(nl.request('
               'CMD_GET_STATS)[0])[A_GLOBAL_STATS])[A_STATS_NO_FLOW])[0])')
    before = int(relay.run(no_flow))
    tx = subprocess.Popen(['ip', 'netns', 'exec', 'caller', ENDPOINT, 'send', 'none', '00',
                           '10.10.1.1:30000', '5000', '9000', '0x1'])
    deleter = relay.start('time.sleep(0.5)\n'
                          'nl.request(CMD_DEL_FLOW, [attr(A_FLOW_LOCAL, sockaddr(*%r))])\n' % (L,))
    deleter.communicate(timeout=60)
    still_sending = tx.poll() is None
    tx.wait(timeout=120)
    after = int(relay.run(no_flow))
    assert deleter.returncode == 0
    assert still_sending, 'the stream ended before the delete: the test proves nothing'
    assert after > before, 'packets after the delete were not handed to the stack'


@case
def unload_under_traffic():
    """Last: the rule goes, then the module, while media still arrives; then it comes back."""
    relay.flush()
    relay.set_flow(L, S, P, ('AES_CM_128_HMAC_SHA1_80', KEY_A[:16], SALT_A), None)
    tx = subprocess.Popen(['ip', 'netns', 'exec', 'caller', ENDPOINT, 'send',
                           'AES_CM_128_HMAC_SHA1_80', keyhex(KEY_A, SALT_A, 'AES_CM_128_HMAC_SHA1_80'),
                           '10.10.1.1:30000', '5000', '3000', '0x2'])
    time.sleep(0.3)
    out = sh(sys.executable, os.path.join(HERE, 'nft.py'), 'remove', 'inet', ns='relay', check=False)
    assert out.returncode == 0, out.stderr
    rm = subprocess.run(['modprobe', '-r', 'srtprelay'], capture_output=True, text=True)
    tx.wait(timeout=60)
    assert rm.returncode == 0, rm.stderr
    assert subprocess.run(['modprobe', 'srtprelay']).returncode == 0


def main():
    if subprocess.run(['modprobe', 'srtprelay']).returncode:
        print('FAIL kmod.datapath.modprobe')
        return 1
    cleanup()
    try:
        topology()
    except Exception as e:
        print('FAIL kmod.datapath.topology: %s' % e)
        cleanup()
        return 1
    failed = 0
    only = os.environ.get('DATAPATH_CASES', '').split()   # a subset, when debugging
    for fn in CASES:
        if only and fn.__name__ not in only:
            continue
        try:
            fn()
            print('PASS kmod.datapath.%s' % fn.__name__, flush=True)
        except Exception as e:
            failed += 1
            print('FAIL kmod.datapath.%s: %s' % (fn.__name__, e), flush=True)
        reap_children()
    cleanup()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
