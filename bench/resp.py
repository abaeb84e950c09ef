#!/usr/bin/env python3
"""Writes the RESP that bench/run feeds to `redis-cli --pipe`, for one node or split by a cluster's slot ranges.

resp.py KIND N OUT [--slots FILE]
  KIND  token | token-unlink | session USER | dedupe | doctor
        doctor: N keys of the whole layer, as `redops doctor` meets them (25 % tokens, 25 % dedupe marks, 20 % rate
        counters, 20 % sessions, 10 % user indexes of two sessions each), one dedupe mark in 1000 without a TTL
  OUT   the file to write; with --slots, OUT.<i> for node i of FILE (lines "start end"-ranges per node: "i start end")
"""
import sys

PAYLOAD_TOKEN = b'{"token":"t","expiresAt":4102444800000,"cachedAt":1700000000000}'


def crc16(data: bytes) -> int:
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


_TABLE = [crc16(bytes([i])) for i in range(256)]


def slot(key: bytes) -> int:
    s = key.find(b"{")
    if s != -1:
        e = key.find(b"}", s + 1)
        if e > s + 1:
            key = key[s + 1:e]
    crc = 0
    for b in key:
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[((crc >> 8) ^ b) & 0xFF]
    return crc % 16384


def command(*args: bytes) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def commands(kind: str, n: int, user: bytes):
    if kind == "token":
        for i in range(n):
            k = b"auth:token:genesys:t%d" % i
            yield k, command(b"SET", k, PAYLOAD_TOKEN)
    elif kind == "token-unlink":
        for i in range(n):
            k = b"auth:token:genesys:t%d" % i
            yield k, command(b"UNLINK", k)
    elif kind == "session":
        index = b"user:sessions:" + user
        for i in range(n):
            sid = b"s%08d-bench" % i
            k = b"session:" + sid
            value = b'{"userId":"%s","createdAt":1763800000000,"role":"agent"}' % user
            yield k, command(b"SET", k, value, b"EX", b"86400")
            yield index, command(b"SADD", index, sid)
    elif kind == "dedupe":
        for i in range(n):
            k = b"dedupe:t1:m%d" % i
            yield k, command(b"SET", k, b"1", b"EX", b"86400")
    elif kind == "doctor":
        yield from doctor_layout(n)
    else:
        sys.exit(f"unknown kind {kind}")


def doctor_layout(n: int):
    for i in range(n // 4):
        k = b"auth:token:p%d:t%d" % (i % 10, i)
        value = b'{"token":"eyJhbGciOi.x%d","expiresAt":4102444800000,"cachedAt":1700000000000}' % i
        yield k, command(b"SET", k, value, b"EX", b"3000")
    for i in range(n // 4):
        k = b"dedupe:t%d:m%d" % (i % 100, i)
        yield k, (command(b"SET", k, b"1") if i % 1000 == 0 else command(b"SET", k, b"1", b"EX", b"86400"))
    for i in range(n // 5):
        k = b"rate:api:s%d" % i
        yield k, command(b"SET", k, b"3", b"EX", b"3600")
    for i in range(n // 10):
        user = b"u%d" % i
        index = b"user:sessions:" + user
        for sid in (b"sid-a-%d" % i, b"sid-b-%d" % i):
            value = b'{"userId":"%s","createdAt":1700000000000}' % user
            yield b"session:" + sid, command(b"SET", b"session:" + sid, value, b"EX", b"86400")
        yield index, command(b"SADD", index, b"sid-a-%d" % i, b"sid-b-%d" % i)
        yield index, command(b"EXPIRE", index, b"7776000")


def main() -> None:
    args = sys.argv[1:]
    slots_file = None
    if "--slots" in args:
        i = args.index("--slots")
        slots_file = args[i + 1]
        del args[i:i + 2]
    kind = args[0]
    user = b""
    if kind == "session":
        user = args[1].encode()
        args = args[1:]
    n, out = int(args[1]), args[2]
    if slots_file is None:
        with open(out, "wb") as f:
            for _, c in commands(kind, n, user):
                f.write(c)
        return
    owner = [0] * 16384
    nodes = 0
    for line in open(slots_file):
        node, start, end = (int(x) for x in line.split())
        nodes = max(nodes, node + 1)
        for s in range(start, end + 1):
            owner[s] = node
    files = [open(f"{out}.{i}", "wb") for i in range(nodes)]
    for k, c in commands(kind, n, user):
        files[owner[slot(k)]].write(c)
    for f in files:
        f.close()


if __name__ == "__main__":
    main()
