#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Pairing between two computers: network namespaces joined by a veth
# pair, each with a user of its own (its own key and list of devices).
# posthouse-cli pair on one, posthouse-cli receive on the other, each on
# a terminal of its own (a pty) where a person reads the six digits and
# answers. Both screens show the same number; both say yes: each
# remembers the other as paired, the receiver with --only-paired then
# takes the pairer's files, and another key under the pairer's name is
# turned away at once, told to pair again. One says no: neither is paired, and
# --only-paired turns the files away. Needs root (namespaces); skips
# with a message otherwise.
#
#   POSTHOUSE_CLI=path/to/posthouse-cli test_pairing_netns.py

import os
import pty
import re
import select
import shutil
import subprocess
import tempfile
import time
import unittest

CLI = os.environ.get('POSTHOUSE_CLI', '')
TIMEOUT = 60
PAIR_ADDR, RECV_ADDR = '10.204.0.1', '10.204.0.2'
PORT = 6666
QUESTION = re.compile(r'Does .* show (\d{3} \d{3})\? \[y/N\]')


def run(*argv, check=True):
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError('{0}: {1}'.format(' '.join(map(str, argv)), result.stderr.strip()))
    return result


class Terminal:
    """A program in a namespace on a terminal of its own: what it says on
    the terminal is read back, answers are typed into it."""

    def __init__(self, ns, argv, env):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(['ip', 'netns', 'exec', ns] + argv, stdin=slave,
                                     stdout=subprocess.PIPE, stderr=slave, env=env,
                                     close_fds=True)
        os.close(slave)
        self.text = ''

    def _read(self, timeout):
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 4096)
        except OSError:     # the program ended: its terminal is gone
            return None
        if not data:
            return None
        self.text += data.decode('utf-8', 'replace')
        return True

    def wait_for(self, regex, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            m = regex.search(self.text)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0 or self._read(min(left, 0.2)) is None:
                raise AssertionError('no {0!r} on the terminal; it says {1!r}'.format(regex.pattern, self.text))

    def type(self, line):
        os.write(self.master, (line + '\n').encode())

    def finish(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        while self._read(0.05):
            pass
        return self.proc.wait(max(deadline - time.monotonic(), 0.1))

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.master is not None:
            self.proc.stdout.close()
            os.close(self.master)
            self.master = None


class PairingNetns(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest('needs root for network namespaces')
        if shutil.which('ip') is None:
            raise unittest.SkipTest('needs iproute2 (ip)')
        pid = os.getpid()
        cls.pair_ns, cls.recv_ns = 'phpr-a-{0}'.format(pid), 'phpr-b-{0}'.format(pid)
        pair_if, recv_if = 'phpra{0}'.format(pid), 'phprb{0}'.format(pid)
        try:
            run('ip', 'netns', 'add', cls.pair_ns)
            run('ip', 'netns', 'add', cls.recv_ns)
            run('ip', 'link', 'add', pair_if, 'type', 'veth', 'peer', 'name', recv_if)
            for ns, dev, addr in ((cls.pair_ns, pair_if, PAIR_ADDR), (cls.recv_ns, recv_if, RECV_ADDR)):
                run('ip', 'link', 'set', dev, 'netns', ns)
                run('ip', '-n', ns, 'addr', 'add', addr + '/24', 'dev', dev)
                run('ip', '-n', ns, 'link', 'set', dev, 'up')
                run('ip', '-n', ns, 'link', 'set', 'lo', 'up')
        except RuntimeError as e:
            cls.tearDownClass()
            raise unittest.SkipTest('cannot make network namespaces here: {0}'.format(e))

    @classmethod
    def tearDownClass(cls):
        for ns in (getattr(cls, 'pair_ns', None), getattr(cls, 'recv_ns', None)):
            if ns:
                run('ip', 'netns', 'del', ns, check=False)

    def setUp(self):
        if not CLI or not os.access(CLI, os.X_OK):
            self.fail('POSTHOUSE_CLI must point at the built posthouse-cli')
        self.root = tempfile.mkdtemp(prefix='posthouse-pair-netns-')
        self.addCleanup(shutil.rmtree, self.root, True)
        self.alice = self.user('alice')     # pairs, then sends
        self.bob = self.user('bob')         # receives
        self.inbox = os.path.join(self.root, 'inbox')
        os.makedirs(self.inbox)

    def user(self, name):
        home = os.path.join(self.root, name)
        os.makedirs(home)
        env = dict(os.environ, HOME=home, LC_ALL='C.UTF-8', LANGUAGE='',
                   XDG_DATA_HOME=os.path.join(home, 'data'),
                   XDG_CONFIG_HOME=os.path.join(home, 'config'),
                   XDG_CACHE_HOME=os.path.join(home, 'cache'))
        return env

    def cli(self, ns, env, *args):
        return subprocess.run(['ip', 'netns', 'exec', ns, CLI] + list(args), env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)

    def state_of(self, ns, env):
        """What `devices` says of the one other device: paired or not."""
        listing = self.cli(ns, env, 'devices')
        self.assertEqual(listing.returncode, 0, listing.stderr)
        return listing.stdout

    def receiver(self, *options):
        term = Terminal(self.recv_ns, [CLI, 'receive', '--port', str(PORT), '--no-announce',
                                       '--dir', self.inbox] + list(options), self.bob)
        self.addCleanup(term.close)
        term.wait_for(re.compile(r'Listening on'))
        return term

    def pair(self, alice_says, bob_says):
        receiver = self.receiver()
        pairer = Terminal(self.pair_ns, [CLI, 'pair', '{0}:{1}'.format(RECV_ADDR, PORT)], self.alice)
        self.addCleanup(pairer.close)

        # Both screens show six digits: the same six.
        alice_code = pairer.wait_for(QUESTION).group(1)
        bob_code = receiver.wait_for(QUESTION).group(1)
        self.assertEqual(alice_code, bob_code)
        # Each side knows the other by the key it proved, from across the link.
        self.assertIn(RECV_ADDR, pairer.text)
        self.assertIn(PAIR_ADDR, receiver.text)

        receiver.type(bob_says)
        pairer.type(alice_says)
        status = pairer.finish()
        receiver.close()
        return status, pairer.text

    def send(self, name, user=None, options=()):
        path = os.path.join(self.root, name)
        with open(path, 'wb') as fp:
            fp.write(os.urandom(20000))
        return self.cli(self.pair_ns, user or self.alice, 'send', *options,
                        '{0}:{1}'.format(RECV_ADDR, PORT), path)

    def only_paired_receives(self, name):
        receiver = self.receiver('--only-paired')
        result = self.send(name)
        receiver.close()
        return result

    def test_both_confirm(self):
        status, said = self.pair('y', 'y')
        self.assertEqual(status, 0, said)
        self.assertIn('Paired with', said)
        self.assertRegex(self.state_of(self.pair_ns, self.alice), r'\tpaired\t.*\t{0}\n'.format(re.escape(RECV_ADDR)))
        self.assertRegex(self.state_of(self.recv_ns, self.bob), r'\tpaired\t.*\t{0}\n'.format(re.escape(PAIR_ADDR)))

        # Paired: a receiver that takes only paired devices takes its files.
        result = self.only_paired_receives('after-pairing.bin')
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('encrypted', result.stderr)
        self.assertEqual(os.listdir(self.inbox), ['after-pairing.bin'])

        # Another key under the paired device's name (another user of that
        # computer, or a reinstall): turned away at once, told to pair again.
        receiver = self.receiver()
        started = time.monotonic()
        result = self.send('new-key.bin', user=self.user('mallory'), options=['--require-encryption'])
        receiver.close()
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertIn('pair again', result.stderr)
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual(os.listdir(self.inbox), ['after-pairing.bin'])

    def check_not_paired(self, status, said):
        self.assertNotEqual(status, 0, said)
        for ns, env in ((self.pair_ns, self.alice), (self.recv_ns, self.bob)):
            listing = self.state_of(ns, env)
            self.assertRegex(listing, r'\tknown\t', listing)
            self.assertNotIn('\tpaired\t', listing)
        result = self.only_paired_receives('refused.bin')
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertEqual(os.listdir(self.inbox), [])

    def test_receiver_declines(self):
        self.check_not_paired(*self.pair('y', 'n'))

    def test_pairer_declines(self):
        self.check_not_paired(*self.pair('n', 'y'))


if __name__ == '__main__':
    unittest.main(verbosity=2)
