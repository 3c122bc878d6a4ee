"""A small generic netlink client in the Python standard library, for testing srtprelay.ko.

It is deliberately independent of the project's C client (daemon/kflow.c): the module's ABI is
checked against the header's documentation by a second implementation, and the test can also
send malformed messages that the C client would never build.
"""
import errno
import os
import socket
import struct

NETLINK_GENERIC = 16
NETLINK_EXT_ACK = 11
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLM_F_DUMP_INTR = 0x10
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

# include/uapi/linux/srtprelay.h, written out again on purpose.
CMD_SET_FLOW, CMD_DEL_FLOW, CMD_GET_FLOW, CMD_FLUSH, CMD_GET_STATS = 1, 2, 3, 4, 5
(A_FLOW_LOCAL, A_FLOW_SOURCE, A_FLOW_PEER, A_FLOW_EXPECT, A_FLOW_FLAGS, A_FLOW_MEDIA,
 A_FLOW_PAYLOAD_TYPES, A_FLOW_COOKIE, A_FLOW_SET_FLAGS, A_FLOW_DECRYPT, A_FLOW_ENCRYPT,
 A_FLOW_STATS, A_FLOW_PAD) = range(1, 14)
(A_CRYPTO_SUITE, A_CRYPTO_KEY, A_CRYPTO_SALT, A_CRYPTO_MKI, A_CRYPTO_FLAGS, A_CRYPTO_SSRCS,
 A_CRYPTO_DRIVER) = range(1, 8)
A_SSRC_ID, A_SSRC_ROC, A_SSRC_SEQ, A_SSRC_RTCP_INDEX = range(1, 5)
(A_STATS_PACKETS, A_STATS_BYTES, A_STATS_PASSED, A_STATS_DROP_AUTH, A_STATS_DROP_REPLAY,
 A_STATS_DROP_SOURCE, A_STATS_DROP_SSRC, A_STATS_DROP_MALFORMED, A_STATS_DROP_PAYLOAD_TYPE,
 A_STATS_DROP_SEND, A_STATS_LAST_PACKET_AGE_MS, A_STATS_NO_FLOW) = range(1, 13)
A_GLOBAL_FLOWS, A_GLOBAL_STATS, A_GLOBAL_DRIVERS = 1, 2, 3
A_DRIVER_CTR, A_DRIVER_HMAC, A_DRIVER_GCM = 1, 2, 3
FLOW_F_LEARN_SOURCE, FLOW_F_AUTH_FAIL_PASS, FLOW_F_SOURCE_PASS = 1, 2, 4
SET_F_CREATE, SET_F_UPDATE, SET_F_RESET_STATE = 1, 2, 4
CRYPTO_F_UNENCRYPTED_SRTP, CRYPTO_F_UNENCRYPTED_SRTCP, CRYPTO_F_UNAUTHENTICATED_SRTP = 1, 2, 4
MEDIA_RTP, MEDIA_RTCP, MEDIA_MUX = 0, 1, 2
SUITES = {
    'AES_CM_128_HMAC_SHA1_80': (1, 16, 14), 'AES_CM_128_HMAC_SHA1_32': (2, 16, 14),
    'AES_192_CM_HMAC_SHA1_80': (3, 24, 14), 'AES_192_CM_HMAC_SHA1_32': (4, 24, 14),
    'AES_256_CM_HMAC_SHA1_80': (5, 32, 14), 'AES_256_CM_HMAC_SHA1_32': (6, 32, 14),
    'AEAD_AES_128_GCM': (7, 16, 12), 'AEAD_AES_256_GCM': (8, 32, 12),
    'NULL_HMAC_SHA1_80': (9, 16, 14), 'NULL_HMAC_SHA1_32': (10, 16, 14),
    'AES_CM_128_NULL_AUTH': (11, 16, 14), 'NULL_NULL': (12, 16, 14),
}


class NetlinkError(Exception):
    def __init__(self, err, msg):
        super().__init__('%s%s' % (os.strerror(err), ': ' + msg if msg else ''))
        self.errno = err
        self.msg = msg


def attr(atype, payload):
    """One attribute: nested when payload is a list of attributes (bytes)."""
    if isinstance(payload, list):
        payload = b''.join(payload)
        atype |= NLA_F_NESTED
    hdr = struct.pack('HH', 4 + len(payload), atype)
    return hdr + payload + b'\0' * ((4 - len(payload) % 4) % 4)


def u32(atype, v):
    return attr(atype, struct.pack('I', v))


def u64(atype, v):
    return attr(atype, struct.pack('Q', v))


def sockaddr(host, port):
    """struct sockaddr_in or sockaddr_in6, as the kernel lays them out."""
    if ':' in host:
        return struct.pack('=HHI16sI', socket.AF_INET6, socket.htons(port), 0,
                           socket.inet_pton(socket.AF_INET6, host), 0)
    return struct.pack('=HH4s8x', socket.AF_INET, socket.htons(port),
                       socket.inet_pton(socket.AF_INET, host))


def parse_sockaddr(b):
    fam, port = struct.unpack_from('=HH', b)
    if fam == socket.AF_INET and len(b) == 16:
        return socket.inet_ntop(socket.AF_INET, b[4:8]), socket.ntohs(port)
    if fam == socket.AF_INET6 and len(b) == 28:
        return socket.inet_ntop(socket.AF_INET6, b[8:24]), socket.ntohs(port)
    raise ValueError('bad sockaddr of %d octets' % len(b))


def parse_attrs(b):
    """{type: payload} of one attribute level; repeated types become lists under the key."""
    out, off = {}, 0
    while off + 4 <= len(b):
        alen, atype = struct.unpack_from('HH', b, off)
        if alen < 4 or off + alen > len(b):
            raise ValueError('attribute overruns its message')
        payload = b[off + 4:off + alen]
        atype &= 0x3fff
        if atype in out:
            prev = out[atype]
            out[atype] = prev + [payload] if isinstance(prev, list) else [prev, payload]
        else:
            out[atype] = payload
        off += (alen + 3) & ~3
    return out


def nested_list(b):
    """The entries of a nested array (each itself a nested attribute)."""
    entries, off = [], 0
    while off + 4 <= len(b):
        alen, _ = struct.unpack_from('HH', b, off)
        entries.append(parse_attrs(b[off + 4:off + alen]))
        off += (alen + 3) & ~3
    return entries


class Genl:
    def __init__(self, family='srtprelay'):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(270, NETLINK_EXT_ACK, 1)  # SOL_NETLINK
        self.sock.bind((0, 0))
        self.sock.settimeout(10)
        self.seq = 1
        self.family = self.resolve(family) if family else None

    def close(self):
        self.sock.close()

    def send_raw(self, msg_type, flags, payload):
        self.seq += 1
        hdr = struct.pack('IHHII', 16 + len(payload), msg_type, flags, self.seq, 0)
        self.sock.send(hdr + payload)
        return self.seq

    def request(self, cmd, attrs=b'', flags=NLM_F_REQUEST | NLM_F_ACK, family=None,
                version=1, reserved=0):
        """Sends a command; returns its reply messages' attribute bytes (list). Raises
        NetlinkError on NLMSG_ERROR with a non-zero code."""
        if isinstance(attrs, list):
            attrs = b''.join(attrs)
        fam = family if family is not None else self.family
        seq = self.send_raw(fam, flags, struct.pack('BBH', cmd, version, reserved) + attrs)
        return self.collect(seq, dump=bool(flags & 0x100))

    def collect(self, seq, dump):
        replies, intr = [], False
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, mflags, mseq, _ = struct.unpack_from('IHHII', data, off)
                body = data[off + 16:off + mlen]
                off += (mlen + 3) & ~3
                if mseq != seq:
                    continue
                if mflags & NLM_F_DUMP_INTR:
                    intr = True
                if mtype == NLMSG_ERROR:
                    err = -struct.unpack_from('i', body)[0]
                    if err == 0:
                        return replies
                    raise NetlinkError(err, self.extack(body, mflags))
                if mtype == NLMSG_DONE:
                    err = -struct.unpack_from('i', body)[0] if len(body) >= 4 else 0
                    if err:
                        raise NetlinkError(err, '')
                    self.dump_interrupted = intr
                    return replies
                replies.append(body[4:])  # past the genlmsghdr
                if not dump and not (mflags & NLM_F_MULTI):
                    pass  # an ACK follows (NLM_F_ACK)

    @staticmethod
    def extack(body, flags):
        if not flags & NLM_F_ACK_TLVS:
            return ''
        inner_len = struct.unpack_from('I', body, 4)[0]
        # with capped acks only the header of the request is echoed back
        off = 4 + (16 if flags & 0x100 else inner_len)
        try:
            tlv = parse_attrs(body[off:])
        except ValueError:
            return ''
        msg = tlv.get(NLMSGERR_ATTR_MSG, b'')
        return msg.rstrip(b'\0').decode(errors='replace') if isinstance(msg, bytes) else ''

    def resolve(self, name):
        replies = self.request(CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b'\0'),
                               family=GENL_ID_CTRL)
        a = parse_attrs(replies[0])
        return struct.unpack('H', a[CTRL_ATTR_FAMILY_ID][:2])[0]


def crypto(suite, key=None, salt=None, mki=None, flags=None, ssrcs=()):
    sid, klen, slen = SUITES[suite]
    parts = [u32(A_CRYPTO_SUITE, sid),
             attr(A_CRYPTO_KEY, key if key is not None else bytes(range(1, klen + 1))),
             attr(A_CRYPTO_SALT, salt if salt is not None else bytes(range(100, 100 + slen)))]
    if mki is not None:
        parts.append(attr(A_CRYPTO_MKI, mki))
    if flags is not None:
        parts.append(u32(A_CRYPTO_FLAGS, flags))
    if ssrcs:
        parts.append(attr(A_CRYPTO_SSRCS, [attr(0, ssrc_entry(*e)) for e in ssrcs]))
    return parts


def ssrc_entry(ssrc, roc, seq=None, rtcp_index=None):
    """(SSRC, ROC[, SEQ[, SRTCP index]]): a stream's state handed over."""
    out = [u32(A_SSRC_ID, ssrc), u32(A_SSRC_ROC, roc)]
    if seq is not None:
        out.append(attr(A_SSRC_SEQ, struct.pack('H', seq)))
    if rtcp_index is not None:
        out.append(u32(A_SSRC_RTCP_INDEX, rtcp_index))
    return out


def flow_attrs(local, source, peer, expect=None, flags=None, media=None, pts=None,
               cookie=None, set_flags=None, decrypt=None, encrypt=None):
    a = [attr(A_FLOW_LOCAL, sockaddr(*local)), attr(A_FLOW_SOURCE, sockaddr(*source)),
         attr(A_FLOW_PEER, sockaddr(*peer))]
    if expect:
        a.append(attr(A_FLOW_EXPECT, sockaddr(*expect)))
    if flags is not None:
        a.append(u32(A_FLOW_FLAGS, flags))
    if media is not None:
        a.append(u32(A_FLOW_MEDIA, media))
    if pts is not None:
        a.append(attr(A_FLOW_PAYLOAD_TYPES, bytes(pts)))
    if cookie is not None:
        a.append(u64(A_FLOW_COOKIE, cookie))
    if set_flags is not None:
        a.append(u32(A_FLOW_SET_FLAGS, set_flags))
    if decrypt:
        a.append(attr(A_FLOW_DECRYPT, decrypt))
    if encrypt:
        a.append(attr(A_FLOW_ENCRYPT, encrypt))
    return a


def parse_flow(b):
    """A GET_FLOW reply as a dict with plain Python values."""
    a = parse_attrs(b)
    f = {'local': parse_sockaddr(a[A_FLOW_LOCAL]), 'source': parse_sockaddr(a[A_FLOW_SOURCE]),
         'peer': parse_sockaddr(a[A_FLOW_PEER]),
         'flags': struct.unpack('I', a[A_FLOW_FLAGS])[0],
         'media': struct.unpack('I', a[A_FLOW_MEDIA])[0],
         'cookie': struct.unpack('Q', a[A_FLOW_COOKIE])[0], 'raw': a}
    if A_FLOW_EXPECT in a:
        f['expect'] = parse_sockaddr(a[A_FLOW_EXPECT])
    if A_FLOW_PAYLOAD_TYPES in a:
        f['pts'] = list(a[A_FLOW_PAYLOAD_TYPES])
    for name, t in (('decrypt', A_FLOW_DECRYPT), ('encrypt', A_FLOW_ENCRYPT)):
        if t in a:
            c = parse_attrs(a[t])
            f[name] = {'suite': struct.unpack('I', c[A_CRYPTO_SUITE])[0],
                       'flags': struct.unpack('I', c[A_CRYPTO_FLAGS])[0],
                       'driver': c[A_CRYPTO_DRIVER].rstrip(b'\0').decode(),
                       'has_key': A_CRYPTO_KEY in c or A_CRYPTO_SALT in c,
                       'mki': c.get(A_CRYPTO_MKI),
                       'ssrcs': {struct.unpack('I', e[A_SSRC_ID])[0]: e
                                 for e in nested_list(c.get(A_CRYPTO_SSRCS, b''))}}
    st = parse_attrs(a[A_FLOW_STATS])
    f['stats'] = {k: struct.unpack('Q', v)[0] for k, v in st.items()}
    return f
