# SPDX-License-Identifier: MIT
"""dnswire - the DNS wire helpers shared by the test responders faultd.py and
chaosd.py (Python stdlib only; the responders import it from their own
directory)."""
import struct
import threading


def parse_query(data):
    """(id, flags, labels, qtype, question bytes) of a one-question query,
    or None when it is not one."""
    if len(data) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", data[:6])
    if qd != 1:
        return None
    pos, labels = 12, []
    while True:
        if pos >= len(data):
            return None
        n = data[pos]
        pos += 1
        if n == 0:
            break
        if n & 0xC0 or pos + n > len(data):
            return None
        labels.append(data[pos:pos + n].decode("latin-1"))
        pos += n
    if pos + 4 > len(data):
        return None
    qtype, qclass = struct.unpack("!HH", data[pos:pos + 4])
    return qid, flags, labels, qtype, data[12:pos + 4]


def name_wire(name):
    """A presentation-form name as uncompressed wire labels."""
    out = b""
    for label in name.strip(".").split("."):
        if label:
            b = label.encode("latin-1")
            out += bytes([len(b)]) + b
    return out + b"\0"


def serve_tcp(sock, handle):
    """Accept connections on sock for ever, each handled by handle(conn) in
    a daemon thread of its own."""
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()
