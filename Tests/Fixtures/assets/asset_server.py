#!/usr/bin/env python3
"""A local HTTP server for the asset fetcher's tests (AssetFetcherTests, docs/assets-fetch.md).

Standard library only. Listens on 127.0.0.1 on free ports: an origin server and a CONNECT
proxy. Writes {"port", "proxy_port", "files": {path: {size, sha1, sha256, sha512}}} to
--info once it listens, and one JSON line per request to --log:
{"server": "origin"|"proxy", "method", "path", "range"} (the proxy logs its CONNECT target
as "path"; a paced file's end is logged as method "DONE", so overlaps can be counted).

With --tls, an HTTPS origin too ("tls_port", "tls_cert": a self-signed certificate for
127.0.0.1 made with the openssl command; its requests are logged as server "origin-tls").

Files, generated at start (never committed), all served with Range support (206):
  /small.bin      100 KiB
  /big.bin        --big-mb MiB (default 50)
  /wrong.bin      64 KiB (the tests declare another hash for it)
  /flaky.bin      8 MiB: the first request without Range gets the headers and half the
                  body, then the connection is closed; later requests are served
  /paced/N.bin    N in 0..7, 2 MiB each, sent in 64 KiB pieces 20 ms apart (parallelism)
  /redirect.bin   302 to /small.bin
  /bench/N.bin    with --bench-files COUNT:MIB (make bench-assets): COUNT files of MIB MiB
Anything else: 404.

--bind ADDR listens there instead of 127.0.0.1 (the benchmark's hosts reach it over the testbed's
network); --rate-mbps R: every response shares one link of R megabits per second (a site's WAN
link: parallel downloads split it).
Each request's log line has "bytes": what was sent.
"""
import argparse
import hashlib
import http.server
import json
import os
import random
import select
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time

LOCK = threading.Lock()
LOG = None


def log(entry):
    with LOCK:
        LOG.write(json.dumps(entry, sort_keys=True) + "\n")
        LOG.flush()


def generate(seed, size):
    block = random.Random(seed).randbytes(1 << 20)
    chunks = []
    left, i = size, 0
    while left > 0:
        chunk = i.to_bytes(8, "big") + block[8:]
        chunks.append(chunk[:left])
        left -= len(chunks[-1])
        i += 1
    return b"".join(chunks)


FILES = {}
PACED = set()
DROPPED = set()
RATE = None  # bytes per second of the one link all responses share, or None
RATE_LOCK = threading.Lock()
NEXT_FREE = 0.0


def pace(count):
    """Waits for `count` bytes' turn on the shared link."""
    global NEXT_FREE
    with RATE_LOCK:
        now = time.monotonic()
        start = max(now, NEXT_FREE)
        NEXT_FREE = start + count / RATE
        wait = NEXT_FREE - now
    if wait > 0:
        time.sleep(wait)


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    name = "origin"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.serve(head=True)

    def do_GET(self):
        self.serve(head=False)

    def serve(self, head):
        rng = self.headers.get("Range")
        size = len(FILES[self.path]) if self.path in FILES and not head else 0
        if rng and size:
            first, _, last = rng[6:].partition("-")
            size = max(0, min(size - 1, int(last) if last else size - 1) - (int(first) if first else 0) + 1)
        log({"server": self.name, "method": self.command, "path": self.path, "range": rng, "bytes": size,
             "client": self.client_address[0]})
        if self.path == "/redirect.bin":
            self.send_response(302)
            self.send_header("Location", "/small.bin")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = FILES.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "9")
            self.end_headers()
            if not head:
                self.wfile.write(b"not found")
            return
        start, end = 0, len(body) - 1
        status = 200
        if rng and rng.startswith("bytes="):
            first, _, last = rng[6:].partition("-")
            start = int(first) if first else 0
            if last:
                end = min(end, int(last))
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(body))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        self.send_response(status)
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, len(body)))
        self.end_headers()
        if head:
            return
        piece = body[start:end + 1]
        if self.path == "/flaky.bin" and rng is None and self.path not in DROPPED:
            DROPPED.add(self.path)
            self.wfile.write(piece[:len(piece) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        step = 64 << 10
        for offset in range(0, len(piece), step):
            if RATE:
                pace(len(piece[offset:offset + step]))
            self.wfile.write(piece[offset:offset + step])
            if self.path in PACED:
                time.sleep(0.02)
        if self.path in PACED:
            log({"server": self.name, "method": "DONE", "path": self.path, "range": rng})


class OriginTLS(Origin):
    name = "origin-tls"


class Proxy(socketserver.StreamRequestHandler):
    """CONNECT host:port → a tunnel (what AsyncHTTPClient sends to an HTTP proxy)."""

    def handle(self):
        line = self.rfile.readline(65537).decode("latin-1").strip()
        while True:
            header = self.rfile.readline(65537)
            if header in (b"\r\n", b"\n", b""):
                break
        method, _, rest = line.partition(" ")
        target = rest.rpartition(" ")[0]
        log({"server": "proxy", "method": method, "path": target, "range": None})
        if method != "CONNECT":
            self.wfile.write(b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n")
            return
        host, _, port = target.rpartition(":")
        if host not in ("127.0.0.1", "localhost"):
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = socket.create_connection((host, int(port)))
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 30)
                if not readable:
                    return
                for s in readable:
                    data = s.recv(1 << 16)
                    if not data:
                        return
                    (upstream if s is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class ProxyServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global LOG
    parser = argparse.ArgumentParser()
    parser.add_argument("--info", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--big-mb", type=int, default=50)
    parser.add_argument("--tls", action="store_true",
                        help="also serve the files over HTTPS (a self-signed certificate for 127.0.0.1 made with openssl, path in --info)")
    parser.add_argument("--lifetime", type=float, default=300, help="exit after this many seconds")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--bench-files", default=None, help="COUNT:MIB: /bench/0.bin … of MIB MiB each")
    parser.add_argument("--rate-mbps", type=float, default=None)
    args = parser.parse_args()
    global RATE
    if args.rate_mbps:
        RATE = args.rate_mbps * 1e6 / 8
    if args.bench_files:
        count, mib = (int(x) for x in args.bench_files.split(":"))
        for n in range(count):
            FILES["/bench/%d.bin" % n] = generate(100 + n, mib << 20)
    LOG = open(args.log, "a")
    FILES["/small.bin"] = generate(1, 100 << 10)
    FILES["/big.bin"] = generate(2, args.big_mb << 20)
    FILES["/wrong.bin"] = generate(3, 64 << 10)
    FILES["/flaky.bin"] = generate(4, 8 << 20)
    for n in range(8):
        FILES["/paced/%d.bin" % n] = generate(10 + n, 2 << 20)
        PACED.add("/paced/%d.bin" % n)
    origin = Server((args.bind, 0), Origin)
    proxy = ProxyServer(("127.0.0.1", 0), Proxy)
    servers = [origin, proxy]
    info = {}
    if args.tls:
        base = os.path.dirname(os.path.abspath(args.info))
        cert, key = os.path.join(base, "cert.pem"), os.path.join(base, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tls = Server(("127.0.0.1", 0), OriginTLS)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        servers.append(tls)
        info.update(tls_port=tls.server_address[1], tls_cert=cert)
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    info.update({
        "port": origin.server_address[1],
        "proxy_port": proxy.server_address[1],
        "files": {path: {"size": len(body), "sha1": hashlib.sha1(body).hexdigest(),
                         "sha256": hashlib.sha256(body).hexdigest(), "sha512": hashlib.sha512(body).hexdigest()}
                  for path, body in FILES.items()},
    })
    tmp = args.info + ".tmp"
    with open(tmp, "w") as f:
        json.dump(info, f)
    os.rename(tmp, args.info)
    # Bounded: gone after --lifetime, or as soon as the process that started it is gone.
    parent = os.getppid()
    end = time.time() + args.lifetime
    while time.time() < end and os.getppid() == parent:
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
