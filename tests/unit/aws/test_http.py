#!/usr/bin/env python3
"""The transport (compiler/aws/http.c) against a real HTTP server: a small
threaded Python server on a free loopback port, and http_drive, which runs a
script of requests through the transport and prints what came back.

It proves: bodies arrive intact both ways (large random bodies compared by
SHA-256) with the right method; the request's headers are sent verbatim and
no Expect, Accept or Content-Type of libcurl's own; HEAD works; the path goes as given (no dot segments resolved); the number
of requests in flight is bounded, in all and per endpoint; keep-alive reuses
connections (sockets counted at the server); a delayed submission waits and
is prepared (signed) only when sent; done callbacks can resubmit; a server
that closes the connection mid-response or sends nothing gives a transport
error, not a crash; a too-slow server hits the timeout, and the wait for a
slot does not count against it; a too-large response
is an error, not memory; a refused connection is an error. It prints the
requests per second it measured over keep-alive.

Usage: test_http.py HTTP_DRIVE"""
import hashlib
import http.server
import json
import os
import random
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import unittest

DRIVE = None


def random_bytes(n, seed):
    return random.Random(seed).randbytes(n)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.accepted = 0
        self.inflight = 0
        self.max_inflight = 0
        self.log = []

    def process_request(self, request, client_address):
        with self.lock:
            self.accepted += 1
        super().process_request(request, client_address)

    def reset(self):
        with self.lock:
            self.accepted = self.inflight = self.max_inflight = 0
            self.log = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go in two writes: without this, Nagle and the
    # client's delayed ACK cost 40 ms a response.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        srv = self.server
        data = self.body()
        with srv.lock:
            srv.inflight += 1
            srv.max_inflight = max(srv.max_inflight, srv.inflight)
            srv.log.append({"method": self.command, "path": self.path,
                            "headers": [(k.lower(), v) for k, v in self.headers.items()],
                            "sha256": hashlib.sha256(data).hexdigest(), "len": len(data),
                            "at": time.monotonic()})
        try:
            self.route(data)
        finally:
            with srv.lock:
                srv.inflight -= 1

    def route(self, data):
        parts = self.path.strip("/").split("/")
        if parts[0] == "echo":
            self.reply(200, json.dumps({"method": self.command, "len": len(data)}).encode(),
                       [("X-Body-Sha256", hashlib.sha256(data).hexdigest()),
                        ("Content-Type", "application/json")])
        elif parts[0] == "sleep":
            time.sleep(int(parts[1]) / 1000)
            self.reply(200, b"slept")
        elif parts[0] == "random":
            self.reply(200, random_bytes(int(parts[1]), int(parts[2])))
        elif parts[0] == "chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            left = int(parts[1])
            while left:
                n = min(left, 1000)
                self.wfile.write(b"%x\r\n" % n + b"x" * n + b"\r\n")
                left -= n
            self.wfile.write(b"0\r\n\r\n")
        elif parts[0] == "head":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.send_header("X-Thing", "  spaced value  ")
            self.end_headers()
        elif parts[0] == "cut":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"y" * 1000)
            self.wfile.flush()
            if parts[1:] == ["reset"]:
                self.cut()
            else:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
        elif parts[0] == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif parts[0] == "status":
            self.reply(int(parts[1]), b"<Error><Code>SlowDown</Code></Error>",
                       [("Content-Type", "application/xml"), ("x-amz-request-id", "R1")])
        else:
            self.reply(404)

    def cut(self):
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
        self.connection.close()

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any


def drive(script, *args):
    """Run http_drive on script lines; (completions by line, totals)."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    p = subprocess.run([DRIVE, *args], input="\n".join(script) + "\n", capture_output=True,
                       text=True, env=env, timeout=120)
    if p.returncode != 0 or "runtime error" in p.stderr or "Sanitizer" in p.stderr:
        raise AssertionError(f"http_drive exited {p.returncode}:\n{p.stderr}\n{p.stdout[-3000:]}")
    lines = [json.loads(s) for s in p.stdout.splitlines()]
    done, totals = {}, lines[-1]
    for d in lines[:-1]:
        done.setdefault(d["line"], []).append(d)
    return done, totals


def header(d, name):
    return [v for k, v in d["headers"] if k == name]


class Transport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        threading.Thread(target=cls.srv.serve_forever, daemon=True).start()
        cls.url = cls.srv.url
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()
        cls.srv.server_close()
        cls.tmp.cleanup()

    def setUp(self):
        self.srv.reset()

    def ok(self, d, status=200):
        self.assertEqual((d["error"], d["message"]), (0, ""))
        self.assertEqual(d["status"], status)

    def test_bodies_and_methods(self):
        sizes = [0, 1, 1000, 1 << 20, 5 << 20 | 123]
        script = [f"GET {self.url} /random/{n}/{n}" for n in sizes]
        uploads = []
        for i, method in enumerate(["PUT", "POST", "PATCH", "PUT"]):
            data = random_bytes([3 << 20, 2000, 17, 0][i], 100 + i)
            path = os.path.join(self.tmp.name, f"up{i}")
            with open(path, "wb") as f:
                f.write(data)
            uploads.append((method, hashlib.sha256(data).hexdigest(), len(data)))
            script.append(f"{method} {self.url} /echo body={path} header=X-Custom:{i} "
                          "header=X-Empty:")
        script.append(f"DELETE {self.url} /echo")
        done, totals = drive(script)
        for i, n in enumerate(sizes):
            d = done[i + 1][0]
            self.ok(d)
            self.assertEqual(d["len"], n)
            self.assertEqual(d["sha256"], hashlib.sha256(random_bytes(n, n)).hexdigest())
        log = {e["headers"] and dict(e["headers"]).get("x-custom"): e for e in self.srv.log}
        for i, (method, sha, n) in enumerate(uploads):
            d = done[len(sizes) + i + 1][0]
            self.ok(d)
            self.assertEqual(header(d, "x-body-sha256"), [sha])
            self.assertEqual(json.loads(self._body_of(d, method, n)), {"method": method, "len": n})
            got = log[str(i)]
            self.assertEqual((got["method"], got["len"], got["sha256"]), (method, n, sha))
            names = [k for k, _ in got["headers"]]
            for absent in ("expect", "accept", "content-type", "transfer-encoding"):
                self.assertNotIn(absent, names, f"{method} sent {absent}")
            self.assertEqual(dict(got["headers"])["content-length"], str(n))
            self.assertEqual(dict(got["headers"])["x-empty"], "")
        self.assertEqual(done[len(script)][0]["status"], 200)
        delete = [e for e in self.srv.log if e["method"] == "DELETE"]
        self.assertEqual(len(delete), 1)
        self.assertEqual(totals["stats"]["reads"], len(sizes))
        self.assertEqual(totals["stats"]["writes"], len(uploads) + 1)

    def _body_of(self, d, method, n):
        # The echo body is small JSON; its hash proves it, rebuild it here.
        body = json.dumps({"method": method, "len": n}).encode()
        self.assertEqual(d["sha256"], hashlib.sha256(body).hexdigest())
        return body

    def test_head(self):
        done, _ = drive([f"HEAD {self.url} /head", f"GET {self.url} /echo/./a/../b//c%2F"])
        d = done[1][0]
        self.ok(d)
        self.assertEqual(d["len"], 0)
        self.assertEqual(header(d, "content-length"), ["1000"])
        self.assertEqual(header(d, "x-thing"), ["spaced value"])
        self.ok(done[2][0])  # the connection is still good after a HEAD
        # The two may reach the server in either order (two connections).
        methods = {e["path"]: e["method"] for e in self.srv.log}
        self.assertEqual(methods.get("/head"), "HEAD")
        # The path as given: an S3 key's dot segments are not resolved.
        self.assertEqual(methods.get("/echo/./a/../b//c%2F"), "GET")

    def test_concurrency_bounded(self):
        script = [f"GET {self.url} /sleep/200"] * 24
        t = time.monotonic()
        done, _ = drive(script, "--max", "4")
        took = time.monotonic() - t
        self.assertTrue(all(d[0]["status"] == 200 for d in done.values()))
        self.assertEqual(self.srv.max_inflight, 4)
        self.assertGreaterEqual(took, 6 * 0.2)
        self.srv.reset()
        done, _ = drive(script, "--max", "8", "--per-host", "3")
        self.assertEqual(self.srv.max_inflight, 3)
        self.assertLessEqual(self.srv.accepted, 3)

    def test_keep_alive(self):
        n = 300
        done, totals = drive([f"GET {self.url} /echo"] * n, "--max", "2")
        self.assertEqual(len(done), n)
        self.assertTrue(all(d[0]["status"] == 200 for d in done.values()))
        self.assertLessEqual(self.srv.accepted, 2)
        self.assertEqual(totals["stats"]["connections"], self.srv.accepted)
        # Throughput over keep-alive, for the record.
        self.srv.reset()
        n = 3000
        done, totals = drive([f"GET {self.url} /echo"] * n, "--max", "8")
        rate = n / (totals["elapsed_ms"] / 1000)
        print(f"\n  {n} GETs over {self.srv.accepted} kept-alive connections: "
              f"{totals['elapsed_ms']} ms, {rate:.0f} requests/s", file=sys.stderr)
        self.assertLessEqual(self.srv.accepted, 8)

    def test_delay_and_resubmit(self):
        done, _ = drive([f"GET {self.url} /echo delay=400",
                         f"GET {self.url} /echo",
                         f"PUT {self.url} /echo again=2 again-delay=250"])
        late, early = done[1][0], done[2][0]
        self.ok(late)
        self.assertGreaterEqual(late["done_ms"], 400)
        self.assertLess(early["done_ms"], late["done_ms"])
        # Prepared only when sent: the delayed request's date is late too.
        gets = [dict(e["headers"]) for e in self.srv.log if e["method"] == "GET"]
        self.assertEqual(sorted(int(g["x-prepared-ms"]) >= 400 for g in gets), [False, True])
        # Resubmitted from done twice: three attempts, prepared afresh each time.
        puts = [dict(e["headers"]) for e in self.srv.log if e["method"] == "PUT"]
        self.assertEqual([p["x-attempt"] for p in puts], ["1", "2", "3"])
        times = [int(p["x-prepared-ms"]) for p in puts]
        self.assertGreaterEqual(times[1] - times[0], 250)
        self.assertGreaterEqual(times[2] - times[1], 250)
        self.assertEqual([d["attempt"] for d in done[3]], [1, 2, 3])

    def test_broken_servers(self):
        done, totals = drive([f"GET {self.url} /cut", f"GET {self.url} /close",
                              f"PUT {self.url} /close", f"GET {self.url} /echo",
                              f"GET {self.url} /status/503", f"GET {self.url} /cut/reset"])
        cut, closed, put_closed, reset = done[1][0], done[2][0], done[3][0], done[6][0]
        self.assertEqual(cut["error"], 18)        # CURLE_PARTIAL_FILE
        self.assertEqual(closed["error"], 52)     # CURLE_GOT_NOTHING
        self.assertIn(put_closed["error"], (52, 55, 56))
        self.assertEqual(reset["error"], 56)      # CURLE_RECV_ERROR
        for d in (cut, closed, put_closed, reset):
            self.assertEqual((d["status"], d["len"], d["headers"]), (0, 0, []))
            self.assertTrue(d["message"])
        self.ok(done[4][0])
        slow = done[5][0]
        self.ok(slow, 503)
        self.assertEqual(header(slow, "x-amz-request-id"), ["R1"])
        self.assertGreater(slow["len"], 0)
        self.assertEqual(totals["stats"]["transport_errors"], 4)

    def test_timeout(self):
        t = time.monotonic()
        done, _ = drive([f"GET {self.url} /sleep/3000", f"GET {self.url} /echo"],
                        "--timeout", "500")
        self.assertEqual(done[1][0]["error"], 28)  # CURLE_OPERATION_TIMEDOUT
        self.assertIn("timed out", done[1][0]["message"].lower())
        self.ok(done[2][0])
        self.assertLess(time.monotonic() - t, 2.5)
        # Waiting for a slot is not part of a request's time: eight
        # requests of 300 ms one at a time, each within 500 ms.
        done, _ = drive([f"GET {self.url} /sleep/300"] * 8, "--timeout", "500", "--max", "1")
        self.assertEqual([d[0]["status"] for d in done.values()], [200] * 8)

    def test_too_large(self):
        done, _ = drive([f"GET {self.url} /random/5000/1", f"GET {self.url} /chunked/5000",
                         f"GET {self.url} /random/1000/1"], "--max-response", "1000")
        self.assertEqual(done[1][0]["error"], 63)  # CURLE_FILESIZE_EXCEEDED
        self.assertEqual(done[2][0]["error"], 63)
        self.assertEqual(done[2][0]["len"], 0)
        self.ok(done[3][0])
        self.assertEqual(done[3][0]["len"], 1000)

    def test_refused(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        done, _ = drive([f"GET http://127.0.0.1:{port} /echo"], "--connect-timeout", "2000")
        self.assertEqual(done[1][0]["error"], 7)   # CURLE_COULDNT_CONNECT


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    DRIVE = sys.argv.pop(1)
    unittest.main(verbosity=2)
