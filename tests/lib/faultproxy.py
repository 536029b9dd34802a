#!/usr/bin/env python3
"""faultproxy: a reverse proxy in front of moto_server that injects the
faults an AWS client must survive (issue 12, proof 4). Point the client at
it (AWS_ENDPOINT_URL=proxy.url); each request, by configurable fractions
drawn from a seeded random sequence, is:

    slowdown   answered 503 SlowDown (S3) or 400 Throttling (IAM, STS), not forwarded
    internal   answered 500 InternalError, not forwarded
    reset      read, then the connection reset, not forwarded
    delay      forwarded after delay_ms
    lose       forwarded, carried out by moto, and its answer lost: the
               connection is reset instead

and whatever path or Host contains a string of `deny` is always answered
403 AccessDenied (only requests of the methods in `deny_methods`, when it
is not empty: ["PUT"] denies a bucket's writes and lets it be read). Everything else is forwarded as is. Requests are counted
by method: received, forwarded (reached moto) and faulted, and faults by
kind. Control, never forwarded nor counted:

    GET  /__faultproxy/stats    the counts, as JSON
    POST /__faultproxy/config   a JSON object of settings to change
    POST /__faultproxy/reset    the counts back to zero

In a test:  with FaultProxy(moto_url, seed=1, slowdown=0.1) as proxy: ...
From a shell:  faultproxy.py UPSTREAM_URL [--port P] [--seed N]
               [--slowdown F] [--internal F] [--reset F] [--delay F]
               [--lose F] [--delay-ms MS] [--deny STRING]...
Standard library only."""
import argparse
import collections
import http.client
import http.server
import json
import random
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid

FAULTS = ("slowdown", "internal", "reset", "delay", "lose")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "transfer-encoding", "upgrade", "content-length"}
CONTROL = "/__faultproxy/"


def s3_error(code, message):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f"<Message>{message}</Message><RequestId>{uuid.uuid4().hex[:16].upper()}"
            f"</RequestId><HostId>faultproxy</HostId></Error>").encode()


def query_error(service, code, message, kind="Sender"):
    return (f'<ErrorResponse xmlns="https://{service}.amazonaws.com/doc/">'
            f"<Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>").encode()


def service_of(headers):
    """The signing scope's service of a request: s3, iam, sts..."""
    scope = (headers.get("Authorization") or "").partition("Credential=")[2]
    parts = scope.split(",")[0].split("/")
    return parts[3] if len(parts) >= 5 else "s3"


class FaultProxy(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, upstream, port=0, seed=0, deny=(), delay_ms=200, **fractions):
        super().__init__(("127.0.0.1", port), Handler)
        u = urllib.parse.urlsplit(upstream)
        self.upstream = (u.hostname, u.port or 80)
        self.lock = threading.Lock()
        self.config = {"seed": seed, "deny": list(deny), "deny_methods": [],
                       "delay_ms": delay_ms,
                       **{f: 0.0 for f in FAULTS}}
        self.configure(**fractions)
        self.reset_stats()
        self.thread = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self):
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def handle_error(self, request, client_address):
        pass  # a reset connection is the point, not news

    def configure(self, **settings):
        with self.lock:
            for k, v in settings.items():
                if k not in self.config:
                    raise ValueError(f"faultproxy: no setting {k!r}")
                self.config[k] = list(v) if k in ("deny", "deny_methods") else v
            if sum(self.config[f] for f in FAULTS) > 1:
                raise ValueError("faultproxy: the fractions add up to more than 1")
            if "seed" in settings or not hasattr(self, "rng"):
                self.rng = random.Random(self.config["seed"])
            return dict(self.config)

    def reset_stats(self):
        with self.lock:
            self.counts = {k: collections.Counter()
                           for k in ("requests", "forwarded", "faulted", "faults")}

    def stats(self):
        with self.lock:
            return {k: dict(v) for k, v in self.counts.items()}

    def decide(self, method, path, host):
        """The fault for one request (None: forward it), counted."""
        with self.lock:
            self.counts["requests"][method] += 1
            methods = self.config["deny_methods"]
            if any(d in path or d in host for d in self.config["deny"]) and \
                    (not methods or method in methods):
                fault = "deny"
            else:
                r, fault, edge = self.rng.random(), None, 0.0
                for f in FAULTS:
                    edge += self.config[f]
                    if r < edge:
                        fault = f
                        break
            if fault:
                self.counts["faulted"][method] += 1
                self.counts["faults"][fault] += 1
            if fault in (None, "delay", "lose"):
                self.counts["forwarded"][method] += 1
            return fault, self.config["delay_ms"]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    upstream = None  # this client connection's own connection to moto

    def log_message(self, *args):
        pass

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = b""
            while True:
                n = int(self.rfile.readline().split(b";")[0], 16)
                data += self.rfile.read(n)
                self.rfile.readline()
                if n == 0:
                    return data
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k.lower() == "content-length" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reset(self):
        """Abort the connection: an RST, not a polite close."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.connection.close()

    def error(self, status, code, message, kind="Sender"):
        service = service_of(self.headers)
        body = (s3_error(code, message) if service.startswith("s3")
                else query_error(service, code, message, kind))
        self.reply(status, body, [("Content-Type", "application/xml")])

    def handle_any(self):
        body = self.read_body()
        if self.path.startswith(CONTROL):
            return self.control(body)
        fault, delay_ms = self.server.decide(self.command, self.path,
                                             self.headers.get("Host") or "")
        if fault == "deny":
            return self.error(403, "AccessDenied", "Access Denied")
        if fault == "slowdown":
            if service_of(self.headers).startswith("s3"):
                return self.error(503, "SlowDown", "Please reduce your request rate.")
            return self.error(400, "Throttling", "Rate exceeded")
        if fault == "internal":
            if service_of(self.headers).startswith("s3"):
                return self.error(500, "InternalError",
                                  "We encountered an internal error. Please try again.")
            return self.error(500, "InternalFailure", "Internal failure", "Receiver")
        if fault == "reset":
            return self.reset()
        if fault == "delay":
            time.sleep(delay_ms / 1000)
        self.forward(body, lose=fault == "lose")

    def forward(self, body, lose):
        try:
            resp, data = self.send_upstream(body)
        except (OSError, http.client.HTTPException) as e:
            self.upstream = None
            return self.reply(502, f"faultproxy: upstream: {e}".encode())
        if lose:
            return self.reset()
        headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
        if self.command == "HEAD" and resp.getheader("Content-Length"):
            headers.append(("Content-Length", resp.getheader("Content-Length")))
        self.reply(resp.status, data, headers)

    def send_upstream(self, body):
        if self.upstream is None:
            self.upstream = http.client.HTTPConnection(*self.server.upstream, timeout=120)
        c = self.upstream
        c.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for k, v in self.headers.items():
            if k.lower() not in HOP_BY_HOP:
                c.putheader(k, v)
        if body or "Content-Length" in self.headers or "Transfer-Encoding" in self.headers:
            c.putheader("Content-Length", str(len(body)))
        c.endheaders(body or None)
        resp = c.getresponse()
        data = resp.read()
        if resp.will_close:
            c.close()
        return resp, data

    def control(self, body):
        what = self.path[len(CONTROL):].split("?")[0]
        try:
            if what == "stats" and self.command == "GET":
                out = self.server.stats()
            elif what == "config" and self.command == "POST":
                out = self.server.configure(**json.loads(body or b"{}"))
            elif what == "reset" and self.command == "POST":
                self.server.reset_stats()
                out = {}
            else:
                return self.reply(404, b"faultproxy: no such control\n")
        except (ValueError, TypeError) as e:
            return self.reply(400, f"{e}\n".encode())
        self.reply(200, json.dumps(out).encode(), [("Content-Type", "application/json")])

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_PATCH = handle_any


def main(argv):
    ap = argparse.ArgumentParser(description="A fault-injecting reverse proxy.")
    ap.add_argument("upstream")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--delay-ms", type=int, default=200)
    ap.add_argument("--deny", action="append", default=[])
    for f in FAULTS:
        ap.add_argument(f"--{f}", type=float, default=0.0)
    a = ap.parse_args(argv)
    proxy = FaultProxy(a.upstream, port=a.port, seed=a.seed, deny=a.deny, delay_ms=a.delay_ms,
                       **{f: getattr(a, f) for f in FAULTS})
    print(proxy.url, flush=True)
    try:
        proxy.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
