#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Nothing lost (SPEC, Admission): the original sender in a tight loop,
# one connection per file and never reading an answer, into
# `posthouse-cli receive`. A refusal would be a file lost without a
# word, so only what arrived tells: every file, whole, and not one
# failure on the receiver's stderr.
#
#   POSTHOUSE_CLI=path/to/posthouse-cli test_admission.py

import hashlib
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_interop import InteropTestCase, PYTHON, HERE  # noqa: E402
from py_tight_send import tight_content  # noqa: E402

TIGHT_SEND = os.path.join(HERE, 'py_tight_send.py')
SIZE = 2048
# Bounds that turn a hang into a failure; a run takes a few seconds.
DEADLINE = 90


class TightSenders(InteropTestCase):

    def tight_send(self, port, count, prefix, source=None):
        argv = [PYTHON, TIGHT_SEND, '127.0.0.1', str(port), str(count), str(SIZE),
                '--prefix', prefix]
        if source:
            argv += ['--source', source]
        return self.start(argv)

    def wait_saved(self, proc, n):
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            with proc.cond:
                saved = sum(1 for l in proc.lines['stdout'] if l.startswith('saved '))
            if saved >= n:
                return saved
            time.sleep(0.05)
        self.fail('{0} of {1} files saved; stderr: {2}'.format(
            saved, n, proc.text('stderr')[-2000:]))

    def assert_all_arrived(self, receiver, senders):
        total = sum(count for _, count, _ in senders)
        for sender, count, _ in senders:
            self.assertEqual(sender.wait(DEADLINE), 0, sender.text('stderr'))
            sender.wait_line('stdout', r'^sent {0}$'.format(count))
        self.wait_saved(receiver, total)
        names = set(os.listdir(self.dst))
        self.assertEqual(len(names), total)
        for _, count, prefix in senders:
            for i in range(count):
                name = '{0}{1:05d}.bin'.format(prefix, i)
                self.assertIn(name, names)
                with open(os.path.join(self.dst, name), 'rb') as fp:
                    self.assertTrue(fp.read() == tight_content(i, SIZE, prefix),
                                    '{0} differs'.format(name))
        # Not one refusal or failure: only the "Receiving" lines.
        errors = [l for l in receiver.text('stderr').splitlines()
                  if not l.startswith('Receiving ') and not l.startswith('Listening ')
                  and 'announce' not in l.lower() and not l.startswith('Encrypted ')]
        self.assertEqual(errors, [])
        self.assertNothingPartial(self.dst)

    def test_tight_sender_2000(self):
        receiver, port = self.start_cli_receive('--no-announce')
        start = time.monotonic()
        sender = self.tight_send(port, 2000, 'one-')
        self.assert_all_arrived(receiver, [(sender, 2000, 'one-')])
        print('2000 x 2 KiB from one tight sender: {0:.2f} s'.format(time.monotonic() - start),
              file=sys.stderr)

    def test_four_tight_senders(self):
        receiver, port = self.start_cli_receive('--no-announce')
        start = time.monotonic()
        senders = []
        for host in range(2, 6):
            prefix = 'from-{0}-'.format(host)
            senders.append((self.tight_send(port, 500, prefix, '127.0.0.{0}'.format(host)),
                            500, prefix))
        self.assert_all_arrived(receiver, senders)
        print('4 x 500 x 2 KiB from 127.0.0.2-5 at once: {0:.2f} s'.format(time.monotonic() - start),
              file=sys.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
