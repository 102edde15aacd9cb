"""A loopback HTTP server that answers every POST with a recorded SSE body,
cut into small writes, for pointing an SDK at it by ``base_url``."""

import http.server
import threading
from contextlib import contextmanager
from typing import Iterator


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
        length = int(self.headers.get("content-length") or 0)
        self.server.requests.append((self.path, self.rfile.read(length)))  # type: ignore[attr-defined]
        body = self.server.body  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        step = self.server.write_size  # type: ignore[attr-defined]
        for i in range(0, len(body), step):
            piece = body[i : i + step]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        # A client that stops reading early (a test of a failing stream)
        # closes the connection under the writer: not the server's error.
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


@contextmanager
def serve(body: bytes, write_size: int = 97) -> Iterator[http.server.ThreadingHTTPServer]:
    """Serves `body` on 127.0.0.1; yields the server (its `requests` list
    holds what the client sent, its `url` the base URL)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.body = body  # type: ignore[attr-defined]
    server.write_size = write_size  # type: ignore[attr-defined]
    server.requests = []  # type: ignore[attr-defined]
    server.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def sse_data(body: bytes) -> Iterator[str]:
    """The `data` of each event of an SSE body (a reference reader for the
    tests: LF, CRLF or CR line ends, `data:` with or without a space)."""
    text = body.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    for block in text.split("\n\n"):
        data = [
            line[5:][1:] if line[5:].startswith(" ") else line[5:]
            for line in block.split("\n")
            if line.startswith("data:")
        ]
        if data:
            yield "\n".join(data)


if __name__ == "__main__":
    # `python sse_server.py BODY_FILE PORT_FILE`: serves the file until
    # killed, from a process of its own (a benchmark's client then shares
    # no interpreter lock with it); writes the base URL to PORT_FILE.
    import sys
    import time

    with serve(open(sys.argv[1], "rb").read(), write_size=16384) as running:
        with open(sys.argv[2], "w") as out:
            out.write(running.url)  # type: ignore[attr-defined]
        while True:
            time.sleep(3600)
