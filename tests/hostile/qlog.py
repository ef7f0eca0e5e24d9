#!/usr/bin/env python3
# qlog.py - a DNS responder on 127.0.0.1 that writes every question it gets
# to a log (one "QNAME QTYPE" per line, bytes outside [A-Za-z0-9_-] as \DDD)
# and answers NXDOMAIN. tests/hostile.test.sh points `heloval resolve
# --dns-server` at it to prove that invalid HELOs never reach DNS.
#
#   python3 tests/hostile/qlog.py --log FILE --portfile FILE
import argparse
import socket
import struct

ap = argparse.ArgumentParser()
ap.add_argument("--log", required=True)
ap.add_argument("--portfile", required=True)
a = ap.parse_args()

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
log = open(a.log, "a", buffering=1)
with open(a.portfile + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
import os
os.rename(a.portfile + ".tmp", a.portfile)


def label_text(b):
    return "".join(chr(c) if (chr(c).isalnum() and c < 128) or c in b"-_" else "\\%03d" % c
                   for c in b)


while True:
    pkt, peer = s.recvfrom(4096)
    if len(pkt) < 12:
        continue
    qid, flags, qd = struct.unpack("!HHH", pkt[:6])
    i, labels = 12, []
    try:
        while pkt[i] != 0:
            n = pkt[i]
            labels.append(pkt[i + 1:i + 1 + n])
            i += 1 + n
        i += 1
        qtype = struct.unpack("!H", pkt[i:i + 2])[0]
        question = pkt[12:i + 4]
    except (IndexError, struct.error):
        continue
    log.write("%s %d\n" % (".".join(label_text(l) for l in labels) + ".", qtype))
    rflags = 0x8000 | (flags & 0x0100) | 0x0080 | 3   # QR, RD copied, RA, NXDOMAIN
    s.sendto(struct.pack("!HHHHHH", qid, rflags, 1, 0, 0, 0) + question, peer)
