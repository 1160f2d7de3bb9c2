"""Reading the test fixtures (story files of our own in the shapes of FORMATS.md) and the
sitemap."""

import xml.etree.ElementTree as ET
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def sitemap_pages(client) -> list:
    """The sitemap index and every page it lists, as responses."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    root = ET.fromstring(index.content)
    assert root.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    pages = [index]
    for location in root.iter(f"{{{SITEMAP_NS}}}loc"):
        page = client.get(location.text.removeprefix("http://testserver"))
        assert page.status_code == 200
        pages.append(page)
    return pages


def paste(element, *, html: str, text: str) -> None:
    """What the browser does when a person pastes `html` (with `text` as its plain form) into
    `element`, a Playwright locator: a real paste event, as from the clipboard."""
    element.evaluate(
        """(element, [html, text]) => {
          const data = new DataTransfer();
          data.setData("text/html", html);
          data.setData("text/plain", text);
          element.dispatchEvent(new ClipboardEvent("paste", {
            clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        [html, text],
    )


def switch_admin_language(page, language: str) -> None:
    """Pick `language` in the admin's language switcher and wait for the page it reloads."""
    page.wait_for_load_state()
    with page.expect_navigation():
        page.select_option("#desk-language-select", language)


def click_and_load(page, target) -> None:
    """Click `target` (a selector or a locator) and wait until the page it leads to has loaded:
    what the test reads next (the database, the new page) is what that click did, and what it
    does next on the page meets the page's scripts in place (they run before the load event).
    Playwright's click alone waits only for the next page to start arriving."""
    locator = page.locator(target) if isinstance(target, str) else target
    with page.expect_navigation():
        locator.click()
