#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A receiver that behaves like the original Python server of the
# article: one connection, a 136-byte struct.pack('128sq') header whose
# name is decoded strictly and stripped of NULs at both ends, the data
# saved as new_<name>, then exit. Unlike the original, the header and
# the data are read in a loop until complete, so that a short recv()
# cannot corrupt a test.
#
#   py_receive.py PORT FOLDER [BIND]
#
# Prints the port it listens on (useful with PORT 0) as the first line
# on stdout, then "saved PATH" once the file is complete.

import os
import socket
import struct
import sys

HEADER = struct.calcsize('128sq')


def recv_exactly(sock, n):
    buf = b''
    while len(buf) < n:
        data = sock.recv(n - len(buf))
        if not data:
            break
        buf += data
    return buf


def main():
    if len(sys.argv) not in (3, 4):
        print('usage: py_receive.py PORT FOLDER [BIND]', file=sys.stderr)
        return 2
    port, folder = int(sys.argv[1]), sys.argv[2]
    bind = sys.argv[3] if len(sys.argv) == 4 else '127.0.0.1'

    family = socket.AF_INET6 if ':' in bind else socket.AF_INET
    try:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((bind, port))
        s.listen(10)
    except socket.error as msg:
        print(msg, file=sys.stderr)
        return 1

    print(s.getsockname()[1], flush=True)
    print('Wait', file=sys.stderr, flush=True)

    sock, addr = s.accept()
    print('Accept connection from {0}'.format(addr), file=sys.stderr, flush=True)

    buf = recv_exactly(sock, HEADER)
    if len(buf) != HEADER:
        print('short header: {0} bytes'.format(len(buf)), file=sys.stderr)
        return 1
    filename, filesize = struct.unpack('128sq', buf)
    # Strict on purpose, as the original: a name cut inside a UTF-8
    # sequence raises UnicodeDecodeError here.
    fn = filename.decode().strip('\x00')
    new_filename = os.path.join(folder, 'new_' + fn)

    recvd_size = 0
    with open(new_filename, 'wb') as fp:
        while recvd_size < filesize:
            data = sock.recv(min(1024, filesize - recvd_size))
            if not data:
                break
            recvd_size += len(data)
            fp.write(data)
    sock.close()
    s.close()

    if recvd_size != filesize:
        print('short data: {0} of {1} bytes'.format(recvd_size, filesize), file=sys.stderr)
        return 1
    print('saved {0}'.format(new_filename), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
