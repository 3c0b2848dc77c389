#!/usr/bin/env python3
"""A subscriber that reads everything and acknowledges nothing (issue 9's stuck client).

    python3 bench/stuck_sub.py PORT [FILTER]        (runs until killed)

It subscribes at QoS 1 to FILTER (default '#'), reads its socket as fast as the broker writes
and never sends PUBACK, so the broker's in-flight window to it fills and stays full.
"""

import socket
import struct
import sys


def string(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def packet(first, body):
    n, length = len(body), bytearray()
    while True:
        byte, n = n % 128, n // 128
        length.append(byte | (0x80 if n else 0))
        if not n:
            break
    return bytes([first]) + bytes(length) + body


port = int(sys.argv[1])
topic_filter = sys.argv[2] if len(sys.argv) > 2 else "#"
s = socket.create_connection(("127.0.0.1", port))
s.sendall(packet(0x10, string("MQTT") + bytes([4, 2]) + struct.pack("!H", 600) + string("stuck")))
s.sendall(packet(0x82, struct.pack("!H", 1) + string(topic_filter) + bytes([1])))
while s.recv(65536):
    pass
