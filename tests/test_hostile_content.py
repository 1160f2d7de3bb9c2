"""Hostile content end to end: the OWASP XSS filter evasion vectors, written into story files
of both formats, imported, then every page that shows them opened in headless Chromium.

No script may run (an alert, confirm or prompt, a console hook, a request to the vectors'
address), and no vector may vanish silently: each is shown as text, or its file's import
record says what the sanitiser removed.
"""

import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles.models import Article, ImportRecord
from tests.helpers import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VECTORS = [v for v in (FIXTURES / "xss_vectors.txt").read_text().splitlines() if v.strip()]
PER_STORY = 7
# The vectors point at 127.0.0.1:9 (discard): a request there means one of them came alive.
VECTOR_ADDRESS = "127.0.0.1:9"
HOOK = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xss.push(name + ":" + args.join(",")); };
}
"""


# Anything still able to run when a person hovers, clicks or submits: event handlers and
# javascript: addresses, wherever they stand in the page.
ARMED = """() => {
  const URL_ATTRIBUTES = ["href", "src", "action", "formaction", "xlink:href", "data",
                          "background", "poster", "srcset", "dynsrc", "lowsrc"];
  const armed = [...(window.__xss || [])];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const address = URL_ATTRIBUTES.includes(attr.name) ||
        (el.tagName === "META" && /refresh/i.test(el.getAttribute("http-equiv") || ""));
      if (attr.name.startsWith("on") ||
          (address && /^[\\s\\x00-\\x20]*(javascript|vbscript|data):/i.test(attr.value))) {
        armed.push(`${el.tagName} ${attr.name}=${attr.value}`);
      }
    }
  }
  return armed;
}"""


def chunks():
    for start in range(0, len(VECTORS), PER_STORY):
        yield (
            start // PER_STORY,
            [
                (f"V{start + n:02d}", vector)
                for n, vector in enumerate(VECTORS[start : start + PER_STORY])
            ],
        )


def digest(n, vectors):
    url = f"https://www.example.org/xss-digest-{n}"
    front = yaml.safe_dump(
        {
            "title": f"{vectors[0][1]} 气候谈判测试",
            "date": f"2026-01-{n + 1:02d}T08:00:00.000Z",
            "description": f"Summary {vectors[1][1]}",
            "tag": [f"Tag xss{n}", f"Tag {vectors[2][1][:30]}"],
            "author": "ft",
        },
        allow_unicode=True,
    )
    english = "\n\n".join(f"{key}: {vector}" for key, vector in vectors)
    chinese = "\n\n".join(f"{key}：气候 {vector}" for key, vector in vectors)
    return (
        f"---\n{front}---\n\n[原文链接]({url})\n\n# **测试** 气候谈判 {n}\n\n{chinese}\n\n---\n\n"
        f"# Hostile digest {n}\n\n{english}\n\n[Source Link]({url})\n"
    )


def feed_item(n, vectors):
    title = re.sub(r"([\\\[\]])", r"\\\1", vectors[0][1].replace("\n", " "))
    body = "<br /><br />".join(f"{key}：气候 {vector}" for key, vector in vectors)
    images = "".join(
        f'<img src="https://images.weserv.nl?url=127.0.0.1:7/x{n}-{i}.jpg">'
        f"<div><small>图片 {vector}（美联社照片）</small></div>"
        for i, (_key, vector) in enumerate(vectors[:2])
    )
    return (
        f"<!--17416944{n:05d}-->\n[{title} 气候]"
        f"(https://www.voachinese.com/a/xss-feed-{n}.html)\n------\n\n{images}<p>{body}</p>\n"
    )


@pytest.fixture
def hostile_stories(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    for n, vectors in chunks():
        (folder / f"{n:03d}_digest.txt").write_text(digest(n, vectors), encoding="utf-8")
        (folder / f"{n:03d}_feed.txt").write_text(feed_item(n, vectors), encoding="utf-8")
    out = io.StringIO()
    call_command("import_articles", str(folder), publish=True, no_fetch_images=True, stdout=out)
    assert f"{2 * len(list(chunks()))} created" in out.getvalue()
    return folder


@pytest.fixture
def watched(page):
    """The page, with every way a vector could come alive recorded."""
    fired = []
    page.add_init_script(HOOK)
    page.on("dialog", lambda dialog: (fired.append(f"dialog {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda m: fired.append(f"console {m.text}") if "XSS" in m.text else None)
    page.on(
        "request", lambda r: fired.append(f"request {r.url}") if VECTOR_ADDRESS in r.url else None
    )

    def visit(url):
        page.goto(url)
        page.wait_for_load_state("load")
        fired.extend(page.evaluate(ARMED))
        return page

    visit.fired = fired
    return visit


def public_urls(live_server):
    urls = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            urls += [reverse("home"), reverse("feed_rss"), reverse("feed_atom")]
            urls += [f"{reverse('search')}?q={q}" for q in ("alert", "script", "onerror", "气候")]
            for article in Article.objects.all():
                urls.append(reverse("article_detail", kwargs={"slug": article.slug}))
                urls.append(reverse("article_bilingual", kwargs={"slug": article.slug}))
            for slug in {tag.slug for a in Article.objects.all() for tag in a.tags.all()}:
                urls.append(reverse("tag", kwargs={"slug": slug}))
    return [live_server.url + url for url in urls]


def test_no_vector_runs_on_any_public_page_or_feed(hostile_stories, live_server, watched):
    for url in public_urls(live_server):
        watched(url)
    assert watched.fired == []


def test_no_vector_runs_in_the_admin(hostile_stories, live_server, watched, django_user_model):
    django_user_model.objects.create_superuser("chief", password="pw-chief-long-enough")
    page = watched(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "chief")
    page.fill("input[name=password]", "pw-chief-long-enough")
    page.click("input[type=submit]")
    urls = ["/admin/articles/article/", "/admin/articles/importrecord/", "/admin/taggit/tag/"]
    urls += [
        f"/admin/articles/article/{pk}/change/"
        for pk in Article.objects.values_list("pk", flat=True)
    ]
    urls += [
        f"/admin/articles/article/{pk}/history/"
        for pk in Article.objects.values_list("pk", flat=True)[:3]
    ]
    urls += [
        f"/admin/articles/importrecord/{pk}/change/"
        for pk in ImportRecord.objects.values_list("pk", flat=True)
    ]
    for url in urls:
        response = watched(live_server.url + url)
        assert "/admin/login/" not in response.url
    assert watched.fired == []


def test_no_vector_is_lost_silently(hostile_stories, live_server, page):
    """Each vector's paragraph is on the page; what the page lost, the import record names."""
    for article in Article.objects.prefetch_related("import_records"):
        with translation.override("en"):
            page.goto(live_server.url + reverse("article_detail", kwargs={"slug": article.slug}))
        text = page.locator("main").inner_text()
        record = article.import_records.get()
        raw = Path(record.path).read_text(encoding="utf-8")
        removed = " ".join(record.sanitizer_removed)
        pattern = r"(V\d\d)[:：](?:气候 )?(.*?)(?=<br /><br />V\d\d|\n\n|</p>|$)"
        for key, vector in re.findall(pattern, raw):
            assert key in text or key in removed, f"{key} vanished from {article.slug} unreported"
            shown = vector.strip() in text
            assert shown or removed, f"{key} lost without a report: {vector!r}"
