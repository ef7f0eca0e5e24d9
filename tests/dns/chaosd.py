#!/usr/bin/env python3
# chaosd.py - a hostile scripted DNS responder for heloval's fault tests
# (tests/dnsfault.test.sh; Python 3 stdlib only), on 127.0.0.1, UDP and TCP
# on the same port. It logs every query it receives, one line each:
#   "udp|tcp QTYPE QNAME ACTION"   (ACTION: what it did, e.g. answer, drop)
# The behaviour is chosen by the labels of the name (after a leading
# _client._smtp.); names under any zone work, the tests use chaos.ex.
# Malformed answers (UDP):
#   garbage   random bytes (seeded)        junktail  header+question, junk
#   overcount ANCOUNT 5, one RR present    truncrr   the only RR cut short
#   badrdlen  RDLENGTH past the message    shortrd   SRV RDLENGTH 4 (framed)
#   noqr      the right answer with QR=0
# Compression loops:
#   loop      answer owner points at itself
#   loopa     owner "a" + pointer back to its own start (a.a.a...)
#   fwdloop   owner points forward at a pointer that points back
#   qloop     the question name in the answer points at itself
#   rdloop    SRV target points at itself (framing sound)
# Wrong IDs:
#   wrongid   answer only with another ID
#   wrongthen a poison answer (SRV 1 0 0: "not authorized") with another ID,
#             then the right answer
#   wrongq    a poison answer with the right ID but another question, then
#             the right answer
# Big answers:
#   huge      300 SRV records: 299 of priority 10 (unusable), the last
#             "1 2 0 <name>" (+ its A 10.5.5.5): TC over UDP, full over TCP
#   hugew0    the same, the last one "1 0 0 <name>" (not authorized)
#   toomany   600 SRV records of priority 10 plus the good one last
#   bigudp    the huge answer over UDP without TC (> 512 bytes)
# Truncation with a broken TCP side (UDP: TC=1, no records):
#   tcclose   TCP: close after reading the query
#   tcrst     TCP: reset the connection (SO_LINGER 0)
#   tcgarbage TCP: length-prefixed random bytes
#   tcshort   TCP: length 400, 20 bytes, close
#   tcstall   TCP: never answer (keeps reading)
#   tctc      TCP: TC=1 again, no records
#   tcok      TCP: the full answer (the control)
#   tcone     TCP: the full answer, then a graceful close (FIN; queries
#             pipelined behind it are read and ignored): a server allowing
#             one query per connection
# Loss:
#   lossy     each query dropped with probability --drop (default 0.3),
#             from a random.Random(--seed) sequence
# Positive answers (auth, lossy, the wrong* modes, tc*, big ones): SRV
# "1 2 0 <name>." with A 10.5.5.5 of the target in the additional section;
# A 10.5.5.5; TXT "MARID,1,B". Every other name: NXDOMAIN with the SOA of
# "ex" (a TLD) in the authority section.
# --no-tcp: no TCP listener (a truncated answer's TCP retry is refused).
# Usage: chaosd.py --log FILE --portfile FILE [--port N] [--seed N]
#                  [--drop P] [--no-tcp]
import argparse
import os
import random
import socket
import struct
import sys
import threading

from dnswire import name_wire, parse_query, serve_tcp

LOCK = threading.Lock()
RNG = random.Random(1)
ARGS = None


# A pointer to the question name (always at offset 12 in our answers).
QPTR = b"\xc0\x0c"


def rr(owner, rtype, ttl, rdata):
    """owner: wire bytes (a name or a pointer)."""
    return owner + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def srv(prio, weight, port, target):
    return struct.pack("!HHH", prio, weight, port) + name_wire(target)


SOA = rr(name_wire("ex"), 6, 300, name_wire("ns.ex") + name_wire("root.ex") +
         struct.pack("!IIIII", 1, 3600, 600, 86400, 300))


def header(qid, flags, rcode, qd, an, ns, ar, tc=False, qr=True):
    f = (0x8000 if qr else 0) | (flags & 0x7900) | 0x0400 | \
        (0x0200 if tc else 0) | rcode
    return struct.pack("!HHHHHH", qid, f, qd, an, ns, ar)


def log(proto, qtype, lname, action):
    with LOCK:
        with open(ARGS.log, "a") as f:
            f.write("%s %d %s %s\n" % (proto, qtype, lname, action))


def rand_bytes(lo, hi):
    with LOCK:
        n = RNG.randint(lo, hi)
        return bytes(RNG.getrandbits(8) for _ in range(n))


def big_srv_set(base, qtype, nbad, last_weight):
    """nbad unusable SRV records then the deciding one, owners compressed."""
    an = []
    for i in range(nbad):
        an.append(rr(QPTR, 33, 300, srv(10, 2, 0, "x%d.%s" % (i, base))))
    an.append(rr(QPTR, 33, 300, srv(1, last_weight, 0, base)))
    ar = [rr(name_wire(base), 1, 300, socket.inet_aton("10.5.5.5"))]
    return an, ar


def positive(qname, base, qtype, is_srv):
    """Answer and additional records of a normal positive answer."""
    if qtype == 33 and is_srv:
        return ([rr(QPTR, 33, 300, srv(1, 2, 0, base))],
                [rr(name_wire(base), 1, 300, socket.inet_aton("10.5.5.5"))])
    if qtype == 1:
        return [rr(QPTR, 1, 300, socket.inet_aton("10.5.5.5"))], []
    if qtype == 16:
        return [rr(QPTR, 16, 300, b"\x09MARID,1,B")], []
    return [], []


MODES_TC = {"tcclose", "tcrst", "tcgarbage", "tcshort", "tcstall", "tctc",
            "tcok", "tcone"}
POSITIVE = {"auth", "lossy", "wrongid", "wrongthen", "wrongq", "noqr",
            "huge", "hugew0", "toomany", "bigudp"} | MODES_TC


def respond(data, proto):
    """A list of actions: bytes to send, or the strings "close"/"reset"/"fin".
    Empty: say nothing."""
    q = parse_query(data)
    if q is None:
        return []
    qid, flags, labels, qtype, question = q
    qname = ".".join(labels)
    lname = qname.lower()
    is_srv = lname.startswith("_client._smtp.")
    base = lname[len("_client._smtp."):] if is_srv else lname
    toks = set(base.split("."))

    def msg(an=(), ns=(), ar=(), rcode=0, tc=False, qr=True, q=question,
            rid=qid):
        return header(rid, flags, rcode, 1, len(an), len(ns), len(ar), tc,
                      qr) + q + b"".join(an) + b"".join(ns) + b"".join(ar)

    def act(action, out):
        log(proto, qtype, lname, action)
        return out

    # ---- loss ----
    if "lossy" in toks and proto == "udp":
        with LOCK:
            lost = RNG.random() < ARGS.drop
        if lost:
            return act("drop", [])
    # ---- malformed ----
    if "garbage" in toks:
        return act("garbage", [rand_bytes(1, 300)])
    if "junktail" in toks:
        return act("junktail", [header(qid, flags, 0, 1, 1, 0, 0) + question +
                                rand_bytes(11, 40)])
    if "overcount" in toks and qtype == 33:
        an, ar = positive(qname, base, qtype, is_srv)
        return act("overcount", [header(qid, flags, 0, 1, 5, 0, 0) +
                                 question + an[0]])
    if "truncrr" in toks and qtype == 33:
        an, ar = positive(qname, base, qtype, is_srv)
        return act("truncrr", [msg(an)[:-5]])
    if "badrdlen" in toks and qtype == 33:
        rdata = srv(1, 2, 0, base)
        bad = QPTR + struct.pack("!HHIH", 33, 1, 300, len(rdata) + 40) + rdata
        return act("badrdlen", [msg([bad])])
    if "shortrd" in toks and qtype == 33:
        rdata = srv(1, 2, 0, base)
        short = QPTR + struct.pack("!HHIH", 33, 1, 300, 4) + rdata
        return act("shortrd", [msg([short])])
    if "noqr" in toks:
        an, ar = positive(qname, base, qtype, is_srv)
        return act("noqr", [msg(an, ar=ar, qr=False)])
    # ---- compression loops ----
    off = 12 + len(question)  # where the first answer RR starts
    rest = struct.pack("!HHIH", 33, 1, 300, 0)
    if "loop" in toks and qtype == 33:
        own = struct.pack("!H", 0xC000 | off)
        return act("loop", [msg([own + rest])])
    if "loopa" in toks and qtype == 33:
        own = b"\x01a" + struct.pack("!H", 0xC000 | off)
        return act("loopa", [msg([own + rest])])
    if "fwdloop" in toks and qtype == 33:
        # RR 1 owner -> RR 2 owner (ahead) -> RR 1 owner
        own1 = struct.pack("!H", 0xC000 | (off + 12))
        own2 = struct.pack("!H", 0xC000 | off)
        return act("fwdloop", [msg([own1 + rest, own2 + rest])])
    if "qloop" in toks:
        qself = struct.pack("!H", 0xC000 | 12) + question[-4:]
        an, ar = positive(qname, base, qtype, is_srv)
        return act("qloop", [msg([rr(name_wire(qname), 33, 300,
                                     srv(1, 2, 0, base))], q=qself)])
    if "rdloop" in toks and qtype == 33:
        start = off + 2 + 10 + 6  # the target inside the rdata
        rdata = struct.pack("!HHH", 1, 2, 0) + struct.pack("!H", 0xC000 | start)
        return act("rdloop", [msg([rr(QPTR, 33, 300, rdata)])])
    # ---- wrong IDs ----
    good_an, good_ar = positive(qname, base, qtype, is_srv)
    if "wrongid" in toks:
        return act("wrongid", [msg(good_an, ar=good_ar, rid=qid ^ 0x5A5A)])
    if "wrongthen" in toks:
        poison = [rr(QPTR, 33, 300, srv(1, 0, 0, base))] if qtype == 33 \
            else good_an
        return act("wrongthen", [msg(poison, rid=qid ^ 0x0101),
                                 msg(good_an, ar=good_ar)])
    if "wrongq" in toks:
        other = name_wire("_client._smtp.other.chaos.ex") + question[-4:]
        poison = [rr(QPTR, 33, 300, srv(1, 0, 0, base))] if qtype == 33 \
            else good_an
        return act("wrongq", [msg(poison, q=other),
                              msg(good_an, ar=good_ar)])
    # ---- big answers ----
    if toks & {"huge", "hugew0", "toomany", "bigudp"} and qtype == 33:
        nbad = 600 if "toomany" in toks else 299
        an, ar = big_srv_set(base, qtype, nbad, 0 if "hugew0" in toks else 2)
        out = msg(an, ar=ar)
        if proto == "udp" and "bigudp" not in toks:
            return act("tc", [msg(tc=True)])
        return act("big", [out])
    # ---- truncation, broken TCP ----
    mode = toks & MODES_TC
    if mode:
        mode = sorted(mode)[0]
        if proto == "udp":
            return act("tc", [msg(tc=True)])
        if mode == "tcclose":
            return act("close", ["close"])
        if mode == "tcrst":
            return act("reset", ["reset"])
        if mode == "tcgarbage":
            return act("garbage", [rand_bytes(12, 300)])
        if mode == "tcshort":
            full = msg(good_an, ar=good_ar)
            return act("short", [("raw", struct.pack("!H", 400) + full[:20]),
                                 "close"])
        if mode == "tcstall":
            return act("stall", [])
        if mode == "tctc":
            return act("tc", [msg(tc=True)])
        if mode == "tcone":
            return act("answer", [msg(good_an, ar=good_ar), "fin"])
        return act("answer", [msg(good_an, ar=good_ar)])
    # ---- normal ----
    if toks & POSITIVE and good_an:
        return act("answer", [msg(good_an, ar=good_ar)])
    if toks & POSITIVE:
        return act("nodata", [msg(ns=[SOA])])
    return act("nxdomain", [msg(ns=[SOA], rcode=3)])


def udp_loop(sock):
    while True:
        data, addr = sock.recvfrom(4096)
        for out in respond(data, "udp"):
            if isinstance(out, bytes):
                sock.sendto(out, addr)


def tcp_conn(conn):
    try:
        while True:
            hdr = b""
            while len(hdr) < 2:
                chunk = conn.recv(2 - len(hdr))
                if not chunk:
                    return
                hdr += chunk
            n = struct.unpack("!H", hdr)[0]
            data = b""
            while len(data) < n:
                chunk = conn.recv(n - len(data))
                if not chunk:
                    return
                data += chunk
            for out in respond(data, "tcp"):
                if out == "close":
                    return
                if out == "fin":
                    conn.shutdown(socket.SHUT_WR)
                    conn.settimeout(5)
                    while conn.recv(4096):
                        pass
                    return
                if out == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
                    return
                if isinstance(out, tuple):
                    conn.sendall(out[1])
                else:
                    conn.sendall(struct.pack("!H", len(out)) + out)
    except OSError:
        return
    finally:
        conn.close()


def main():
    global ARGS, RNG
    p = argparse.ArgumentParser()
    p.add_argument("--log", required=True)
    p.add_argument("--portfile", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--drop", type=float, default=0.3)
    p.add_argument("--no-tcp", action="store_true")
    ARGS = p.parse_args()
    RNG = random.Random(ARGS.seed)
    for _ in range(50):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        u.bind(("127.0.0.1", ARGS.port))
        port = u.getsockname()[1]
        if ARGS.no_tcp:
            t = None
            break
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            t.bind(("127.0.0.1", port))
            break
        except OSError:
            u.close()
            t.close()
    else:
        sys.exit("chaosd: no free port")
    open(ARGS.log, "a").close()
    if t is not None:
        t.listen(64)
        threading.Thread(target=serve_tcp, args=(t, tcp_conn), daemon=True).start()
    tmp = ARGS.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, ARGS.portfile)
    udp_loop(u)


if __name__ == "__main__":
    main()
