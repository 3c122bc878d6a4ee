#!/usr/bin/env python3
"""srtprelay.ko's netlink ABI, exercised inside a VM (tests/kmod/t_kmod.sh runs it).

Needs root, the module loaded or loadable, and `ip` for network namespaces. Prints one
PASS/FAIL line per case; exit status 1 if any failed.
"""
import errno
import os
import random
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402
from genl import NetlinkError, attr, u32, flow_attrs, crypto  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def run_case(fn):
    try:
        fn()
        print('PASS kmod.netlink.%s' % fn.__name__, flush=True)
        return True
    except Exception as e:  # a failed case must not stop the others
        print('FAIL kmod.netlink.%s: %r' % (fn.__name__, e), flush=True)
        return False


def expect_error(err, fn, *args, msg_part=None, **kw):
    try:
        fn(*args, **kw)
    except NetlinkError as e:
        assert e.errno == err, 'wanted %s, got %s (%s)' % (errno.errorcode[err],
                                                          errno.errorcode.get(e.errno), e)
        if msg_part:
            assert msg_part in e.msg, 'extack %r lacks %r' % (e.msg, msg_part)
        return e
    raise AssertionError('no error, wanted %s' % errno.errorcode[err])


nl = None
L = ('10.0.0.1', 30000)
S = ('10.0.1.1', 30002)
P = ('10.0.1.2', 4000)


def set_flow(**kw):
    kw.setdefault('local', L)
    kw.setdefault('source', S)
    kw.setdefault('peer', P)
    return nl.request(genl.CMD_SET_FLOW, flow_attrs(**kw))


def get_flow(local=L):
    return genl.parse_flow(nl.request(genl.CMD_GET_FLOW,
                                      [attr(genl.A_FLOW_LOCAL, genl.sockaddr(*local))])[0])


def dump():
    return [genl.parse_flow(m) for m in
            nl.request(genl.CMD_GET_FLOW, flags=genl.NLM_F_REQUEST | genl.NLM_F_DUMP)]


def flush():
    nl.request(genl.CMD_FLUSH)


@case
def selftest_passed_at_load():
    log = subprocess.run(['dmesg'], capture_output=True, text=True).stdout
    assert 'srtprelay: self-tests: pass' in log, 'no self-test line in the kernel log'


@case
def set_then_get():
    flush()
    set_flow(expect=('10.0.1.2', 0), flags=genl.FLOW_F_LEARN_SOURCE, media=genl.MEDIA_MUX,
             pts=[0, 8, 101], cookie=0x1122334455667788,
             decrypt=crypto('AES_CM_128_HMAC_SHA1_80', mki=b'\x01\x02'),
             encrypt=crypto('AEAD_AES_256_GCM'))
    f = get_flow()
    assert f['local'] == L and f['source'] == S and f['peer'] == P, f
    assert f['expect'] == ('10.0.1.2', 0)
    assert f['flags'] == genl.FLOW_F_LEARN_SOURCE and f['media'] == genl.MEDIA_MUX
    assert f['pts'] == [0, 8, 101] and f['cookie'] == 0x1122334455667788
    assert f['decrypt']['suite'] == 1 and f['encrypt']['suite'] == 8
    assert f['decrypt']['mki'] == b'\x01\x02'
    assert not f['decrypt']['has_key'] and not f['encrypt']['has_key'], 'keys must never return'
    assert f['decrypt']['driver'] and f['encrypt']['driver'], f
    assert f['stats'][genl.A_STATS_PACKETS] == 0
    assert f['stats'][genl.A_STATS_LAST_PACKET_AGE_MS] == 2**64 - 1


@case
def ipv6_flow():
    local6 = ('fd00::1', 40000)
    set_flow(local=local6, source=('fd00:1::1', 40002), peer=('fd00:1::2', 5000))
    f = get_flow(local6)
    assert f['peer'] == ('fd00:1::2', 5000) and 'decrypt' not in f
    nl.request(genl.CMD_DEL_FLOW, [attr(genl.A_FLOW_LOCAL, genl.sockaddr(*local6))])


@case
def create_and_update_flags():
    flush()
    set_flow(set_flags=genl.SET_F_CREATE)
    expect_error(errno.EEXIST, set_flow, set_flags=genl.SET_F_CREATE, msg_part='exists')
    expect_error(errno.ENOENT, set_flow, local=('10.0.0.1', 30010), set_flags=genl.SET_F_UPDATE,
                 msg_part='no flow')
    set_flow(set_flags=genl.SET_F_UPDATE)


@case
def replace_keeps_roc():
    flush()
    set_flow(decrypt=crypto('AES_CM_128_HMAC_SHA1_80', ssrcs=[(0x1234, 5)]))
    assert get_flow()['decrypt']['ssrcs'][0x1234][genl.A_SSRC_ROC] == struct.pack('I', 5)
    # a re-key: new key, no SSRCs given -> the ROC stays
    set_flow(decrypt=crypto('AEAD_AES_128_GCM', key=b'\x55' * 16))
    f = get_flow()
    assert f['decrypt']['suite'] == 7
    assert f['decrypt']['ssrcs'][0x1234][genl.A_SSRC_ROC] == struct.pack('I', 5), f
    set_flow(decrypt=crypto('AEAD_AES_128_GCM'), set_flags=genl.SET_F_RESET_STATE)
    assert get_flow()['decrypt']['ssrcs'] == {}


@case
def handover_state_moves_forward_only():
    """SEQ and SRTCP index hand a stream's state over; a replace with older state (the
    daemon's, while the kernel relayed) never moves it back, a ROC alone neither."""
    flush()

    def state(d='decrypt', ssrc=0x1234):
        e = get_flow()[d]['ssrcs'][ssrc]
        return (struct.unpack('I', e[genl.A_SSRC_ROC])[0],
                struct.unpack('H', e[genl.A_SSRC_SEQ])[0] if genl.A_SSRC_SEQ in e else None,
                struct.unpack('I', e[genl.A_SSRC_RTCP_INDEX])[0]
                if genl.A_SSRC_RTCP_INDEX in e else None)
    set_flow(decrypt=crypto('AES_CM_128_HMAC_SHA1_80', ssrcs=[(0x1234, 2, 100, 7)]),
             encrypt=crypto('AEAD_AES_128_GCM', ssrcs=[(0x99, 0, 10, 40)]))
    assert state() == (2, 100, 7), state()
    assert state('encrypt', 0x99) == (0, 10, 40), state('encrypt', 0x99)
    set_flow(decrypt=crypto('AES_CM_128_HMAC_SHA1_80', ssrcs=[(0x1234, 1, 50, 3)]))
    assert state() == (2, 100, 7), 'older state moved the stream back: %s' % (state(),)
    set_flow(decrypt=crypto('AES_CM_128_HMAC_SHA1_80', ssrcs=[(0x1234, 1)]))
    assert state() == (2, 100, 7), 'an older ROC moved the stream back: %s' % (state(),)
    set_flow(decrypt=crypto('AES_CM_128_HMAC_SHA1_80', ssrcs=[(0x1234, 3, 5, 9)]))
    assert state() == (3, 5, 9), state()
    expect_error(errno.EINVAL, set_flow, decrypt=crypto(
        'AES_CM_128_HMAC_SHA1_80', ssrcs=[(0x1234, 0, 1, 0x80000000)]), msg_part='SRTCP index')


@case
def delete():
    flush()
    set_flow()
    nl.request(genl.CMD_DEL_FLOW, [attr(genl.A_FLOW_LOCAL, genl.sockaddr(*L))])
    expect_error(errno.ENOENT, get_flow)
    expect_error(errno.ENOENT, nl.request, genl.CMD_DEL_FLOW,
                 [attr(genl.A_FLOW_LOCAL, genl.sockaddr(*L))])


@case
def bad_input_rejected_with_reason():
    flush()
    base = flow_attrs(L, S, P)
    short = [attr(genl.A_FLOW_LOCAL, b'\x02\x00\x75')] + base[1:]
    expect_error(errno.EINVAL, nl.request, genl.CMD_SET_FLOW, short, msg_part='sockaddr')
    expect_error(errno.EOPNOTSUPP, set_flow, flags=0x80, msg_part='flag')
    expect_error(errno.EOPNOTSUPP, set_flow, set_flags=0x80)
    expect_error(errno.EINVAL, set_flow, decrypt=crypto('AES_CM_128_HMAC_SHA1_80', key=b'x' * 15),
                 msg_part='length')
    expect_error(errno.EINVAL, set_flow, decrypt=crypto('AEAD_AES_128_GCM', salt=b's' * 14))
    expect_error(errno.EINVAL, set_flow, decrypt=[u32(genl.A_CRYPTO_SUITE, 1)], msg_part='KEY')
    expect_error(errno.ERANGE, set_flow, decrypt=[u32(genl.A_CRYPTO_SUITE, 99)])
    expect_error(errno.EINVAL, set_flow, pts=[0, 128])
    expect_error(errno.ERANGE, set_flow, media=7)
    expect_error(errno.EINVAL, set_flow,
                 decrypt=crypto('AEAD_AES_128_GCM', flags=genl.CRYPTO_F_UNENCRYPTED_SRTP),
                 msg_part='crypto flags')
    expect_error(errno.EINVAL, set_flow, peer=('fd00::2', 4000), msg_part='IPv4')
    expect_error(errno.EINVAL, set_flow, decrypt=crypto(
        'AES_CM_128_HMAC_SHA1_80', ssrcs=[(i, 0) for i in range(9)]))
    # attributes the header does not define, or only defines for replies, are refused
    expect_error(errno.EINVAL, nl.request, genl.CMD_SET_FLOW, base + [u32(60, 1)])
    expect_error(errno.EINVAL, nl.request, genl.CMD_SET_FLOW, base + [attr(genl.A_FLOW_STATS, [])])
    expect_error(errno.EINVAL, nl.request, genl.CMD_SET_FLOW, base[1:], msg_part='LOCAL')
    assert dump() == [], 'a refused SET left a flow behind'


@case
def garbage_messages():
    """Random commands, attribute types, lengths and nesting: errors, never a crash."""
    rng = random.Random(1234)
    start = time.monotonic()
    for n in range(3000):
        def rand_attrs(depth):
            out = []
            for _ in range(rng.randint(0, 6)):
                t = rng.randint(0, 20)
                if depth < 3 and rng.random() < 0.3:
                    out.append(attr(t, rand_attrs(depth + 1)))
                else:
                    out.append(attr(t, bytes(rng.getrandbits(8) for _ in range(rng.choice(
                        [0, 1, 2, 3, 4, 8, 12, 14, 16, 24, 28, 32, 200])))))
            return out
        body = b''.join(rand_attrs(0))
        if rng.random() < 0.1:
            body = body[:rng.randint(0, len(body))]  # cut mid-attribute
        try:
            nl.request(rng.randint(0, 8), body, reserved=rng.choice([0, 0, 0, 1]),
                       version=rng.choice([1, 1, 0, 2]))
        except NetlinkError:
            pass
        assert time.monotonic() - start < 120, 'garbage loop too slow'
    flush()


@case
def ten_thousand_flows():
    flush()
    # 2,000 on the KASAN kernel (SRTPRELAY_VM_SLOW), which is many times slower under TCG.
    n = 2000 if os.environ.get('SRTPRELAY_VM_SLOW') else 10000
    for i in range(n):
        nl.request(genl.CMD_SET_FLOW, flow_attrs(
            ('10.1.%d.%d' % (i // 250, i % 250 + 1), 20000 + i % 1000), S, P, cookie=i,
            decrypt=crypto('AES_CM_128_HMAC_SHA1_80') if i % 10 == 0 else None))
    flows = dump()
    assert len(flows) == n, len(flows)
    assert sorted(f['cookie'] for f in flows) == list(range(n))
    st = genl.parse_attrs(nl.request(genl.CMD_GET_STATS)[0])
    assert struct.unpack('I', st[genl.A_GLOBAL_FLOWS])[0] == n
    nl.request(genl.CMD_FLUSH, [genl.u64(genl.A_FLOW_COOKIE, 7)])
    assert len(dump()) == n - 1
    flush()
    assert dump() == []


@case
def global_stats_name_drivers():
    st = genl.parse_attrs(nl.request(genl.CMD_GET_STATS)[0])
    drv = genl.parse_attrs(st[genl.A_GLOBAL_DRIVERS])
    names = {k: v.rstrip(b'\0').decode() for k, v in drv.items()}
    print('  drivers: %s' % names, flush=True)
    assert all(names.get(k) for k in (genl.A_DRIVER_CTR, genl.A_DRIVER_HMAC, genl.A_DRIVER_GCM))
    if os.environ.get('SRTPRELAY_EXPECT_AESNI'):
        assert 'aesni' in names[genl.A_DRIVER_CTR] and 'aesni' in names[genl.A_DRIVER_GCM], names


@case
def namespaces_are_separate():
    flush()
    set_flow()
    subprocess.run(['ip', 'netns', 'add', 'srtpr-other'], check=True)
    try:
        out = subprocess.run(['ip', 'netns', 'exec', 'srtpr-other', sys.executable, '-c',
                              'import sys; sys.path.insert(0, %r); import genl; g = genl.Genl();'
                              'print(len(g.request(genl.CMD_GET_FLOW, flags=genl.NLM_F_REQUEST'
                              ' | genl.NLM_F_DUMP)))' % os.path.dirname(genl.__file__)],
                             capture_output=True, text=True, timeout=30)
        assert out.stdout.strip() == '0', (out.stdout, out.stderr)
    finally:
        subprocess.run(['ip', 'netns', 'del', 'srtpr-other'])
    assert len(dump()) == 1


@case
def needs_cap_net_admin():
    code = ('import sys, errno; sys.path.insert(0, %r); import genl\n'
            'try:\n genl.Genl().request(genl.CMD_FLUSH)\n print("no error")\n'
            'except genl.NetlinkError as e:\n print(errno.errorcode[e.errno])'
            % os.path.dirname(genl.__file__))
    out = subprocess.run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
                          '--inh-caps=-all', sys.executable, '-c', code],
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == 'EPERM', (out.stdout, out.stderr)


def main():
    global nl
    if subprocess.run(['modprobe', 'srtprelay']).returncode != 0:
        print('FAIL kmod.netlink.modprobe')
        return 1
    nl = genl.Genl()
    results = [run_case(fn) for fn in CASES]
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
