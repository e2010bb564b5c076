#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# posthouse-cli to posthouse-cli through the secure channel: real
# processes on loopback, each side a user of its own (its own identity
# and list of devices), real files. What the sender says, what arrives,
# what a wrong key, a refusal and a cancel leave behind; the original
# format beside it on the same port.
#
#   POSTHOUSE_CLI=path/to/posthouse-cli test_secure_cli.py [TestClass ...]

import copy
import os
import queue
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.environ.get('POSTHOUSE_CLI', '')
PYTHON = os.environ.get('PYTHON', sys.executable)
PY_SEND = os.path.join(HERE, '..', 'interop', 'py_send.py')
TIMEOUT = 60
FINGERPRINT = r'[A-Za-z0-9_-]{4} [A-Za-z0-9_-]{4} [A-Za-z0-9_-]{4} [A-Za-z0-9_-]{4}'


def make_file(path, size, seed=1):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    block = bytes((seed * 31 + i * 7) % 251 for i in range(4096))
    with open(path, 'wb') as fp:
        left = size
        while left > 0:
            fp.write(block[:left])
            left -= len(block[:left])
    return path


def read(path):
    with open(path, 'rb') as fp:
        return fp.read()


class User:
    """A user of this computer: a home, data and config folders of their
    own, so an identity and a list of devices of their own."""

    def __init__(self, root, name):
        self.home = os.path.join(root, name)
        for sub in ('data', 'config', 'cache', 'runtime'):
            os.makedirs(os.path.join(self.home, sub), mode=0o700)
        self.env = dict(os.environ)
        self.env.update(LC_ALL='C.UTF-8', HOME=self.home,
                        XDG_DATA_HOME=os.path.join(self.home, 'data'),
                        XDG_CONFIG_HOME=os.path.join(self.home, 'config'),
                        XDG_CACHE_HOME=os.path.join(self.home, 'cache'),
                        XDG_RUNTIME_DIR=os.path.join(self.home, 'runtime'))

    @property
    def devices(self):
        path = os.path.join(self.home, 'data', 'posthouse', 'devices', 'devices.ini')
        return read(path).decode() if os.path.exists(path) else ''


class Process:
    """A background process whose lines are collected by threads."""

    def __init__(self, argv, env):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        self.lines = {'stdout': [], 'stderr': []}
        self.cond = threading.Condition()
        self.threads = [threading.Thread(target=self._read, args=(self.proc.stdout, 'stdout'), daemon=True),
                        threading.Thread(target=self._read, args=(self.proc.stderr, 'stderr'), daemon=True)]
        for t in self.threads:
            t.start()

    def _read(self, pipe, which):
        for raw in iter(pipe.readline, b''):
            with self.cond:
                self.lines[which].append(raw.decode('utf-8', 'replace').rstrip('\n'))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_line(self, which, pattern, timeout=TIMEOUT, count=1):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [m for m in map(regex.search, self.lines[which]) if m]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and
                                 not any(t.is_alive() for t in self.threads)):
                    raise AssertionError('no {0} line matching {1!r} ({2}); got {3!r}'.format(
                        which, pattern, count, self.lines))
                self.cond.wait(min(left, 0.2))

    def text(self, which):
        with self.cond:
            return '\n'.join(self.lines[which])

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for t in self.threads:
            t.join(5)
        self.proc.stdout.close()
        self.proc.stderr.close()


class DelayRelay:
    """A TCP relay to a port on loopback that hands on what the receiver
    answers DELAY seconds late (its receipts: a link with latency)."""

    def __init__(self, port, delay):
        self.port_to = port
        self.delay = delay
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.listener.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(('127.0.0.1', self.port_to))
            late = queue.Queue()
            for target, args in ((self._pump, (client, upstream)), (self._read, (upstream, late)),
                                 (self._write_late, (late, client))):
                threading.Thread(target=target, args=args, daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            src.close()
            dst.close()

    def _read(self, src, late):
        try:
            while True:
                data = src.recv(65536)
                late.put((time.monotonic() + self.delay, data))
                if not data:
                    return
        except OSError:
            late.put((0, b''))

    @staticmethod
    def _write_late(late, dst):
        try:
            while True:
                when, data = late.get()
                time.sleep(max(0, when - time.monotonic()))
                if not data:
                    dst.shutdown(socket.SHUT_WR)
                    return
                dst.sendall(data)
        except OSError:
            dst.close()


class SecureTestCase(unittest.TestCase):

    def setUp(self):
        if not CLI or not os.access(CLI, os.X_OK):
            self.fail('POSTHOUSE_CLI must point at the built posthouse-cli')
        self.root = tempfile.mkdtemp(prefix='posthouse-secure-cli-')
        self.addCleanup(shutil.rmtree, self.root, True)
        self.alice = User(self.root, 'alice')   # sends
        self.bob = User(self.root, 'bob')       # receives
        self.src = os.path.join(self.root, 'src')
        self.dst = os.path.join(self.root, 'dst')
        os.makedirs(self.src)
        os.makedirs(self.dst)

    def receive(self, *args, user=None, port=0, folder=None):
        user = user or self.bob
        proc = Process([CLI, 'receive', '--port', str(port), '--no-announce',
                        '--dir', folder or self.dst] + list(args), user.env)
        self.addCleanup(proc.kill)
        m = proc.wait_line('stderr', r'Listening on .*port (\d+)')
        return proc, int(m.group(1))

    def send(self, port, *paths, options=(), user=None, timeout=TIMEOUT):
        user = user or self.alice
        return subprocess.run([CLI, 'send'] + list(options) + ['127.0.0.1:{0}'.format(port)] +
                              list(paths), stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, env=user.env)

    def start_send(self, port, *paths, options=(), user=None):
        proc = Process([CLI, 'send'] + list(options) + ['127.0.0.1:{0}'.format(port)] + list(paths),
                       (user or self.alice).env)
        self.addCleanup(proc.kill)
        return proc

    def assertNothingPartial(self, folder):
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in filenames + dirnames:
                self.assertFalse(name.startswith('.'), os.path.join(dirpath, name))

    def files_in(self, folder):
        found = []
        for dirpath, dirnames, filenames in os.walk(folder):
            found += [os.path.relpath(os.path.join(dirpath, n), folder) for n in filenames]
        return sorted(found)


class SecureCli(SecureTestCase):

    def test_first_contact_then_remembered(self):
        receiver, port = self.receive()
        one = make_file(os.path.join(self.src, 'one.txt'), 300000)
        two = make_file(os.path.join(self.src, 'two.txt'), 5, seed=2)

        # Nothing known of it: a first contact only when asked for.
        result = self.send(port, one, options=['--require-encryption'])
        err = result.stderr.decode()
        self.assertEqual(result.returncode, 0, err)
        self.assertRegex(err.splitlines()[0], r'^encrypted, to 127\.0\.0\.1:\d+ \(a first contact')
        self.assertEqual(read(one), read(os.path.join(self.dst, 'one.txt')))
        receiver.wait_line('stdout', r'^saved .*one\.txt$')
        # A batch of one file is said by its name, and who sends it.
        receiver.wait_line('stderr', r'^Receiving “one\.txt” \(300\.0\xa0kB\) from “.*” \(' + FINGERPRINT + r'\)$')
        # Each remembers the other's key.
        self.assertIn('ReceiverAddress=127.0.0.1:{0}'.format(port), self.alice.devices)
        self.assertIn('State=known', self.bob.devices)

        # Remembered: encrypted without asking, to the key it proved.
        result = self.send(port, two)
        err = result.stderr.decode()
        self.assertEqual(result.returncode, 0, err)
        self.assertRegex(err.splitlines()[0], r'^encrypted, to ')
        self.assertNotIn('first contact', err)
        self.assertEqual(read(two), read(os.path.join(self.dst, 'two.txt')))

    def test_plain_when_nothing_is_known(self):
        receiver, port = self.receive()
        one = make_file(os.path.join(self.src, 'plain.txt'), 1000)
        result = self.send(port, one)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr.decode().splitlines()[0],
                         'not encrypted, to 127.0.0.1:{0}'.format(port))
        receiver.wait_line('stdout', r'^saved .*plain\.txt$')
        # The receiver says who sent it: nobody known, an address.
        receiver.wait_line('stderr', r'not encrypted.*127\.0\.0\.1|127\.0\.0\.1.*not encrypted')

    def test_thousand_small_files(self):
        receiver, port = self.receive()
        folder = os.path.join(self.src, 'many')
        for i in range(1000):
            make_file(os.path.join(folder, 'f{0:04}.bin'.format(i)), 700 + i, seed=i)
        result = self.send(port, folder, options=['--require-encryption'])
        self.assertEqual(result.returncode, 0, result.stderr)
        names = self.files_in(self.dst)
        self.assertEqual(len(names), 1000, names[:5])
        for i in (0, 499, 999):
            name = 'f{0:04}.bin'.format(i)
            self.assertEqual(read(os.path.join(folder, name)),
                             read(os.path.join(self.dst, os.path.relpath(
                                 next(n for n in names if n.endswith(name)), '.'))))
        receiver.wait_line('stdout', r'^saved ', count=1000)
        # Said once for the batch, as the sender's hello counted it; not
        # a line per file.
        receiving = [l for l in receiver.text('stderr').splitlines() if l.startswith('Receiving')]
        self.assertEqual(len(receiving), 1, receiving[:3])
        self.assertRegex(receiving[0], r'^Receiving 1000 files \(1\.2\xa0MB\) from “.*” \(' + FINGERPRINT + r'\)$')

    def test_verbose_window(self):
        # send --verbose tells the secure channel's window of files ahead
        # of their receipts as it does the plain lanes': where it starts,
        # then each decision. Receipts 30 ms late make more files in
        # flight pay, so it grows (on bare loopback the first 64 may
        # already be all it needs, and nothing changes).
        _, port = self.receive()
        relay = DelayRelay(port, 0.03)
        self.addCleanup(relay.close)
        folder = os.path.join(self.src, 'many')
        for i in range(1500):
            make_file(os.path.join(folder, 'w{0:04}.bin'.format(i)), 100 + i, seed=i)
        result = self.send(relay.port, folder, options=['--require-encryption', '--verbose'])
        err = result.stderr.decode()
        self.assertEqual(result.returncode, 0, err)
        self.assertRegex(err.splitlines()[0], r'^encrypted, to ')
        window = [m.groups() for m in re.finditer(r'(?m)^posthouse-cli: (\d+) files? in flight: (.+)$', err)]
        self.assertGreaterEqual(len(window), 2, err)
        self.assertEqual(window[0], ('64', 'to start with'), err)
        self.assertRegex(window[1][1], r'files per second|fewer files|more files', err)
        for files, reason in window:
            self.assertTrue(64 <= int(files) <= 256, err)
        self.assertEqual(len(self.files_in(self.dst)), 1500)

        # A window fixed by --parallel says so; without --verbose, nothing.
        one = make_file(os.path.join(self.src, 'one.txt'), 100)
        result = self.send(relay.port, one, options=['--verbose', '--parallel', '4'])
        err = result.stderr.decode()
        self.assertEqual(result.returncode, 0, err)
        self.assertRegex(err, r'(?m)^encrypted, to ')
        self.assertRegex(err, r'(?m)^posthouse-cli: 4 files in flight: as asked$')
        result = self.send(relay.port, one)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn('in flight', result.stderr.decode())

        # Over two connections (as bench/linkbench asks): the files in
        # flight on both.
        few = os.path.join(self.src, 'few')
        for i in range(4):
            make_file(os.path.join(few, 'x{0}.bin'.format(i)), 100, seed=i)
        user = copy.copy(self.alice)
        user.env = dict(self.alice.env, PH_SECURE_CONNECTIONS='2')
        result = self.send(relay.port, few, options=['--verbose'], user=user)
        err = result.stderr.decode()
        self.assertEqual(result.returncode, 0, err)
        starts = re.findall(r'(?m)^posthouse-cli: (\d+) files in flight: to start with$', err)
        self.assertEqual(starts, ['64', '128'], err)

    def test_folders_with_paths(self):
        # Listening everywhere, so announced with paths=1: its hello says so.
        receiver = Process([CLI, 'receive', '--port', '0', '--dir', self.dst], self.bob.env)
        self.addCleanup(receiver.kill)
        port = int(receiver.wait_line('stderr', r'Listening on .*port (\d+)').group(1))
        tree = os.path.join(self.src, 'Holiday')
        make_file(os.path.join(tree, 'Day 1', 'beach.jpg'), 20000)
        make_file(os.path.join(tree, 'Day 2', 'hill.jpg'), 30000, seed=3)
        make_file(os.path.join(tree, 'notes.txt'), 10, seed=4)
        result = self.send(port, tree, options=['--require-encryption'])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.files_in(self.dst),
                         ['Holiday/Day 1/beach.jpg', 'Holiday/Day 2/hill.jpg', 'Holiday/notes.txt'])

    def test_cancel_in_the_middle(self):
        receiver, port = self.receive()
        big = os.path.join(self.src, 'big.bin')
        with open(big, 'wb') as fp:
            fp.truncate(2 * 1024 * 1024 * 1024)      # sparse: no disk, and long enough
        small = make_file(os.path.join(self.src, 'small.bin'), 10)
        self.send(port, small, options=['--require-encryption'])   # remembered from now on
        receiver.wait_line('stdout', r'^saved .*small\.bin$')
        sender = self.start_send(port, big, options=['--parallel', '1'])
        # Its bytes begin to arrive: then stop the sender.
        receiver.wait_line('stderr', r'Receiving “big\.bin”')
        sender.proc.send_signal(signal.SIGINT)
        self.assertEqual(sender.proc.wait(TIMEOUT), 130, sender.text('stderr'))
        receiver.wait_line('stderr', r'big\.bin')
        self.assertEqual(os.listdir(self.dst), ['small.bin'])
        self.assertNothingPartial(self.dst)

    def test_only_paired_declines(self):
        receiver, port = self.receive('--only-paired')
        one = make_file(os.path.join(self.src, 'one.txt'), 100)
        result = self.send(port, one, options=['--require-encryption'])
        err = result.stderr.decode()
        self.assertEqual(result.returncode, 1, err)
        self.assertIn('only from paired devices', err)
        receiver.wait_line('stderr', r'only from paired devices')
        self.assertEqual(os.listdir(self.dst), [])
        # The original format is turned away too, before its header.
        result = self.send(port, one)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(os.listdir(self.dst), [])

    def test_no_plain(self):
        receiver, port = self.receive('--no-plain')
        one = make_file(os.path.join(self.src, 'one.txt'), 100)
        py = subprocess.run([PYTHON, PY_SEND, '127.0.0.1', str(port), one],
                            capture_output=True, timeout=TIMEOUT)
        result = self.send(port, one)
        # Once seen under load (exit 0): say what each side saw.
        self.assertEqual(result.returncode, 1,
                         (result.stderr, py.returncode, py.stderr, os.listdir(self.dst),
                          receiver.text('stdout'), receiver.text('stderr')))
        receiver.wait_line('stderr', r'not encrypted', count=1)
        self.assertEqual(os.listdir(self.dst), [])
        result = self.send(port, one, options=['--require-encryption'])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(os.listdir(self.dst), ['one.txt'])
        del py

    def test_no_plain_race(self):
        # The first byte decides, even when it comes a moment after the
        # connection: the receiver once looked (nothing yet), then read
        # what arrived in between as a header, and saved it (1 in about
        # 1,000 such connections got past --no-plain).
        receiver, port = self.receive('--no-plain')
        rng = random.Random(21)
        for i in range(1000):
            with socket.create_connection(('127.0.0.1', port)) as c:
                until = time.perf_counter() + rng.random() * 0.002
                while time.perf_counter() < until:
                    pass
                try:
                    c.sendall(b'f%04d' % i + bytes(123) + struct.pack('<q', 1) + b'x')
                    c.shutdown(socket.SHUT_WR)
                    c.recv(1)
                except OSError:
                    pass
        receiver.wait_line('stderr', r'not encrypted', count=1000)
        self.assertEqual(os.listdir(self.dst), [])

    def test_wrong_key(self):
        # Alice knows Bob's key; someone else answers at Bob's address.
        receiver, port = self.receive()
        one = make_file(os.path.join(self.src, 'one.txt'), 100)
        self.assertEqual(self.send(port, one, options=['--require-encryption']).returncode, 0)
        receiver.wait_line('stdout', r'^saved ')
        receiver.kill()
        mallory = User(self.root, 'mallory')
        elsewhere = os.path.join(self.root, 'mallory-inbox')
        os.makedirs(elsewhere)
        impostor, _ = self.receive(user=mallory, port=port, folder=elsewhere)
        secret = make_file(os.path.join(self.src, 'secret.txt'), 200000)
        result = self.send(port, secret)
        err = result.stderr.decode()
        self.assertEqual(result.returncode, 1, err)
        self.assertIn('is not who it claims to be', err)
        self.assertEqual(os.listdir(elsewhere), [])
        time.sleep(0.5)
        self.assertNotIn('saved', impostor.text('stdout'))

    def test_plain_sender_with_0x16(self):
        # A header whose name begins with 0x16 is taken for TLS: it fails
        # cleanly, and the receiver goes on.
        receiver, port = self.receive()
        with socket.create_connection(('127.0.0.1', port), timeout=TIMEOUT) as s:
            # The receiver may reset it before all is written: that is
            # the clean failure too.
            try:
                s.sendall(struct.pack('128sq', b'\x16name.txt', 4) + b'data')
                s.shutdown(socket.SHUT_WR)
                s.settimeout(TIMEOUT)
                while s.recv(4096):
                    pass
            except (ConnectionResetError, BrokenPipeError, OSError) as e:
                if isinstance(e, socket.timeout):
                    raise
        receiver.wait_line('stderr', r'127\.0\.0\.1')
        self.assertEqual(os.listdir(self.dst), [])
        one = make_file(os.path.join(self.src, 'after.txt'), 100)
        self.assertEqual(self.send(port, one).returncode, 0)
        self.assertEqual(os.listdir(self.dst), ['after.txt'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
