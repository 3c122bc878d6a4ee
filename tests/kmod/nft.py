"""Installs the SRTPRELAY nftables rule with raw nfnetlink, for the VM tests.

Independent of daemon/nft.c on purpose (a second writer of the same rule). The rule:
    table <family> srtprelay { chain pre { type filter hook prerouting priority raw;
        meta l4proto udp udp dport MIN-MAX SRTPRELAY } }
SRTPRELAY is the module's xtables target, reached through nft_compat.
Usage: nft.py install [inet|ip|ip6] MIN MAX | remove [inet|ip|ip6]
"""
import socket
import struct
import sys

NETLINK_NETFILTER = 12
NFNL_SUBSYS_NFTABLES = 10
NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END = 0x10, 0x11
NFT_MSG_NEWTABLE, NFT_MSG_DELTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE = 0, 2, 3, 6
NLM_F_REQUEST, NLM_F_ACK, NLM_F_CREATE, NLM_F_APPEND = 0x1, 0x4, 0x400, 0x800
NLA_F_NESTED = 0x8000
FAMILIES = {'inet': 1, 'ip': 2, 'ip6': 10}


def attr(t, payload):
    if isinstance(payload, list):
        payload, t = b''.join(payload), t | NLA_F_NESTED
    return struct.pack('HH', 4 + len(payload), t) + payload + b'\0' * ((4 - len(payload) % 4) % 4)


def s(t, text):
    return attr(t, text.encode() + b'\0')


def be32(t, v):
    return attr(t, struct.pack('>i', v))


def expr(name, data):
    return attr(1, [s(1, name), attr(2, data)])  # NFTA_LIST_ELEM { NAME, DATA }


class Batch:
    def __init__(self, family):
        self.family, self.msgs, self.seq = family, [], 100

    def add(self, mtype, flags, attrs, family=None, res=0):
        self.seq += 1
        body = struct.pack('BBH', self.family if family is None else family, 0,
                           socket.htons(res)) + b''.join(attrs)
        self.msgs.append(struct.pack('IHHII', 16 + len(body), mtype, flags, self.seq, 0) + body)

    def send(self):
        msgs = self.msgs
        self.msgs = []
        self.add(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, [], family=0, res=NFNL_SUBSYS_NFTABLES)
        begin = self.msgs.pop()
        self.add(NFNL_MSG_BATCH_END, NLM_F_REQUEST, [], family=0, res=NFNL_SUBSYS_NFTABLES)
        end = self.msgs.pop()
        sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        sk.bind((0, 0))
        sk.settimeout(5)
        sk.send(begin + b''.join(msgs) + end)
        want = len(msgs)
        errors = []
        try:
            while want:
                data = sk.recv(65536)
                off = 0
                while off + 16 <= len(data):
                    mlen, mtype, _, _, _ = struct.unpack_from('IHHII', data, off)
                    if mtype == 2:  # NLMSG_ERROR
                        err = struct.unpack_from('i', data, off + 16)[0]
                        if err:
                            errors.append(-err)
                        want -= 1
                    off += (mlen + 3) & ~3
        except socket.timeout:
            pass
        sk.close()
        return errors


def msgtype(m):
    return (NFNL_SUBSYS_NFTABLES << 8) | m


def install(family, pmin, pmax):
    b = Batch(FAMILIES[family])
    ack = NLM_F_REQUEST | NLM_F_ACK
    b.add(msgtype(NFT_MSG_NEWTABLE), ack | NLM_F_CREATE, [s(1, 'srtprelay')])
    b.add(msgtype(NFT_MSG_NEWCHAIN), ack | NLM_F_CREATE,
          [s(1, 'srtprelay'), s(3, 'pre'), attr(4, [be32(1, 0), be32(2, -300)]), s(7, 'filter')])
    rule = [
        expr('meta', [be32(2, 16), be32(1, 1)]),                       # l4proto -> reg 1
        expr('cmp', [be32(1, 1), be32(2, 0), attr(3, [attr(1, b'\x11')])]),  # == udp
        expr('payload', [be32(1, 1), be32(2, 2), be32(3, 2), be32(4, 2)]),   # th dport
        expr('range', [be32(1, 1), be32(2, 0), attr(3, [attr(1, struct.pack('>H', pmin))]),
                       attr(4, [attr(1, struct.pack('>H', pmax))])]),
        expr('target', [s(1, 'SRTPRELAY'), be32(2, 0), attr(3, b'')]),
    ]
    b.add(msgtype(NFT_MSG_NEWRULE), ack | NLM_F_CREATE | NLM_F_APPEND,
          [s(1, 'srtprelay'), s(2, 'pre'), attr(4, rule)])
    return b.send()


def remove(family):
    b = Batch(FAMILIES[family])
    b.add(msgtype(NFT_MSG_DELTABLE), NLM_F_REQUEST | NLM_F_ACK, [s(1, 'srtprelay')])
    return b.send()


if __name__ == '__main__':
    if sys.argv[1] == 'install':
        errs = install(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        errs = remove(sys.argv[2])
    if errs:
        import os
        print('nft.py: %s' % ', '.join(os.strerror(e) for e in errs), file=sys.stderr)
        sys.exit(1)
