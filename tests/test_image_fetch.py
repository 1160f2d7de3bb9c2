"""Image downloads reach public servers only, echo nothing of their answer, and end on time.

Every server here is real and runs on 127.0.0.1; the fake internet gives it a public name, or
routes an internal address to it so that a download which should have been refused would have
found an image there.
"""

import io
import ssl
import subprocess
import time

import pytest
from django.utils import translation
from PIL import Image as PILImage

from articles.image_fetch import fetch_image
from tests.fake_internet import PUBLIC_ADDRESS


def jpeg_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (32, 24), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


PHOTO = jpeg_bytes()
REFUSED = r"^refused: "


@pytest.fixture
def internal(fake_internet):
    """A server with an image, as one inside the newsroom's network would have."""
    return fake_internet.serve({"/photo.jpg": (200, PHOTO)})


@pytest.fixture
def outlet(fake_internet):
    """A public image host, images.example.org."""

    def redirect_to(location):
        def answer(handler):
            handler.send_response(302)
            handler.send_header("Location", location)
            handler.end_headers()

        return answer

    server = fake_internet.serve(
        {
            "/photo.jpg": (200, PHOTO),
            "/moved.jpg": redirect_to("/photo.jpg"),
            "/to-loopback.jpg": redirect_to("http://127.0.0.1/photo.jpg"),
            "/loop.jpg": redirect_to("/loop.jpg"),
        }
    )
    fake_internet.host("images.example.org", server)
    return server


@pytest.mark.parametrize(
    ("url", "connects_to"),
    [
        ("http://127.0.0.1/photo.jpg", "127.0.0.1"),
        ("http://127.1/photo.jpg", "127.0.0.1"),
        ("http://2130706433/photo.jpg", "127.0.0.1"),
        ("http://0.0.0.0/photo.jpg", "0.0.0.0"),
        ("http://169.254.169.254/photo.jpg", "169.254.169.254"),
        ("http://10.1.2.3/photo.jpg", "10.1.2.3"),
        ("http://100.64.0.1/photo.jpg", "100.64.0.1"),
        ("http://[::1]/photo.jpg", "::1"),
        ("http://[::ffff:127.0.0.1]/photo.jpg", "::ffff:127.0.0.1"),
        ("http://[::127.0.0.1]/photo.jpg", "::127.0.0.1"),
        ("http://[64:ff9b::a9fe:a9fe]/photo.jpg", "64:ff9b::a9fe:a9fe"),
        ("http://[fd12:3456::1]/photo.jpg", "fd12:3456::1"),
    ],
)
def test_internal_address_is_refused_before_any_request(fake_internet, internal, url, connects_to):
    fake_internet.route(connects_to, 80, internal)
    with pytest.raises(ValueError, match=REFUSED):
        fetch_image(url)
    assert internal.requests == [] and fake_internet.connections == []


def test_name_resolving_to_a_private_address_is_refused(fake_internet, internal):
    fake_internet.names["intranet.example.org"] = ["10.0.0.7"]
    fake_internet.route("10.0.0.7", 80, internal)
    with pytest.raises(ValueError, match=REFUSED):
        fetch_image("http://intranet.example.org/photo.jpg")
    assert internal.requests == []


def test_name_with_one_private_address_among_public_ones_is_refused(fake_internet, internal):
    fake_internet.names["mixed.example.org"] = [PUBLIC_ADDRESS, "127.0.0.1"]
    fake_internet.route(PUBLIC_ADDRESS, 80, internal)
    with pytest.raises(ValueError, match=REFUSED):
        fetch_image("http://mixed.example.org/photo.jpg")
    assert internal.requests == []


def test_redirect_into_loopback_is_refused(fake_internet, outlet, internal):
    fake_internet.route("127.0.0.1", 80, internal)
    with pytest.raises(ValueError, match=REFUSED):
        fetch_image("http://images.example.org/to-loopback.jpg")
    assert outlet.requests == ["/to-loopback.jpg"] and internal.requests == []


def test_redirect_within_the_public_host_is_followed(outlet):
    assert fetch_image("http://images.example.org/moved.jpg").width == 32
    assert outlet.requests == ["/moved.jpg", "/photo.jpg"]


def test_endless_redirects_fail_after_a_few(outlet):
    with pytest.raises(ValueError, match="^failed: the address was redirected more than 5 times"):
        fetch_image("http://images.example.org/loop.jpg")
    assert len(outlet.requests) == 6


@pytest.mark.parametrize("port", [8080, 22, 6379])
def test_ports_other_than_80_and_443_are_refused(fake_internet, outlet, port):
    fake_internet.route(PUBLIC_ADDRESS, port, outlet)
    with pytest.raises(ValueError, match=REFUSED):
        fetch_image(f"http://images.example.org:{port}/photo.jpg")
    assert outlet.requests == []


def test_user_name_and_password_in_the_address_are_refused(outlet):
    with pytest.raises(ValueError, match=REFUSED):
        fetch_image("http://editor:secret@images.example.org/photo.jpg")
    assert outlet.requests == []


def test_dns_rebinding_cannot_move_the_connection_to_loopback(fake_internet, outlet, internal):
    answers = iter([[PUBLIC_ADDRESS]])
    fake_internet.names["rebind.example.org"] = lambda: next(answers, ["127.0.0.1"])
    fake_internet.route("127.0.0.1", 80, internal)
    assert fetch_image("http://rebind.example.org/photo.jpg").width == 32
    assert fake_internet.connections == [(PUBLIC_ADDRESS, 80)]
    assert outlet.requests == ["/photo.jpg"] and internal.requests == []


def _reason_and_banner(handler):
    handler.send_response(403, "Forbidden by gateway fw-7 (10.9.8.7)")
    handler.send_header("Content-Length", "31")
    handler.end_headers()
    handler.wfile.write(b"internal admin console, v2.3.1")


def _hang_up(handler):
    handler.close_connection = True
    handler.wfile.write(b"SSH-2.0-OpenSSH_9.2p1 Debian\r\n")


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (_reason_and_banner, "did not send the image"),
        ((404, b"no such file"), "did not send the image"),
        ((500, b"Traceback (most recent call last)"), "did not send the image"),
        (_hang_up, "did not send the image"),
        (None, "could not be reached"),
    ],
)
def test_failed_download_says_nothing_the_remote_said(fake_internet, answer, reason):
    server = fake_internet.serve({"/photo.jpg": answer} if answer else {})
    fake_internet.host("images.example.org", server)
    if answer is None:
        server.close()  # nothing listens there any more: the connection is refused
    with pytest.raises(ValueError) as error:
        fetch_image("http://images.example.org/photo.jpg")
    message = str(error.value)
    assert message == f"failed: the image server {reason}"
    for echo in ("403", "404", "500", "Forbidden", "10.9.8.7", "console", "Traceback", "SSH"):
        assert echo not in message
    assert "Errno" not in message and "refused" not in message


def _drip(handler, data):
    """One byte every 0.2 s, for at most 6 s, whether or not anyone still listens."""
    try:
        for byte in data[:30]:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


@pytest.mark.parametrize(
    "drip",
    [
        lambda handler: _drip(handler, b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 100),
        lambda handler: (
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n"),
            _drip(handler, PHOTO),
        ),
    ],
    ids=["headers", "body"],
)
def test_slow_drip_is_cut_off_at_the_overall_deadline(fake_internet, settings, drip):
    settings.NEWSDESK_IMAGE_TIMEOUT = 1
    fake_internet.host("slow.example.org", fake_internet.serve({"/photo.jpg": drip}))
    started = time.monotonic()
    with pytest.raises(ValueError, match=r"^failed: the image server was too slow \(limit: 1 s\)"):
        fetch_image("http://slow.example.org/photo.jpg")
    assert time.monotonic() - started < 4  # the server would drip on for 6 s (slack for a busy machine)


def test_image_over_the_byte_limit_is_cut_off_while_streaming(fake_internet, settings):
    settings.NEWSDESK_IMAGE_MAX_BYTES = 1024 * 1024

    def endless(handler):
        handler.send_response(200)
        handler.end_headers()
        try:
            while True:
                handler.wfile.write(b"\xff" * 65536)
        except OSError:
            pass

    server = fake_internet.serve({"/photo.jpg": endless})
    fake_internet.host("big.example.org", server)
    with pytest.raises(ValueError, match="larger than the 1 MB limit"):
        fetch_image("http://big.example.org/photo.jpg")


@pytest.fixture
def tls_outlet(fake_internet, tmp_path, monkeypatch):
    """images.example.org over https, with a certificate the test makes and trusts."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=images.example.org",
         "-addext", "subjectAltName=DNS:images.example.org",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server_names = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)
    server = fake_internet.serve({"/photo.jpg": (200, PHOTO)}, tls=context)
    server.server_names = server_names
    for name in ("images.example.org", "other.example.org"):
        fake_internet.host(name, server, port=443)
    return server


def test_https_is_pinned_to_the_checked_address_and_verified_against_the_name(
    fake_internet, tls_outlet
):
    assert fetch_image("https://images.example.org/photo.jpg").width == 32
    assert fake_internet.connections == [(PUBLIC_ADDRESS, 443)]
    assert tls_outlet.server_names == ["images.example.org"]


def test_https_with_a_certificate_for_another_name_fails(tls_outlet):
    with pytest.raises(
        ValueError, match="^failed: the image server's security certificate is not valid"
    ):
        fetch_image("https://other.example.org/photo.jpg")
    assert tls_outlet.requests == []


def test_refusal_speaks_chinese_to_a_chinese_editor(fake_internet, internal):
    fake_internet.route("169.254.169.254", 80, internal)
    with translation.override("zh-hans"), pytest.raises(ValueError) as error:
        fetch_image("http://169.254.169.254/photo.jpg")
    assert str(error.value) == "已拒绝：该地址指向内部网络，而不是公共互联网"


@pytest.mark.parametrize("address", ["::ffff:0:7f00:1", "fec0::1", "240.0.0.1"])
def test_translated_site_local_and_reserved_addresses_are_not_public(address):
    from articles.image_fetch import is_public

    assert not is_public(address)
