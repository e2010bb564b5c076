#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# posthouse-cli against Python peers that speak the original scripts'
# wire format, and the command line's own behaviour. Real processes,
# real sockets on loopback, real files in temporary folders.
#
#   POSTHOUSE_CLI=path/to/posthouse-cli test_interop.py [TestClass ...]

import fcntl
import os
import pty
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.environ.get('POSTHOUSE_CLI', '')
PYTHON = os.environ.get('PYTHON', sys.executable)
PY_SEND = os.path.join(HERE, 'py_send.py')
PY_RECEIVE = os.path.join(HERE, 'py_receive.py')

# Generous bounds: a test fails instead of hanging, never because a
# loaded machine is slow.
TIMEOUT = 30

# Leftover names a receiver may use for data in flight.
PARTIAL = re.compile(r'(\.part|\.tmp|~)$|^\.')

# `send` says first how the files go (SPEC, Command line); to the
# original receiver always "not encrypted". The tests read what follows.
CHANNEL = re.compile(r'^not encrypted, to \S+$')


def cli_env(**extra):
    env = dict(os.environ)
    env.setdefault('LC_ALL', 'C.UTF-8')
    env.update(extra)
    return env


def make_file(folder, name, size, seed=1):
    path = os.path.join(folder, name)
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


def read_po(path):
    """(msgid, msgstr) of the translated, non-fuzzy singular entries."""
    import ast
    entries = []
    with open(path, encoding='utf-8') as fp:
        blocks = fp.read().split('\n\n')
    for block in blocks:
        if '#, fuzzy' in block:
            continue
        fields, current = {}, None
        for line in block.splitlines():
            m = re.match(r'^(msgid|msgstr|msgid_plural|msgstr\[\d+\]|msgctxt) (".*")$', line)
            if m:
                current = m.group(1)
                fields[current] = ast.literal_eval(m.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get('msgid') and fields.get('msgstr') and 'msgctxt' not in fields:
            entries.append((fields['msgid'], fields['msgstr']))
    return entries


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Process:
    """A background process whose stdout/stderr lines are collected by
    threads, so that a test can wait for a line with a deadline."""

    def __init__(self, argv, **kwargs):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, **kwargs)
        self.lines = {'stdout': [], 'stderr': []}
        self.cond = threading.Condition()
        self.threads = [
            threading.Thread(target=self._read, args=(self.proc.stdout, 'stdout'), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, 'stderr'), daemon=True),
        ]
        for t in self.threads:
            t.start()

    def _read(self, pipe, which):
        for raw in iter(pipe.readline, b''):
            line = raw.decode('utf-8', 'surrogateescape').rstrip('\n')
            if which == 'stderr' and self.argv[1:2] == ['send'] and CHANNEL.match(line):
                continue
            with self.cond:
                self.lines[which].append(line)
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_line(self, which, pattern, timeout=TIMEOUT):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        with self.cond:
            while True:
                for line in self.lines[which][seen:]:
                    m = regex.search(line)
                    if m:
                        return m
                seen = len(self.lines[which])
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and
                                 not any(t.is_alive() for t in self.threads)):
                    raise AssertionError('{0}: no {1} line matching {2!r}; got {3!r} '
                                         '(exit {4})'.format(self.argv[:2], which, pattern,
                                                             self.lines, self.proc.poll()))
                self.cond.wait(min(left, 0.2))

    def wait(self, timeout=TIMEOUT):
        code = self.proc.wait(timeout)
        for t in self.threads:
            t.join(timeout)
        return code

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


class InteropTestCase(unittest.TestCase):

    def setUp(self):
        if not CLI or not os.access(CLI, os.X_OK):
            self.fail('POSTHOUSE_CLI must point at the built posthouse-cli')
        self.src = self.tmpdir('src')
        self.dst = self.tmpdir('dst')

    def tmpdir(self, tag):
        path = tempfile.mkdtemp(prefix='posthouse-interop-{0}-'.format(tag))
        self.addCleanup(shutil.rmtree, path, True)
        return path

    # -- processes -------------------------------------------------------

    def start(self, argv, **kwargs):
        proc = Process(argv, **kwargs)
        self.addCleanup(proc.kill)
        return proc

    def cli(self, *args, timeout=TIMEOUT, env=None):
        result = subprocess.run([CLI] + list(args), stdin=subprocess.DEVNULL,
                                capture_output=True, timeout=timeout,
                                env=env or cli_env())
        if args[:1] == ('send',):
            first, _, rest = result.stderr.partition(b'\n')
            if CHANNEL.match(first.decode('utf-8', 'replace')):
                result.stderr = rest
        return result

    def start_cli_receive(self, *args, folder=None, extra_env=None):
        proc = self.start([CLI, 'receive', '--port', '0', '--bind', '127.0.0.1',
                           '--dir', folder or self.dst] + list(args), env=cli_env(**(extra_env or {})))
        m = proc.wait_line('stderr', r'Listening on .*port (\d+)')
        return proc, int(m.group(1))

    def start_py_receive(self, folder=None, bind='127.0.0.1'):
        proc = self.start([PYTHON, PY_RECEIVE, '0', folder or self.dst, bind])
        m = proc.wait_line('stdout', r'^(\d+)$')
        return proc, int(m.group(1))

    def py_send(self, port, path, host='127.0.0.1'):
        result = subprocess.run([PYTHON, PY_SEND, host, str(port), path],
                                capture_output=True, timeout=TIMEOUT)
        self.assertEqual(result.returncode, 0, result.stderr)

    # -- assertions ------------------------------------------------------

    def saved_path(self, proc):
        return proc.wait_line('stdout', r'^saved (.*)$').group(1)

    def saved_paths(self, proc, n):
        """The first N "saved" paths, in the order they were printed."""
        proc.wait_line('stdout', r'^saved ', timeout=TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while True:
            with proc.cond:
                saved = [l[len('saved '):] for l in proc.lines['stdout'] if l.startswith('saved ')]
            if len(saved) >= n or time.monotonic() > deadline:
                return saved[:n]
            time.sleep(0.05)

    def assertSameContent(self, a, b):
        self.assertEqual(os.path.getsize(a), os.path.getsize(b))
        self.assertTrue(read(a) == read(b), '{0} and {1} differ'.format(a, b))

    def assertOnlyFiles(self, folder, names):
        self.assertEqual(sorted(os.listdir(folder)), sorted(names))

    def assertNothingPartial(self, folder):
        leftovers = [n for n in os.listdir(folder) if PARTIAL.search(n)]
        self.assertEqual(leftovers, [], 'partial files left in {0}'.format(folder))


class PythonToCli(InteropTestCase):
    """The original sender's format into `posthouse-cli receive`."""

    def receive_one(self, name, size=300 * 1024, *args):
        path = make_file(self.src, name, size)
        proc, port = self.start_cli_receive('--once', *args)
        self.py_send(port, path)
        saved = self.saved_path(proc)
        self.assertEqual(proc.wait(), 0, proc.text('stderr'))
        self.assertEqual(os.path.dirname(saved), self.dst)
        self.assertSameContent(path, saved)
        self.assertOnlyFiles(self.dst, [os.path.basename(saved)])
        return os.path.basename(saved)

    def test_plain(self):
        self.assertEqual(self.receive_one('photo.jpg'), 'photo.jpg')

    def test_empty(self):
        self.assertEqual(self.receive_one('empty.txt', 0), 'empty.txt')

    def test_utf8_name(self):
        self.assertEqual(self.receive_one('照片.png'), '照片.png')

    def test_overlong_name(self):
        # 127 ASCII bytes, then 照 (3 bytes) straddles byte 128: struct
        # cuts it, the receiver must drop the partial character.
        name = 'x' * 127 + '照' * 23 + '.png'
        self.assertEqual(len(name.encode()), 200)
        saved = self.receive_one(name)
        saved.encode('utf-8')  # a valid name, no surrogate escapes
        self.assertEqual(saved, 'x' * 127)

    def test_prefix_new(self):
        self.assertEqual(self.receive_one('holiday.jpg', 5000, '--prefix', 'new_'),
                         'new_holiday.jpg')

    def test_taken_name_gets_number(self):
        make_file(self.dst, 'photo.jpg', 10, seed=9)
        before = read(os.path.join(self.dst, 'photo.jpg'))
        path = make_file(self.src, 'photo.jpg', 20000)
        proc, port = self.start_cli_receive('--once')
        self.py_send(port, path)
        saved = self.saved_path(proc)
        self.assertEqual(proc.wait(), 0)
        self.assertEqual(os.path.basename(saved), 'photo (2).jpg')
        self.assertSameContent(path, saved)
        self.assertEqual(read(os.path.join(self.dst, 'photo.jpg')), before)

    def test_several_connections(self):
        proc, port = self.start_cli_receive()
        paths = [make_file(self.src, 'file{0}.bin'.format(i), 1000 * i + 1, seed=i)
                 for i in range(3)]
        for path in paths:
            self.py_send(port, path)
            saved = self.saved_path(proc)
            proc.lines['stdout'].clear()
            self.assertSameContent(path, saved)
        proc.proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(), 128 + signal.SIGTERM)
        self.assertOnlyFiles(self.dst, [os.path.basename(p) for p in paths])


    def test_same_name_at_once(self):
        proc, port = self.start_cli_receive()
        paths = []
        for i in range(5):
            folder = self.tmpdir('same{0}'.format(i))
            paths.append(make_file(folder, 'same.txt', 50000 + i, seed=i))
        senders = [subprocess.Popen([PYTHON, PY_SEND, '127.0.0.1', str(port), path])
                   for path in paths]
        for sender in senders:
            self.assertEqual(sender.wait(TIMEOUT), 0)
        saved = set()
        deadline = time.monotonic() + TIMEOUT
        while len(saved) < len(paths) and time.monotonic() < deadline:
            proc.wait_line('stdout', r'^saved ', timeout=deadline - time.monotonic())
            saved = {line[len('saved '):] for line in proc.lines['stdout']}
        self.assertEqual(len(saved), len(paths))
        self.assertEqual(sorted(read(p) for p in saved), sorted(read(p) for p in paths))
        self.assertNothingPartial(self.dst)

    def test_ipv6_bind(self):
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
                s.bind(('::1', 0))
        except OSError:
            self.skipTest('no IPv6 loopback here')
        path = make_file(self.src, 'v6.txt', 1234)
        proc = self.start([CLI, 'receive', '--once', '--port', '0', '--bind', '::1',
                           '--dir', self.dst], env=cli_env())
        port = int(proc.wait_line('stderr', r'Listening on .*port (\d+)').group(1))
        self.py_send(port, path, host='::1')
        self.assertSameContent(path, self.saved_path(proc))
        self.assertEqual(proc.wait(), 0)

    def test_all_interfaces_by_default(self):
        hosts = ['127.0.0.1']
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
                s.bind(('::1', 0))
            hosts.append('::1')
        except OSError:
            pass
        proc = self.start([CLI, 'receive', '--port', '0', '--dir', self.dst], env=cli_env())
        port = int(proc.wait_line('stderr', r'Listening on port (\d+) \(all interfaces\)').group(1))
        for host in hosts:
            path = make_file(self.src, 'via-{0}.txt'.format(host.replace(':', '')), 100)
            self.py_send(port, path, host=host)
            saved = proc.wait_line('stdout', r'^saved (.*{0})$'.format(re.escape(
                os.path.basename(path)))).group(1)
            self.assertSameContent(path, saved)

    def test_default_folder_is_downloads(self):
        home = self.tmpdir('home')
        config = os.path.join(home, 'config')
        os.mkdir(config)
        with open(os.path.join(config, 'user-dirs.dirs'), 'w') as fp:
            fp.write('XDG_DOWNLOAD_DIR="$HOME/Incoming"\n')
        path = make_file(self.src, 'd.txt', 10)
        proc = self.start([CLI, 'receive', '--once', '--port', '0', '--bind', '127.0.0.1'],
                          env=cli_env(HOME=home, XDG_CONFIG_HOME=config))
        port = int(proc.wait_line('stderr', r'Listening on .*port (\d+)').group(1))
        self.py_send(port, path)
        self.assertEqual(self.saved_path(proc), os.path.join(home, 'Incoming', 'd.txt'))
        self.assertEqual(proc.wait(), 0)


class CliToPython(InteropTestCase):
    """`posthouse-cli send` into the original receiver's behaviour."""

    def send_one(self, name, size=300 * 1024, host='127.0.0.1', bind='127.0.0.1'):
        path = make_file(self.src, name, size)
        receiver, port = self.start_py_receive(bind=bind)
        result = self.cli('send', '{0}:{1}'.format(host, port), path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b'')
        self.assertEqual(receiver.wait(), 0, receiver.text('stderr'))
        saved = self.saved_path(receiver)
        self.assertSameContent(path, saved)
        self.assertOnlyFiles(self.dst, [os.path.basename(saved)])
        return os.path.basename(saved)

    def test_plain(self):
        self.assertEqual(self.send_one('holiday.jpg'), 'new_holiday.jpg')

    def test_empty(self):
        self.assertEqual(self.send_one('empty', 0), 'new_empty')

    def test_utf8_name(self):
        self.assertEqual(self.send_one('照片.png'), 'new_照片.png')

    def test_overlong_name(self):
        # Cut at byte 128 this would split a character and crash the
        # receiver's strict decode; the CLI must shorten it itself.
        name = '照片' * 32 + '.png'
        self.assertEqual(len(name.encode()), 196)
        saved = self.send_one(name)
        self.assertTrue(saved.startswith('new_照片'), saved)
        self.assertTrue(saved.endswith('.png'), saved)
        sent = saved[len('new_'):]
        self.assertLessEqual(len(sent.encode()), 128)
        self.assertGreater(len(sent.encode()), 100)
        self.assertTrue(name.startswith(sent[:-len('.png')]))

    def test_port_option_overrides(self):
        path = make_file(self.src, 'a.txt', 100)
        receiver, port = self.start_py_receive()
        result = self.cli('send', '--port', str(port), '127.0.0.1:1', path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(receiver.wait(), 0)
        self.assertSameContent(path, os.path.join(self.dst, 'new_a.txt'))

    def test_several_files_to_the_one_shot_receiver(self):
        # The original receiver takes one connection and exits: the first
        # file arrives, every other one fails with a message.
        paths = [make_file(self.src, n, 40000, seed=i)
                 for i, n in enumerate(('first.bin', 'second.bin', 'third.bin', 'fourth.bin'))]
        receiver, port = self.start_py_receive()
        result = self.cli('send', '127.0.0.1:{0}'.format(port), *paths)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(receiver.wait(), 0, receiver.text('stderr'))
        self.assertSameContent(paths[0], self.saved_path(receiver))
        self.assertOnlyFiles(self.dst, ['new_first.bin'])
        err = result.stderr.decode().splitlines()
        self.assertEqual(len(err), 4, err)
        for path in paths[1:]:
            line = next(l for l in err if path in l)
            self.assertTrue('refused' in line or 'closed the connection' in line, line)
        self.assertIn('3 of 4 files were not sent', err[-1])

    def test_ipv6_literal(self):
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
                s.bind(('::1', 0))
        except OSError:
            self.skipTest('no IPv6 loopback here')
        self.assertEqual(self.send_one('v6.bin', 5000, host='[::1]', bind='::1'),
                         'new_v6.bin')


class CliBehaviour(InteropTestCase):
    """What a person or a script sees: messages, exit codes, signals."""

    def test_help_without_display(self):
        env = cli_env()
        for var in ('DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS'):
            env.pop(var, None)
        for args, words in ((['--help'], [b'send', b'receive', b'list', b'Exit status']),
                            (['send', '--help'], [b'DESTINATION [FILE', b'HOST[:PORT]', b'--port']),
                            (['receive', '--help'], [b'--dir', b'--once', b'--prefix', b'--bind',
                                                     b'--no-announce']),
                            (['list', '--help'], [b'--timeout'])):
            result = self.cli(*args, env=env)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn(b'Usage:', result.stdout)
            for word in words:
                self.assertIn(word, result.stdout)

    def test_translated_from_build_tree(self):
        # Strings of our own domain (GLib translates "Usage:" itself),
        # taken from the catalogue so that the test follows it.
        build = os.environ.get('G_TEST_BUILDDIR', '')
        mo = os.path.join(build, '..', 'po', 'zh_CN', 'LC_MESSAGES', 'posthouse.mo')
        po = os.path.join(HERE, '..', '..', 'po', 'zh_CN.po')
        if not build or not os.path.exists(mo) or not os.path.exists(po):
            self.skipTest('no zh_CN catalogue built')
        english = self.cli('receive', '--help').stdout.decode()
        translations = [msgstr for msgid, msgstr in read_po(po)
                        if len(msgid) > 20 and msgid in english]
        if not translations:
            self.skipTest('zh_CN does not translate receive --help yet')
        result = self.cli('receive', '--help', env=cli_env(LC_ALL='C.UTF-8', LANGUAGE='zh_CN'))
        self.assertEqual(result.returncode, 0)
        text = result.stdout.decode()
        for msgstr in translations:
            self.assertIn(msgstr.split('\n')[0], text)

    def test_version(self):
        result = self.cli('--version')
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout.decode(), r'^posthouse-cli \d+\.\d+')

    def test_usage_errors(self):
        for args in ([], ['frobnicate'], ['send'], ['send', '127.0.0.1'],
                     ['send', '--port', '70000', '127.0.0.1', '/etc/hostname'],
                     ['send', 'no:such:address:', '/etc/hostname'],
                     ['receive', '--port', '-3'], ['receive', 'extra'],
                     ['receive', '--bogus'], ['receive', '--prefix', '../x']):
            result = self.cli(*args)
            self.assertEqual(result.returncode, 2, (args, result.stderr))
            self.assertIn(b'posthouse-cli', result.stderr)

    # Discovery where there is no mDNS responder: tests/meson.build points
    # the system bus nowhere (the mdns suite has real ones). A build
    # without Avahi says that instead.
    NO_RESPONDER = ('(Nearby computers can’t be found: the Avahi service isn’t running'
                    '|built without Avahi)')

    def test_list_without_responder(self):
        start = time.monotonic()
        result = self.cli('list', '--timeout', '10')
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, b'')
        self.assertRegex(result.stderr.decode(), self.NO_RESPONDER)
        # At once, not after the 10 s it was given.
        self.assertLess(time.monotonic() - start, 5)
        for args in (['list', '--timeout', '0'], ['list', '--timeout', 'x'], ['list', 'extra']):
            self.assertEqual(self.cli(*args).returncode, 2, args)

    def test_send_to_a_name_without_responder(self):
        path = make_file(self.src, 'card.txt', 10)
        result = self.cli('send', 'Alice’s Laptop', path)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr.decode(), 'Cannot find “Alice’s Laptop”: .*' + self.NO_RESPONDER)

    def test_receive_without_responder_warns_once(self):
        path = make_file(self.src, 'kept.txt', 100)
        proc = self.start([CLI, 'receive', '--port', '0', '--once', '--dir', self.dst], env=cli_env())
        port = int(proc.wait_line('stderr', r'Listening on .*port (\d+)').group(1))
        self.assertIsNotNone(proc.wait_line('stderr', r'Not announced nearby: (the Avahi service isn’t running'
                                                      r'|this posthouse-cli was built without Avahi)'))
        result = self.cli('send', '127.0.0.1:{0}'.format(port), path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(proc.wait(), 0, proc.text('stderr'))
        self.assertEqual(proc.text('stderr').count('Not announced'), 1, proc.text('stderr'))

        quiet = self.start([CLI, 'receive', '--port', '0', '--once', '--no-announce',
                            '--dir', self.dst], env=cli_env())
        port = int(quiet.wait_line('stderr', r'Listening on .*port (\d+)').group(1))
        result = self.cli('send', '127.0.0.1:{0}'.format(port), path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(quiet.wait(), 0, quiet.text('stderr'))
        self.assertNotIn('announced', quiet.text('stderr'))

    def test_send_connection_refused(self):
        path = make_file(self.src, 'holiday.jpg', 100)
        port = free_port()
        result = self.cli('send', '127.0.0.1:{0}'.format(port), path)
        self.assertEqual(result.returncode, 1)
        err = result.stderr.decode()
        self.assertIn('posthouse-cli: ', err)
        self.assertIn('holiday.jpg', err)
        self.assertIn('refused', err.lower())
        self.assertIn('127.0.0.1:{0}'.format(port), err)
        self.assertIn('receive mode', err)

    def test_send_refused_many(self):
        # A whole batch failing for one reason says it five times, then
        # once with a count: not a line per file of a big folder.
        folder = self.tmpdir('many')
        for i in range(12):
            make_file(folder, 'f{0:02d}.bin'.format(i), 100, seed=i)
        port = free_port()
        result = self.cli('send', '--parallel', '1', '127.0.0.1:{0}'.format(port), folder)
        self.assertEqual(result.returncode, 1)
        err = result.stderr.decode().splitlines()
        per_file = [l for l in err if '.bin: ' in l]
        self.assertEqual(len(per_file), 5, err)
        self.assertTrue(all('refused' in l.lower() for l in per_file), err)
        more = [l for l in err if 'and 7 more files' in l]
        self.assertEqual(len(more), 1, err)
        self.assertIn('127.0.0.1:{0}'.format(port), more[0])
        self.assertIn('12 of 12 files were not sent', err[-1])

    def test_send_missing_file_and_empty_folder(self):
        proc, port = self.start_cli_receive()
        missing = os.path.join(self.src, 'missing.jpg')
        folder = self.tmpdir('folder')
        for path in (missing, folder):
            result = self.cli('send', '127.0.0.1:{0}'.format(port), path)
            self.assertEqual(result.returncode, 1, path)
            err = result.stderr.decode()
            self.assertIn(os.path.basename(path), err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn('No such file', self.cli('send', '127.0.0.1:{0}'.format(port),
                                               missing).stderr.decode())
        self.assertEqual(os.listdir(self.dst), [])
        self.assertEqual(proc.lines['stdout'], [])

    def test_several_files_in_one_send(self):
        proc, port = self.start_cli_receive()
        paths = [make_file(self.src, name, size, seed=size)
                 for name, size in (('one.txt', 10), ('two.bin', 700000), ('三.txt', 3))]
        result = self.cli('send', '127.0.0.1:{0}'.format(port), *paths)
        self.assertEqual(result.returncode, 0, result.stderr)
        for path in paths:
            self.assertSameContent(path, os.path.join(self.dst, os.path.basename(path)))
        for _ in paths:
            self.saved_path(proc)
        proc.proc.send_signal(signal.SIGINT)
        self.assertEqual(proc.wait(), 128 + signal.SIGINT)

    def test_one_failure_among_several(self):
        proc, port = self.start_cli_receive()
        good = [make_file(self.src, 'f{0:02}.txt'.format(i), 10 + i, seed=i) for i in range(20)]
        missing = os.path.join(self.src, 'nope.txt')
        result = self.cli('send', '127.0.0.1:{0}'.format(port), *(good[:7] + [missing] + good[7:]))
        self.assertEqual(result.returncode, 1)
        err = result.stderr.decode().splitlines()
        self.assertEqual(len(err), 2, err)
        self.assertIn('nope.txt', err[0])
        self.assertIn('1 of 21 files was not sent', err[1])
        for path in good:
            self.assertSameContent(path, os.path.join(self.dst, os.path.basename(path)))

    def test_many_files_all_arrive(self):
        proc, port = self.start_cli_receive()
        paths = [make_file(self.src, 'n{0:03}.bin'.format(i), (i * 997) % 50000, seed=i)
                 for i in range(120)]
        result = self.cli('send', '127.0.0.1:{0}'.format(port), *paths)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, b'')
        # In whatever order they arrived.
        self.assertEqual(sorted(self.saved_paths(proc, len(paths))),
                         sorted(os.path.join(self.dst, os.path.basename(p)) for p in paths))
        for path in paths:
            self.assertSameContent(path, os.path.join(self.dst, os.path.basename(path)))

    def test_parallel_one_keeps_order(self):
        proc, port = self.start_cli_receive()
        names = ['z.bin', 'a.bin', 'm.bin', 'b.bin', 'y.bin', 'c.bin']
        paths = [make_file(self.src, n, 30000, seed=i) for i, n in enumerate(names)]
        result = self.cli('send', '--parallel', '1', '127.0.0.1:{0}'.format(port), *paths)
        self.assertEqual(result.returncode, 0, result.stderr)
        saved = [os.path.basename(p) for p in self.saved_paths(proc, len(paths))]
        self.assertEqual(saved, names)

    def test_parallel_bad_values(self):
        path = make_file(self.src, 'a.txt', 10)
        for value in ('0', '-2', '65', 'many'):
            result = self.cli('send', '--parallel', value, '127.0.0.1:1', path)
            self.assertEqual(result.returncode, 2, (value, result.stderr))
            self.assertIn(b'parallel', result.stderr)

    def counting_receiver(self, delay=0.02):
        """A receiver in threads that counts the files it holds at once
        (from the header to its close, which is the receipt)."""
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.bind(('127.0.0.1', 0))
        server.listen(64)
        self.addCleanup(server.close)
        state = {'now': 0, 'most': 0, 'files': 0, 'lock': threading.Lock()}

        def serve(conn):
            with conn:
                header = b''
                while len(header) < 136:
                    chunk = conn.recv(136 - len(header))
                    if not chunk:
                        return
                    header += chunk
                size = struct.unpack('<q', header[128:])[0]
                with state['lock']:
                    state['now'] += 1
                    state['most'] = max(state['most'], state['now'])
                while size > 0:
                    chunk = conn.recv(min(size, 65536))
                    if not chunk:
                        break
                    size -= len(chunk)
                time.sleep(delay)
                with state['lock']:
                    state['now'] -= 1
                    state['files'] += 1

        def accept():
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                threading.Thread(target=serve, args=(conn,), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return server.getsockname()[1], state

    def test_at_most_parallel_files_at_once(self):
        port, state = self.counting_receiver()
        paths = [make_file(self.src, 'p{0:02}.bin'.format(i), 5000, seed=i) for i in range(24)]
        for parallel, most in (('3', 3), (None, 8)):
            state['most'] = state['files'] = 0
            args = (['--parallel', parallel] if parallel else []) + ['127.0.0.1:{0}'.format(port)]
            result = self.cli('send', *(args + paths))
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(state['files'], len(paths))
            self.assertEqual(state['most'], most)

    def test_folder_sent_recursively(self):
        proc, port = self.start_cli_receive()
        top = os.path.join(self.src, 'holiday')
        os.makedirs(os.path.join(top, 'day 1', 'beach'))
        os.makedirs(os.path.join(top, 'empty'))
        paths = [make_file(top, 'notes.txt', 100),
                 make_file(os.path.join(top, 'day 1'), 'a.jpg', 20000, seed=2),
                 make_file(os.path.join(top, 'day 1', 'beach'), 'b.jpg', 30000, seed=3)]
        # A link inside a folder is not followed (nothing from elsewhere),
        # and not skipped silently: named, and the send fails.
        os.symlink('/etc/hostname', os.path.join(top, 'link'))
        result = self.cli('send', '127.0.0.1:{0}'.format(port), top)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn('holiday/link: Not sent: a symbolic link', result.stderr.decode())
        self.assertEqual(len(self.saved_paths(proc, len(paths))), len(paths))
        self.assertOnlyFiles(self.dst, ['notes.txt', 'a.jpg', 'b.jpg'])
        for path in paths:
            self.assertSameContent(path, os.path.join(self.dst, os.path.basename(path)))

    def test_sigint_stops_a_parallel_batch(self):
        # A listener that never accepts: the kernel takes the connections
        # and some data, then every sender blocks.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(('127.0.0.1', 0))
            server.listen(64)
            port = server.getsockname()[1]
            paths = [make_file(self.src, 'big{0}.bin'.format(i), 24 * 1024 * 1024, seed=i)
                     for i in range(6)]
            sender = self.start([CLI, 'send', '--parallel', '3', '127.0.0.1:{0}'.format(port)]
                                + paths, env=cli_env())
            deadline = time.monotonic() + TIMEOUT
            while len(self.connections_to(port)) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(len(self.connections_to(port)), 3)
            time.sleep(0.2)
            sender.proc.send_signal(signal.SIGINT)
            self.assertEqual(sender.wait(), 128 + signal.SIGINT)
            err = sender.text('stderr').splitlines()
            # The three that had begun say so; the three that had not, nothing.
            self.assertEqual(sorted(l.split(': ')[1] for l in err),
                             sorted(p for p in paths[:3]), err)
            for line in err:
                self.assertIn('interrupted, not sent', line)

    def connections_to(self, port):
        """Established connections to PORT on 127.0.0.1, from /proc."""
        found = []
        with open('/proc/net/tcp') as fp:
            next(fp)
            for line in fp:
                fields = line.split()
                if fields[3] == '01' and int(fields[2].rsplit(':', 1)[1], 16) == port:
                    found.append(fields[1])
        return found

    def test_receive_busy_port(self):
        first, port = self.start_cli_receive()
        result = self.cli('receive', '--port', str(port), '--bind', '127.0.0.1',
                          '--dir', self.dst, timeout=15)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(str(port).encode(), result.stderr)
        self.assertIn(b'posthouse-cli: ', result.stderr)

    def test_receive_foreign_bind_address(self):
        # 192.0.2.1 is TEST-NET-1: never an address of this computer.
        result = self.cli('receive', '--port', '0', '--bind', '192.0.2.1', '--dir', self.dst,
                          timeout=15)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(b'192.0.2.1', result.stderr)

    def test_receive_missing_folder(self):
        missing = os.path.join(self.dst, 'not-there')
        result = self.cli('receive', '--port', '0', '--dir', missing, timeout=15)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(b'not-there', result.stderr)
        self.assertFalse(os.path.exists(missing))

    def test_send_progress_on_terminal(self):
        proc, port = self.start_cli_receive('--once')
        path = make_file(self.src, 'progress.bin', 3 * 1024 * 1024)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 120, 0, 0))
        try:
            child = subprocess.Popen([CLI, 'send', '127.0.0.1:{0}'.format(port), path],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=slave, env=cli_env())
            os.close(slave)
            slave = -1
            output = b''
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO once the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            self.assertEqual(child.wait(TIMEOUT), 0, output)
            child.stdout.close()
        finally:
            os.close(master)
            if slave >= 0:
                os.close(slave)
        # g_format_size() puts a no-break space between number and unit.
        text = output.decode('utf-8', 'replace').replace('\xa0', ' ')
        self.assertIn('progress.bin', text)
        self.assertIn('#]', text)
        self.assertIn('100%', text)
        self.assertIn('3.1 MB', text)
        self.assertTrue(text.endswith('\n'), text)
        self.assertEqual(proc.wait(), 0)

    def test_no_progress_when_not_a_terminal(self):
        proc, port = self.start_cli_receive('--once')
        path = make_file(self.src, 'quiet.bin', 100000)
        result = self.cli('send', '127.0.0.1:{0}'.format(port), path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, b'')
        self.assertEqual(proc.wait(), 0)

    def slow_sender(self, port, name=b'big.bin', size=100 * 1024 * 1024, data=64 * 1024):
        """Announces a big file, sends a little of it and stays silent."""
        s = socket.create_connection(('127.0.0.1', port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        s.sendall(struct.pack('128sq', name, size))
        s.sendall(b'\x07' * data)
        return s

    def holds_file_in(self, proc, folder):
        """Whether the process has a file of @folder open: its part file,
        which may have no name ("FOLDER/#123 (deleted)")."""
        fds = '/proc/{0}/fd'.format(proc.proc.pid)
        for fd in os.listdir(fds):
            try:
                if os.readlink(os.path.join(fds, fd)).startswith(folder + '/'):
                    return True
            except OSError:
                pass
        return False

    def wait_holds_file(self, proc):
        deadline = time.monotonic() + TIMEOUT
        while not self.holds_file_in(proc, self.dst) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(self.holds_file_in(proc, self.dst), 'no temporary file while receiving')

    def interrupt_mid_file(self, signum, *args):
        proc, port = self.start_cli_receive(*args)
        self.slow_sender(port)
        proc.wait_line('stderr', r'Receiving .*big\.bin')
        # The data is on its way into a temporary file in the folder.
        self.wait_holds_file(proc)
        proc.proc.send_signal(signum)
        self.assertEqual(proc.wait(), 128 + signum, proc.text('stderr'))
        self.assertEqual(os.listdir(self.dst), [])
        self.assertEqual(proc.lines['stdout'], [])

    def test_sigterm_mid_file_leaves_nothing(self):
        self.interrupt_mid_file(signal.SIGTERM)

    def test_sigint_mid_file_leaves_nothing(self):
        self.interrupt_mid_file(signal.SIGINT, '--once')

    def test_killed_receiver_leftovers_are_removed(self):
        # Named part files, as on a file system without O_TMPFILE (an
        # unnamed one cannot outlive the process: tests/faults).
        proc, port = self.start_cli_receive(extra_env={'POSTHOUSE_NO_TMPFILE': '1'})
        self.slow_sender(port)
        proc.wait_line('stderr', r'Receiving .*big\.bin')
        self.wait_holds_file(proc)
        proc.proc.kill()  # no chance to clean up
        proc.wait()
        self.assertNotEqual(os.listdir(self.dst), [])
        again, _ = self.start_cli_receive()
        again.wait_line('stderr', r'Removed 1 partial file')
        self.assertEqual(os.listdir(self.dst), [])

    def test_open_file_limit_raised(self):
        proc, _ = self.start_cli_receive()
        with open('/proc/{0}/limits'.format(proc.proc.pid)) as fp:
            line = next(l for l in fp if l.startswith('Max open files'))
        soft, hard = line.split()[3:5]
        self.assertEqual(soft, hard if hard != 'unlimited' else str(1 << 20))

    def test_once_waits_past_a_broken_connection(self):
        # A connection that never delivers a header is reported, but is
        # not "the first transfer": --once keeps waiting for one.
        proc, port = self.start_cli_receive('--once')
        with socket.create_connection(('127.0.0.1', port), timeout=TIMEOUT) as s:
            s.sendall(b'garbage')
        proc.wait_line('stderr', r'posthouse-cli: .*127\.0\.0\.1')
        self.assertIsNone(proc.proc.poll())
        path = make_file(self.src, 'after.txt', 100)
        self.py_send(port, path)
        self.assertSameContent(path, self.saved_path(proc))
        self.assertEqual(proc.wait(), 0)

    def test_send_receiver_hangs_up(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(('127.0.0.1', 0))
            server.listen(1)
            port = server.getsockname()[1]
            path = make_file(self.src, 'rejected.bin', 32 * 1024 * 1024)
            sender = self.start([CLI, 'send', '127.0.0.1:{0}'.format(port), path],
                                env=cli_env())
            server.settimeout(TIMEOUT)
            conn, _ = server.accept()
            conn.recv(136)
            conn.close()
            self.assertEqual(sender.wait(), 1)
            err = sender.text('stderr')
            self.assertIn('rejected.bin', err)
            self.assertEqual(len(err.splitlines()), 1, err)

    def test_send_listener_never_accepts(self):
        # The kernel completes the handshake and buffers a small file, so
        # only the sender's own time limit can end the wait for a receipt.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(('127.0.0.1', 0))
            server.listen(1)
            port = server.getsockname()[1]
            path = make_file(self.src, 'unheard.txt', 1000)
            result = self.cli('send', '--timeout', '1',
                              '127.0.0.1:{0}'.format(port), path)
            self.assertEqual(result.returncode, 1)
            err = result.stderr.decode()
            self.assertIn('unheard.txt', err)
            self.assertIn('stopped reading for 1 second', err)

    def test_send_bad_timeout(self):
        path = make_file(self.src, 'a.txt', 10)
        result = self.cli('send', '--timeout', '-1', '127.0.0.1:1', path)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b'timeout', result.stderr)

    def test_sigterm_while_idle(self):
        proc, port = self.start_cli_receive()
        proc.proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(), 128 + signal.SIGTERM)

    def test_once_short_transfer_fails(self):
        proc, port = self.start_cli_receive('--once')
        s = self.slow_sender(port, name=b'short.bin', size=1000, data=10)
        s.close()
        self.assertEqual(proc.wait(), 1)
        self.assertIn('short.bin', proc.text('stderr'))
        self.assertEqual(proc.lines['stdout'], [])
        self.assertEqual(os.listdir(self.dst), [])

    def test_sigterm_during_send(self):
        # A receiver that reads the header and then nothing: the sender
        # blocks once the socket buffers are full.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(('127.0.0.1', 0))
            server.listen(1)
            port = server.getsockname()[1]
            path = make_file(self.src, 'big.bin', 64 * 1024 * 1024)
            sender = self.start([CLI, 'send', '127.0.0.1:{0}'.format(port), path],
                                env=cli_env())
            server.settimeout(TIMEOUT)
            conn, _ = server.accept()
            self.addCleanup(conn.close)
            conn.recv(136)
            time.sleep(0.3)
            sender.proc.send_signal(signal.SIGTERM)
            self.assertEqual(sender.wait(), 128 + signal.SIGTERM)
            self.assertIn('big.bin', sender.text('stderr'))


if __name__ == '__main__':
    unittest.main(verbosity=2)
