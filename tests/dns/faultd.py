#!/usr/bin/env python3
# faultd.py - a scripted DNS responder for heloval's tests (Python 3 stdlib
# only), on 127.0.0.1, UDP and TCP on the same port. It logs every query it
# receives ("udp|tcp QTYPE QNAME" per line) so tests can count what was sent.
# Behaviour by the labels of the name (after a leading _client._smtp.):
#   silent   never answers            servfail  SERVFAIL
#   refused  REFUSED                  flaky     SERVFAIL the first time only
#   tc       over UDP: TC=1, no records; over TCP: the full answer
#   auth     a positive answer (see below); flaky and tc answer the same
#   big      TXT: 30 junk strings and "MARID,1,B" (> 512 bytes: TC on UDP)
# Positive answers: SRV "1 2 0 <name>." with the A 10.5.5.5 of the target in
# the additional section (with the label noglue: target t.servfail.<name>,
# whose A query fails, and no additional section); A 10.5.5.5; TXT "MARID,1,B". Every other name:
# NXDOMAIN with the SOA of "ex" (a TLD) in the authority section.
# SRV rdata of exactly 6 bytes (no target), as tests/dns/zones/short6.zone
# has them: _client._smtp.short6.<...> "1 1 0", _client._smtp.short6x.<...>
# "1 0 1" (Explicit); other names below short6x are NODATA, so that the
# parent search reaches short6x.
# Usage: faultd.py --log FILE --portfile FILE [--port N]
import argparse
import os
import socket
import struct
import sys
import threading

from dnswire import name_wire, parse_query, serve_tcp

LOCK = threading.Lock()
SEEN = {}


def rr(name, rtype, ttl, rdata):
    return name_wire(name) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def txt(*strings):
    out = b""
    for s in strings:
        b = s.encode()
        out += bytes([len(b)]) + b
    return out


def short6(qid, flags, question, qname, qtype, lname, first):
    """The 6-byte SRV records of short6.zone; NODATA for the rest."""
    an, ns = [], []
    if qtype == 33 and lname.startswith("_client._smtp.") and first in ("short6", "short6x"):
        an.append(rr(qname, 33, 300, struct.pack("!HHH", 1, 1, 0) if first == "short6"
                     else struct.pack("!HHH", 1, 0, 1)))
    else:
        ns.append(rr("fault.ex", 6, 300, name_wire("ns.ex") + name_wire("root.ex") +
                     struct.pack("!IIIII", 1, 3600, 600, 86400, 300)))
    head = struct.pack("!HHHHHH", qid, 0x8000 | (flags & 0x7900) | 0x0400, 1,
                       len(an), len(ns), 0)
    return head + question + b"".join(an + ns)


def answer(data, proto):
    q = parse_query(data)
    if q is None:
        return None
    qid, flags, labels, qtype, question = q
    qname = ".".join(labels)
    lname = qname.lower()
    with LOCK:
        SEEN[(lname, qtype)] = SEEN.get((lname, qtype), 0) + 1
        count = SEEN[(lname, qtype)]
        with open(ARGS.log, "a") as f:
            f.write("%s %d %s\n" % (proto, qtype, lname))
    base = lname[len("_client._smtp."):] if lname.startswith("_client._smtp.") else lname
    toks = set(base.split("."))
    rcode, tc = 0, False
    an, ns, ar = [], [], []
    positive = bool(toks & {"auth", "flaky", "tc", "big"})
    if "silent" in toks:
        return None
    first = base.split(".")[0]
    if first in ("short6", "short6x") or "short6x" in toks:
        return short6(qid, flags, question, qname, qtype, lname, first)
    if "servfail" in toks or ("flaky" in toks and count == 1):
        rcode, positive = 2, False
    elif "refused" in toks:
        rcode, positive = 5, False
    elif "tc" in toks and proto == "udp":
        tc, positive = True, False
    if positive:
        if qtype == 33 and lname.startswith("_client._smtp.") and "noglue" in toks:
            target = "t.servfail." + base
            an.append(rr(qname, 33, 300, struct.pack("!HHH", 1, 2, 0) + name_wire(target)))
        elif qtype == 33 and lname.startswith("_client._smtp."):
            an.append(rr(qname, 33, 300, struct.pack("!HHH", 1, 2, 0) + name_wire(base)))
            ar.append(rr(base, 1, 300, socket.inet_aton("10.5.5.5")))
        elif qtype == 1:
            an.append(rr(qname, 1, 300, socket.inet_aton("10.5.5.5")))
        elif qtype == 16 and "big" in toks:
            for i in range(30):
                an.append(rr(qname, 16, 300, txt("junk record number %02d padding padding padding" % i)))
            an.append(rr(qname, 16, 300, txt("MARID,1,B")))
        elif qtype == 16:
            an.append(rr(qname, 16, 300, txt("MARID,1,B")))
        if not an:
            ns.append(rr("ex", 6, 300, name_wire("ns.ex") + name_wire("root.ex") +
                         struct.pack("!IIIII", 1, 3600, 600, 86400, 300)))
        if proto == "udp" and sum(map(len, an + ar)) + len(question) + 12 > 512:
            an, ar, tc = [], [], True
    elif rcode == 0 and not tc:
        rcode = 3
        ns.append(rr("ex", 6, 300, name_wire("ns.ex") + name_wire("root.ex") +
                     struct.pack("!IIIII", 1, 3600, 600, 86400, 300)))
    rflags = 0x8000 | (flags & 0x7900) | 0x0400 | (0x0200 if tc else 0) | rcode
    head = struct.pack("!HHHHHH", qid, rflags, 1, len(an), len(ns), len(ar))
    return head + question + b"".join(an + ns + ar)


def udp_loop(sock):
    while True:
        data, addr = sock.recvfrom(4096)
        out = answer(data, "udp")
        if out is not None:
            sock.sendto(out, addr)


def tcp_conn(conn):
    try:
        while True:
            hdr = conn.recv(2)
            if len(hdr) < 2:
                return
            n = struct.unpack("!H", hdr)[0]
            data = b""
            while len(data) < n:
                chunk = conn.recv(n - len(data))
                if not chunk:
                    return
                data += chunk
            out = answer(data, "tcp")
            if out is not None:
                conn.sendall(struct.pack("!H", len(out)) + out)
    finally:
        conn.close()


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--log", required=True)
    p.add_argument("--portfile", required=True)
    p.add_argument("--port", type=int, default=0)
    ARGS = p.parse_args()
    for _ in range(50):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", ARGS.port))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            t.bind(("127.0.0.1", port))
            break
        except OSError:
            u.close()
            t.close()
    else:
        sys.exit("faultd: no free port")
    t.listen(64)
    open(ARGS.log, "a").close()
    threading.Thread(target=serve_tcp, args=(t, tcp_conn), daemon=True).start()
    tmp = ARGS.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, ARGS.portfile)
    udp_loop(u)


if __name__ == "__main__":
    main()
