"""A pretend internet for image downloads: its DNS is a table, its servers run on 127.0.0.1.

The importer may only reach public addresses, so tests name public-looking hosts: the resolver
stub answers them, and connections to their addresses are routed, in tests only, to a local
server. Nothing leaves the machine: names outside the table do not resolve (address literals
still do, as the real resolver reads them), and a connection that is not routed is refused.
"""

import socket
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from articles import image_fetch

PUBLIC_ADDRESS = "93.184.216.34"

# What a server sends for a path: (status, body), or a function that writes the answer itself.
Answer = tuple[int, bytes] | Callable[[BaseHTTPRequestHandler], None]


class Server:
    """A threaded HTTP server on 127.0.0.1 that remembers the paths it was asked for."""

    def __init__(self, answers: dict[str, Answer], tls: ssl.SSLContext | None = None):
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                answer = answers.get(self.path, (404, b"missing"))
                if callable(answer):
                    answer(self)
                    return
                status, body = answer
                self.send_response(status)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeInternet:
    def __init__(self, monkeypatch):
        self.names: dict[str, list[str] | Callable[[], list[str]]] = {}
        self.routes: dict[tuple[str, int], int] = {}
        self.connections: list[tuple[str, int]] = []
        self.servers: list[Server] = []
        real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

        def numeric_only(host, port, family=0, type=0, proto=0, flags=0):
            return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

        def resolve(host, port):
            answer = self.names.get(host)
            if answer is None:
                return [info[4][0] for info in numeric_only(host, port, type=socket.SOCK_STREAM)]
            return answer() if callable(answer) else list(answer)

        def connect(sock, address):
            self.connections.append((address[0], address[1]))
            local_port = self.routes.get((address[0], address[1]))
            if local_port is None:
                raise ConnectionRefusedError(f"the fake internet has no route to {address}")
            loopback = "::ffff:127.0.0.1" if sock.family == socket.AF_INET6 else "127.0.0.1"
            return real_connect(sock, (loopback, local_port))

        monkeypatch.setattr(image_fetch, "resolve", resolve)
        # Anything that looked a name up or connected on its own would still stay here.
        monkeypatch.setattr(socket, "getaddrinfo", numeric_only)
        monkeypatch.setattr(socket.socket, "connect", connect)

    def serve(self, answers: dict[str, Answer], tls: ssl.SSLContext | None = None) -> Server:
        server = Server(answers, tls)
        self.servers.append(server)
        return server

    def host(self, name: str, server: Server, *, address: str = PUBLIC_ADDRESS, port: int = 80):
        """`name` resolves to `address`, and `address`:`port` reaches `server`."""
        self.names[name] = [address]
        self.route(address, port, server)

    def route(self, address: str, port: int, server: Server):
        self.routes[(address, port)] = server.port

    def close(self):
        for server in self.servers:
            server.close()
