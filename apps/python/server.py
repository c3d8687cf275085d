"""A Python web app on the standard library alone (http.server), run unmodified behind Ferry.

    ferry local -- python3 -u server.py                       # buffered
    ferry local --invoke-mode response_stream -- python3 -u server.py

It listens on 127.0.0.1:$PORT. /stream sends its first chunk at once and its second only after
a request to /release: a streamed response must reach the client before the slow part is ready.
"""
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

release = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send_json(self, status, value, extra_headers=()):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/":
            return self.send_json(200, {"hello": "world", "framework": "python-http.server"})
        if url.path.startswith("/users/"):
            return self.send_json(200, {"id": url.path[len("/users/"):], "query": parse_qs(url.query)})
        if url.path == "/session":
            cookies = [("set-cookie", "session=abc; Path=/; HttpOnly"), ("set-cookie", "theme=dark")]
            return self.send_json(200, {"cookies": self.headers.get("cookie")}, cookies)
        if url.path == "/release":
            release.set()
            return self.send_json(200, {"released": True})
        if url.path == "/stream":
            release.clear()
            self.send_response(200)
            self.send_header("content-type", "text/plain; charset=utf-8")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            self.write_chunk(b"first\n")
            release.wait(timeout=10)
            self.write_chunk(b"second\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_json(404, {"error": "not found", "path": url.path})

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"null")
        self.send_json(201, {"created": body})

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def log_message(self, format, *args):
        print("python-app", self.command, self.path, flush=True)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"python-app listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()
