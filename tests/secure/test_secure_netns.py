#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Two computers in network namespaces joined by a veth pair: posthouse-cli
# sends to posthouse-cli through the secure channel, and a raw socket on
# the sender's end of the link keeps every frame. Neither the file's name
# nor any 64-byte run of its content may be in them; the same search
# finds both when the same file goes in the original format. Needs root
# (namespaces); skips with a message otherwise.
#
#   POSTHOUSE_CLI=path/to/posthouse-cli test_secure_netns.py

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

CLI = os.environ.get('POSTHOUSE_CLI', '')
TIMEOUT = 60
SEND_ADDR, RECV_ADDR = '10.203.0.1', '10.203.0.2'

# Runs inside the sending namespace: every frame of IFACE, appended to OUT.
# A large buffer, and the kernel's count of frames it dropped printed at
# the end: a capture with holes proves nothing.
CAPTURE = r'''
import signal, socket, struct, sys
iface, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
s.bind((iface, 0))
s.settimeout(0.2)
running = [True]
signal.signal(signal.SIGTERM, lambda *a: running.__setitem__(0, False))
with open(out, 'wb') as f:
    print('ready', flush=True)
    while running[0]:
        try:
            f.write(s.recv(262144))
        except socket.timeout:
            pass
packets, drops = struct.unpack('II', s.getsockopt(263, 6, 8))  # SOL_PACKET, PACKET_STATISTICS
print('dropped', drops, flush=True)
'''


def run(*argv, check=True):
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError('{0}: {1}'.format(' '.join(map(str, argv)), result.stderr.strip()))
    return result


def blocks(data, size=32):
    """The aligned SIZE-byte blocks of DATA: a 64-byte run of it holds one."""
    return [data[i:i + size] for i in range(0, len(data) - size + 1, size)]


class Netns(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest('needs root for network namespaces')
        if shutil.which('ip') is None:
            raise unittest.SkipTest('needs iproute2 (ip)')
        pid = os.getpid()
        cls.send_ns, cls.recv_ns = 'phsw-s-{0}'.format(pid), 'phsw-r-{0}'.format(pid)
        cls.send_if, cls.recv_if = 'phsws{0}'.format(pid), 'phswr{0}'.format(pid)
        try:
            run('ip', 'netns', 'add', cls.send_ns)
            run('ip', 'netns', 'add', cls.recv_ns)
            run('ip', 'link', 'add', cls.send_if, 'type', 'veth', 'peer', 'name', cls.recv_if)
            for ns, dev, addr in ((cls.send_ns, cls.send_if, SEND_ADDR), (cls.recv_ns, cls.recv_if, RECV_ADDR)):
                run('ip', 'link', 'set', dev, 'netns', ns)
                run('ip', '-n', ns, 'addr', 'add', addr + '/24', 'dev', dev)
                run('ip', '-n', ns, 'link', 'set', dev, 'up')
                run('ip', '-n', ns, 'link', 'set', 'lo', 'up')
        except RuntimeError as e:
            cls.tearDownClass()
            raise unittest.SkipTest('cannot make network namespaces here: {0}'.format(e))

    @classmethod
    def tearDownClass(cls):
        for ns in (getattr(cls, 'send_ns', None), getattr(cls, 'recv_ns', None)):
            if ns:
                run('ip', 'netns', 'del', ns, check=False)

    def setUp(self):
        if not CLI or not os.access(CLI, os.X_OK):
            self.fail('POSTHOUSE_CLI must point at the built posthouse-cli')
        self.root = tempfile.mkdtemp(prefix='posthouse-netns-')
        self.addCleanup(shutil.rmtree, self.root, True)
        self.procs = []
        self.addCleanup(self.stop_all)

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()

    def user(self, name):
        home = os.path.join(self.root, name)
        os.makedirs(home)
        env = dict(os.environ, HOME=home, LC_ALL='C.UTF-8',
                   XDG_DATA_HOME=os.path.join(home, 'data'),
                   XDG_CONFIG_HOME=os.path.join(home, 'config'))
        return env

    def start(self, ns, argv, env=None, **kwargs):
        p = subprocess.Popen(['ip', 'netns', 'exec', ns] + argv, env=env, **kwargs)
        self.procs.append(p)
        return p

    def transfer(self, secure):
        """Sends one file across the link, capturing it. Returns (name, content, capture)."""
        name = 'confidential-{0}.bin'.format('tls' if secure else 'plain')
        content = os.urandom(300 * 1024)
        wire = self.send_across(secure, name, {name: content})
        return name, content, wire

    def send_across(self, secure, label, files):
        """Sends FILES ({relative path: content}) across the link from a
        folder of their own (the folder itself when there are several),
        checks that they arrived as they were, and returns the capture."""
        src = os.path.join(self.root, 'src-' + label)
        dst = os.path.join(self.root, 'dst-' + label)
        os.makedirs(dst)
        for path, content in files.items():
            os.makedirs(os.path.dirname(os.path.join(src, path)), exist_ok=True)
            with open(os.path.join(src, path), 'wb') as f:
                f.write(content)
        what = os.path.join(src, next(iter(files))) if len(files) == 1 else os.path.join(src, label)
        name = label

        saved = open(os.path.join(self.root, 'saved-' + label), 'w')
        self.addCleanup(saved.close)
        receiver = self.start(self.recv_ns, [CLI, 'receive', '--bind', RECV_ADDR, '--port', '0',
                                             '--no-announce', '--dir', dst],
                              env=self.user('receiver-' + name), stdout=saved,
                              stderr=subprocess.PIPE, text=True)
        port = None
        deadline = time.monotonic() + TIMEOUT
        while port is None and time.monotonic() < deadline:
            line = receiver.stderr.readline()
            if 'Listening on' in line:
                port = int(line.split(' port ')[1].split(',')[0])
        self.assertIsNotNone(port)

        out = os.path.join(self.root, 'capture-' + name)
        capture = self.start(self.send_ns, [sys.executable, '-c', CAPTURE, self.send_if, out],
                             stdout=subprocess.PIPE, text=True)
        self.assertEqual(capture.stdout.readline().strip(), 'ready')

        options = ['--require-encryption'] if secure else []
        sender = subprocess.run(['ip', 'netns', 'exec', self.send_ns, CLI, 'send'] + options +
                                ['{0}:{1}'.format(RECV_ADDR, port), what],
                                env=self.user('sender-' + name), capture_output=True, text=True,
                                timeout=TIMEOUT)
        self.assertEqual(sender.returncode, 0, sender.stderr)
        self.assertTrue(sender.stderr.startswith('encrypted, to ' if secure else 'not encrypted, to '),
                        sender.stderr)
        # Unannounced (--no-announce), the receiver keeps no folders:
        # each file arrives by its name.
        for path, content in files.items():
            with open(os.path.join(dst, os.path.basename(path)), 'rb') as f:
                self.assertEqual(f.read(), content, path)

        time.sleep(0.3)
        capture.send_signal(signal.SIGTERM)
        self.assertEqual(capture.stdout.readline().split(), ['dropped', '0'])
        capture.wait(TIMEOUT)
        capture.stdout.close()
        receiver.stderr.close()
        receiver.send_signal(signal.SIGTERM)
        receiver.wait(TIMEOUT)
        with open(out, 'rb') as f:
            return f.read()

    def test_encrypted_on_the_wire(self):
        name, content, wire = self.transfer(secure=True)
        self.assertGreater(len(wire), len(content))
        self.assertNotIn(name.encode(), wire)
        self.assertNotIn(name.split('.')[0].encode(), wire)
        found = [b for b in blocks(content) if b in wire]
        self.assertEqual(found, [], 'plaintext on the wire')

    def test_many_files_in_folders(self):
        # 1,000 small files in folders, one batch: none of the names,
        # folders or contents on the wire.
        files = {}
        for i in range(1000):
            path = 'Project-{0:02d}/part-{1:04d}-notes.txt'.format(i % 10, i)
            files[os.path.join('many', path)] = os.urandom(1024)
        wire = self.send_across(True, 'many', files)
        for path, content in files.items():
            self.assertNotIn(os.path.basename(path).encode(), wire)
        self.assertNotIn(b'Project-0', wire)
        found = [b for content in files.values() for b in blocks(content) if b in wire]
        self.assertEqual(found, [], 'plaintext on the wire')

    def test_plain_on_the_wire(self):
        # The search finds what the original format carries in clear.
        name, content, wire = self.transfer(secure=False)
        self.assertIn(name.encode(), wire)
        self.assertGreater(sum(1 for b in blocks(content)[:64] if b in wire), 32)


if __name__ == '__main__':
    unittest.main(verbosity=2)
