"""The shipped nginx set-up (deploy/nginx/newsdesk.conf) run on 127.0.0.1, for the tests and the
benchmark: the file as shipped, with only its marked values replaced (ports, folders, no TLS).

    with local_nginx(tmp, app="127.0.0.1:8001", static_root=..., media_root=...) as base:
        urllib.request.urlopen(base + "/en/")
"""

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "newsdesk.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local_config(directory: Path, *, app: str, port: int, static_root, media_root) -> Path:
    """nginx.conf in `directory` that includes the shipped file with its values replaced."""
    text = SHIPPED.read_text()
    replacements = {
        "/var/cache/nginx/newsdesk": str(directory / "cache"),
        "server 127.0.0.1:8000;": f"server {app};",
        "listen 80;": f"listen 127.0.0.1:{free_port()};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{port};",
        "/srv/newsdesk/staticfiles/": f"{static_root}/",
        "/srv/newsdesk/media/": f"{media_root}/",
    }
    for shipped, local in replacements.items():
        if shipped not in text:  # the shipped file changed: this must change with it
            raise ValueError(f"{SHIPPED} no longer has {shipped!r}")
        text = text.replace(shipped, local)
    text = re.sub(r"^\s*ssl_certificate.*\n", "", text, flags=re.MULTILINE)
    (directory / "newsdesk.conf").write_text(text)
    # As root, nginx's workers would run as nobody, who cannot read a private temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"  {kind}_temp_path {directory / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = directory / "nginx.conf"
    main.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  access_log off;\n"
        f"{temp_paths}  include {directory / 'newsdesk.conf'};\n}}\n"
    )
    return main


@contextmanager
def local_nginx(directory: Path, *, app: str, static_root, media_root):
    """nginx in front of `app` (host:port) on a free port of 127.0.0.1; yields its base URL."""
    if shutil.which("nginx") is None:
        raise RuntimeError("nginx is missing: apt-get install nginx (make test installs it)")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = local_config(
        directory, app=app, port=port, static_root=static_root, media_root=media_root
    )
    command = ["nginx", "-p", str(directory), "-c", str(config), "-e", str(directory / "error.log")]
    server = subprocess.Popen(command, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(base + "/robots.txt", timeout=5).close()
                break
            except urllib.error.HTTPError:
                break  # nginx answers
            except OSError as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    message = f"nginx did not start: {server.stderr.read().decode()}"
                    raise RuntimeError(message) from error
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
