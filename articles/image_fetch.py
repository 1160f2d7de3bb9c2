"""Downloading the images a story file names: public web servers only, one deadline, byte limit.

Image addresses are chosen by whoever wrote the story file. Without these rules an address such
as http://169.254.169.254/ or a redirect into the newsroom's own network would make the importer
fetch, and re-publish, what only the newsroom can reach, and its warnings would tell the
contributor which internal ports answer. So every hop (redirects are followed here, not by a
library) is checked after its one DNS lookup, and the connection goes to the very address that
was checked. Warnings name a category in fixed words, never the remote's answer.
"""

import contextlib
import http.client
import ipaddress
import itertools
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .images import CleanImage, validate_and_clean_image
from .messages import ExplainedError

USER_AGENT = "Newsdesk image importer"
DEFAULT_PORTS = {"http": 80, "https": 443}
ALLOWED_PORTS = frozenset(DEFAULT_PORTS.values())
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
# Downloads at the same time: in all, and from any one host (a server is not to be flooded).
DOWNLOAD_WORKERS = 8
DOWNLOADS_PER_HOST = 4

# IPv6 forms that carry an IPv4 address which the kernel or a NAT64 gateway delivers to:
# ::ffff:127.0.0.1 is 127.0.0.1, so the IPv4 address is the one judged.
IPV4_CARRIERS = tuple(
    ipaddress.ip_network(n) for n in ("::ffff:0:0/96", "::ffff:0:0:0/96", "::/96", "64:ff9b::/96")
)
# Deprecated site-local addresses: not private to Python, but some networks still route them.
SITE_LOCAL = ipaddress.ip_network("fec0::/10")
# Python calls it global, but it is a network's own NAT64 prefix, whose IPv4 part can be anything.
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


class DownloadRefused(ExplainedError):
    """The address is not one the importer may fetch; nothing was sent to it."""


class DownloadFailed(ExplainedError):
    """The address was allowed, but no image came from it."""


def resolve(host: str, port: int) -> list[str]:
    """The addresses of `host`: the one DNS lookup of each hop (tests replace this)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def is_public(address: str) -> bool:
    """Whether `address` is on the public internet, not this machine or a private network."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        if ip in LOCAL_NAT64 or ip in SITE_LOCAL:
            return False
        if any(ip in carrier for carrier in IPV4_CARRIERS):
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour:
            ip = ip.sixtofour
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def fetch_image(url: str) -> CleanImage:
    """The image at `url`, validated and stripped of metadata.

    DownloadRefused or DownloadFailed (both ValueError) say, in words for an editor, why not.
    """
    seconds = settings.NEWSDESK_IMAGE_TIMEOUT
    with Deadline(seconds) as deadline:
        try:
            data = _download(url, deadline)
        except DownloadFailed:
            if not deadline.expired:
                raise
            data = None
        except TimeoutError:
            data = None
        # However the connection ended, a download cut by the clock is reported as slow.
        if data is None or deadline.expired:
            raise DownloadFailed(
                _("failed: the image server was too slow (limit: %(seconds)g s)"), seconds=seconds
            ) from None
    return validate_and_clean_image(data)


def fetch_images(urls: Iterable[str]) -> dict[str, CleanImage | ValueError]:
    """`fetch_image` for each of `urls`, DOWNLOAD_WORKERS at a time and no more than
    DOWNLOADS_PER_HOST at a time from one host: each URL's image, or the ValueError saying
    why not. Each download keeps its own deadline."""
    by_host: dict[str, list[str]] = {}
    for url in dict.fromkeys(urls):
        by_host.setdefault(_host(url), []).append(url)
    if sum(map(len, by_host.values())) <= 1:
        return {url: _fetched(url) for group in by_host.values() for url in group}
    limits = {host: threading.BoundedSemaphore(DOWNLOADS_PER_HOST) for host in by_host}
    language = translation.get_language()  # the active language is the caller's thread's

    def fetched(url: str) -> CleanImage | ValueError:
        with translation.override(language), limits[_host(url)]:
            return _fetched(url)

    # Hosts taken in turn, so that workers are not all waiting on one host's limit.
    in_turn = [
        url
        for round_ in itertools.zip_longest(*by_host.values())
        for url in round_
        if url is not None
    ]
    with ThreadPoolExecutor(min(DOWNLOAD_WORKERS, len(in_turn))) as pool:
        return dict(zip(in_turn, pool.map(fetched, in_turn), strict=True))


def _fetched(url: str) -> CleanImage | ValueError:
    try:
        return fetch_image(url)
    except ValueError as error:
        return error


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: list[str]


def checked_target(url: str) -> Target:
    """Where `url` leads, after the checks that come before any byte is sent."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        raise DownloadRefused(_("refused: this is not a web address")) from None
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise DownloadRefused(_("refused: only http and https addresses are downloaded"))
    if parts.username is not None or parts.password is not None:
        raise DownloadRefused(_("refused: the address contains a user name or password"))
    if port not in ALLOWED_PORTS:
        raise DownloadRefused(_("refused: only the standard web ports 80 and 443 are allowed"))
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError):
        raise DownloadFailed(_("failed: the image server could not be reached")) from None
    # One private answer among public ones is enough: which one a retry would get is not ours.
    if not addresses or not all(is_public(address) for address in addresses):
        raise DownloadRefused(
            _("refused: the address leads inside a private network, not to the public internet")
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # http.client sends the path as it is: anything outside ASCII must be %-encoded first.
    path = quote(path, safe="/?%:@!$&'()*+,;=-._~")
    return Target(scheme, parts.hostname, port, path, addresses)


def _download(url: str, deadline: "Deadline") -> bytes:
    for _hop in range(MAX_REDIRECTS + 1):
        target = checked_target(url)
        connection = _connect(target, deadline)
        try:
            location = _redirect_or_body(connection, target)
        finally:
            connection.close()
        if isinstance(location, bytes):
            return location
        url = urljoin(url, location)
    raise DownloadFailed(
        _("failed: the address was redirected more than %(count)d times"), count=MAX_REDIRECTS
    )


def _connect(target: Target, deadline: "Deadline") -> http.client.HTTPConnection:
    connection_class = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    for address in target.addresses:
        connection = connection_class(target.host, target.port, address=address, deadline=deadline)
        try:
            connection.connect()
        except ssl.SSLCertVerificationError:
            connection.close()
            raise DownloadFailed(
                _("failed: the image server's security certificate is not valid")
            ) from None
        except TimeoutError:
            connection.close()
            raise
        except OSError:
            connection.close()
            continue
        return connection
    raise DownloadFailed(_("failed: the image server could not be reached"))


def _redirect_or_body(connection: http.client.HTTPConnection, target: Target) -> bytes | str:
    """The image's bytes, or where a redirect points."""
    not_sent = DownloadFailed(_("failed: the image server did not send the image"))
    try:
        connection.request(
            "GET",
            target.path,
            headers={"User-Agent": USER_AGENT, "Accept": "image/*", "Connection": "close"},
        )
        response = connection.getresponse()
        if response.status in REDIRECT_STATUSES:
            location = response.getheader("Location")
            if not location:
                raise not_sent
            return location
        if response.status != 200:
            raise not_sent
        return _body(response)
    except TimeoutError:
        raise
    except (OSError, http.client.HTTPException):
        raise not_sent from None


def _body(response: http.client.HTTPResponse) -> bytes:
    limit = settings.NEWSDESK_IMAGE_MAX_BYTES
    too_large = DownloadFailed(_("larger than the %(limit)d MB limit"), limit=limit // 1024 // 1024)
    if (response.length or 0) > limit:
        raise too_large
    data = bytearray()
    while chunk := response.read1(CHUNK_BYTES):
        data += chunk
        if len(data) > limit:
            raise too_large
    if response.length:
        raise http.client.IncompleteRead(bytes(data), response.length)
    return bytes(data)


class Deadline:
    """One clock for a whole download: connecting, every redirect and the body.

    A socket timeout bounds a single read, so a server sending a byte a second never times out;
    at the deadline the open connection is shut down instead, which ends any read in progress.
    """

    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self._lock = threading.Lock()
        self._sock = None
        self.expired = False

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc_info):
        self._timer.cancel()

    def remaining(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            expired = self.expired
        if expired:
            self._shutdown(sock)

    def _cut(self) -> None:
        with self._lock:
            self.expired = True
            sock = self._sock
        if sock is not None:
            self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        # The plain socket's shutdown: SSLSocket's own would drop its TLS state under a read.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address already checked, never to a second DNS answer for the name."""

    def __init__(self, host: str, port: int, *, address: str, deadline: Deadline):
        super().__init__(host, port, timeout=deadline.remaining())
        self.address = address
        self.deadline = deadline

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.deadline.remaining())
        self.deadline.watch(self.sock)


class PinnedHTTPSConnection(PinnedHTTPConnection):
    """The same, with the certificate checked against the host name, which is also the SNI."""

    default_port = 443

    def connect(self):
        super().connect()
        tls = ssl.create_default_context().wrap_socket(
            self.sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock = tls
        self.deadline.watch(tls)
        tls.do_handshake()
