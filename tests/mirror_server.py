"""A real HTTP server on 127.0.0.1 serving a mirror folder, with faults to inject.

The standard library's threading server, not a mock: requests go through a socket, pooch and
requests, as they would to a release host. `faults[path]` is a list of what the next
requests for `path` get, one item each, then the file:

    "short"   the headers promise the full length, the body stops halfway
    "wrong"   the right length of the wrong bytes
    "404", "500"
    "slow"    nothing for `slow_seconds`, then the file (a client with a shorter timeout
              gives up first)
    "stall"   half the body, then nothing for `slow_seconds` (time to kill the client)
"""

import http.server
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path


class MirrorServer:
    def __init__(self, root: Path, slow_seconds: float = 3.0):
        self.root = Path(root)
        self.slow_seconds = slow_seconds
        self.requests = Counter()  # path -> GET count
        self.faults: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                path = urllib.parse.unquote(urllib.parse.urlparse(self.path).path).lstrip("/")
                with server._lock:
                    server.requests[path] += 1
                    pending = server.faults.get(path, [])
                    fault = pending.pop(0) if pending else None
                file = server.root / path
                if fault in ("404", "500") or not file.is_file():
                    self.send_error(int(fault or 404))
                    return
                body = file.read_bytes()
                if fault == "slow":
                    time.sleep(server.slow_seconds)
                if fault == "wrong":
                    body = bytes(255 - b for b in body)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault == "stall":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    time.sleep(server.slow_seconds)
                    return
                try:
                    self.wfile.write(body[: len(body) // 2] if fault == "short" else body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout): nothing to answer
                if fault == "short":
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def total(self) -> int:
        return sum(self.requests.values())
