# SPDX-License-Identifier: GPL-2.0 OR MIT
"""The VM tests' topology, shared by the guest suites:

    caller ns                 relay ns                               callee ns
    10.10.1.2  --- veth ---  10.10.1.1 | 10.10.2.1  --- veth ---  10.10.2.2
    fd01::2                  fd01::1   | fd02::1                   fd02::2
"""
import subprocess

NAMESPACES = ('caller', 'relay', 'callee')


def sh(*cmd, ns=None, check=True, timeout=60):
    """Runs cmd (in namespace ns), output captured as text."""
    if ns:
        cmd = ('ip', 'netns', 'exec', ns) + cmd
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)


def topology():
    for ns in NAMESPACES:
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


def cleanup():
    for ns in NAMESPACES:
        subprocess.run(['ip', 'netns', 'del', ns], capture_output=True)
