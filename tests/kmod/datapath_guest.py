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
from genl import attr, crypto, flow_attrs  # noqa: E402

ENDPOINT = os.path.join(os.environ.get('BUILD', 'build'), 'tests', 'kmod', 'endpoint')
N = 400
KEY_A = bytes(range(1, 33))
SALT_A = bytes(range(60, 74))
KEY_B = bytes(range(101, 133))
SALT_B = bytes(range(160, 174))


def sh(*cmd, ns=None, check=True):
    if ns:
        cmd = ('ip', 'netns', 'exec', ns) + cmd
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=60)


def topology():
    for ns in ('caller', 'relay', 'callee'):
        sh('ip', 'netns', 'add', ns)
        sh('ip', 'link', 'set', 'lo', 'up', ns=ns)
    sh('ip', 'link', 'add', 'c0', 'netns', 'caller', 'type', 'veth', 'peer', 'r0', 'netns', 'relay')
    sh('ip', 'link', 'add', 'e0', 'netns', 'callee', 'type', 'veth', 'peer', 'r1', 'netns', 'relay')
    for ns, dev, a4, a6 in (('caller', 'c0', '10.10.1.2/24', 'fd01::2/64'),
                            ('relay', 'r0', '10.10.1.1/24', 'fd01::1/64'),
                            ('relay', 'r1', '10.10.2.1/24', 'fd02::1/64'),
                            ('callee', 'e0', '10.10.2.2/24', 'fd02::2/64')):
        sh('ip', 'addr', 'add', a4, 'dev', dev, ns=ns)
        sh('ip', '-6', 'addr', 'add', a6, 'dev', dev, 'nodad', ns=ns)
        sh('ip', 'link', 'set', dev, 'up', ns=ns)
    sh('ip', 'route', 'add', 'default', 'via', '10.10.1.1', ns='caller')
    sh('ip', 'route', 'add', 'default', 'via', '10.10.2.1', ns='callee')
    sh('ip', '-6', 'route', 'add', 'default', 'via', 'fd01::1', ns='caller')
    sh('ip', '-6', 'route', 'add', 'default', 'via', 'fd02::1', ns='callee')
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


def cleanup():
    for ns in ('caller', 'relay', 'callee'):
        subprocess.run(['ip', 'netns', 'del', ns], capture_output=True)


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


def media(send_suite, send_key, recv_suite, recv_key, dest='10.10.1.1:30000',
          listen='10.10.2.2:4000', rtcp=False, count=N, src_ns='caller'):
    """Starts the receiver, sends, returns (receiver rc, its output)."""
    extra = ['rtcp'] if rtcp else []
    rx = subprocess.Popen(['ip', 'netns', 'exec', 'callee', ENDPOINT, 'recv', recv_suite,
                           recv_key, listen, str(count), '8000'] + extra,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert rx.stdout.readline().strip() == 'listening'
    sh(ENDPOINT, 'send', send_suite, send_key, dest, '5000', str(count), '0x1234abcd', *extra,
       ns=src_ns)
    out, _ = rx.communicate(timeout=30)
    return rx.returncode, out.strip()


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
    assert rc == 0, '%s -> %s: %s; relay counters %s' % (dec_suite, enc_suite, out, st)
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
                    'none', '00', count=50)
    assert 'ok 0' in out, out
    st = relay.stats(L)
    assert st[genl.A_STATS_DROP_AUTH] == 50, st


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
    for fn in CASES:
        try:
            fn()
            print('PASS kmod.datapath.%s' % fn.__name__, flush=True)
        except Exception as e:
            failed += 1
            print('FAIL kmod.datapath.%s: %s' % (fn.__name__, e), flush=True)
    cleanup()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
