#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A sender that behaves like the original Python client of the article:
# one TCP connection, a struct.pack('128sq', name, size) header, the
# file in 1024-byte writes, then close without waiting for anything.
# Several paths are sent one after the other, each on its own
# connection, as running the original once per file would (without
# starting Python again each time).
#
#   py_send.py HOST PORT PATH...

import os
import socket
import struct
import sys


def send(host, port, path):
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    try:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.connect((host, port))
    except socket.error as msg:
        print(msg, file=sys.stderr)
        return 1

    # struct itself cuts a name longer than 128 bytes, even inside a
    # UTF-8 sequence: that is the wire format we must accept.
    name = os.path.basename(path).encode('utf-8')
    header = struct.pack(b'128sq', name, os.stat(path).st_size)
    s.sendall(header)

    with open(path, 'rb') as fp:
        while True:
            data = fp.read(1024)
            if not data:
                break
            s.sendall(data)
    s.close()
    return 0


def main():
    if len(sys.argv) < 4:
        print('usage: py_send.py HOST PORT PATH...', file=sys.stderr)
        return 2
    host, port = sys.argv[1], int(sys.argv[2])
    for path in sys.argv[3:]:
        if send(host, port, path) != 0:
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
