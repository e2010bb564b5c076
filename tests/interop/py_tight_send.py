#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The original Python sender run in a tight loop, as a script that
# sends a folder would: one connection per file, the header and the
# data in 1024-byte writes, close, and at once the next file. It never
# reads anything, so a receiver that refuses loses the file without the
# sender noticing: only the receiving side can tell what arrived.
#
#   py_tight_send.py HOST PORT COUNT SIZE [--source ADDR] [--prefix STR]
#                    [--header-only] [--keep SECONDS]
#
# File i is named PREFIX + "%05d.bin" % i and holds tight_content(i,
# SIZE, PREFIX), which the tests recompute to check what arrived.
# --source sends from that local address (127.0.0.2, ...: another
# computer, as the receiver sees it). --header-only sends only the
# header of each file and keeps every connection open for --keep
# seconds (a peer that merely holds places). Prints "sent N" and exits 0
# when every connection went through; a connection that fails is named
# on stderr and counted, and the exit status is 1.

import argparse
import hashlib
import socket
import struct
import sys
import time


def tight_content(index, size, prefix=''):
    block = hashlib.sha256('{0}{1}'.format(prefix, index).encode()).digest() * 32
    return (block * (size // len(block) + 1))[:size]


def connect(host, port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if source:
        s.bind((source, 0))
    s.connect((host, port))
    return s


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('count', type=int)
    parser.add_argument('size', type=int)
    parser.add_argument('--source', default=None)
    parser.add_argument('--prefix', default='')
    parser.add_argument('--header-only', action='store_true')
    parser.add_argument('--keep', type=float, default=0)
    args = parser.parse_args()

    failed = 0
    held = []
    for i in range(args.count):
        name = '{0}{1:05d}.bin'.format(args.prefix, i).encode('utf-8')
        data = tight_content(i, args.size, args.prefix)
        try:
            s = connect(args.host, args.port, args.source)
            s.sendall(struct.pack(b'128sq', name, len(data)))
            if args.header_only:
                held.append(s)
                continue
            for at in range(0, len(data), 1024):
                s.sendall(data[at:at + 1024])
            s.close()
        except OSError as error:
            print('{0}: {1}'.format(name.decode(), error), file=sys.stderr)
            failed += 1
    if held:
        time.sleep(args.keep)
        for s in held:
            s.close()
    print('sent {0}'.format(args.count - failed), flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
