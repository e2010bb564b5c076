#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A deliberately slow receiver, so a screenshot can catch a transfer in
# flight. Reads the header, then drips the data. Loopback only.
#   slow-receiver.py PORT
import socket
import sys
import threading
import time


def serve(conn):
    with conn:
        while True:
            data = conn.recv(64 * 1024)
            if not data:
                return
            time.sleep(0.05)


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', int(sys.argv[1])))
    srv.listen(8)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


main()
