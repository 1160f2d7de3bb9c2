"""The reader's pages in real headless Chromium: screenshots and axe-core at two widths."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw
from playwright.sync_api import expect

from tests.factories import make_article, make_image, make_source
from tests.helpers import click_and_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

STORIES = [
    {
        "slug": "bonn-finance-talks",
        "tags": ["climate finance", "气候", "COP30"],
        "en": {
            "title": "Envoys in Bonn narrow gaps on a new climate finance goal",
            "summary": "Negotiators left the June session with a shorter draft text and a "
            "clearer split between public and private money.",
            "body": "<p>Negotiators from nearly 200 countries ended two weeks of talks in Bonn "
            "with a draft half the length of the one they started with.</p>"
            "<p>Developing countries pressed for a public-finance core, while richer nations "
            "argued that private investment has to count towards any new target.</p>"
            "<h2>What comes next</h2>"
            "<p>Ministers will take up the remaining options in the autumn, ahead of the "
            "summit in Belém.</p>",
        },
        "zh": {
            "title": "波恩谈判各方在新气候资金目标上缩小分歧",
            "summary": "六月会议结束时，谈判代表带走了一份更短的草案，"
            "公共资金与私人资金的分歧也更加清晰。",
            "body": "<p>来自近200个国家的谈判代表在波恩结束了为期两周的谈判，"
            "草案篇幅比开始时缩短了一半。</p>"
            "<p>发展中国家坚持以公共资金为核心，而较富裕的国家则认为私人投资必须计入任何新目标。</p>"
            "<h2>下一步</h2>"
            "<p>各国部长将在秋季讨论剩余选项，为贝伦峰会做准备。</p>",
        },
        "image": {"caption": "Delegates at the Bonn climate conference.", "credit": "UNFCCC"},
    },
    {
        "slug": "methane-pledge",
        "tags": ["methane", "气候"],
        "en": {
            "title": "Methane pledge gains five new signatories",
            "summary": "The additions bring the global pledge to cover about half of "
            "man-made methane emissions.",
            "body": "<p>Five countries joined the pledge on Tuesday.</p>",
        },
        "zh": {
            "title": "全球甲烷承诺新增五个签署国",
            "summary": "新增签署国使该承诺覆盖约一半的人为甲烷排放。",
            "body": "<p>五个国家于周二加入了该承诺。</p>",
        },
        "image": {"caption": "A gas flare.", "credit": "Reuters"},
    },
    {
        "slug": "china-eu-dialogue",
        "tags": ["气候", "China"],
        "en": False,
        "zh": {
            "title": "中欧气候高层对话聚焦碳市场合作",
            "summary": "双方同意就碳边境调节机制和全国碳市场扩容保持技术交流。",
            "body": "<p>中欧双方在北京举行了第五次气候高层对话。</p>",
        },
    },
    {
        "slug": "small-islands-loss-damage",
        "tags": ["loss and damage", "climate finance"],
        "en": {
            "title": "Small island states ask for faster access to the loss and damage fund",
            "summary": "A bloc of 39 island nations says application rules favour large "
            "economies with big ministries.",
            "body": "<p>The Alliance of Small Island States wrote to the fund's board.</p>",
        },
        "zh": {
            "title": "小岛屿国家呼吁加快获取损失与损害基金",
            "summary": "由39个岛国组成的集团表示，申请规则更有利于部门齐全的大型经济体。",
            "body": "<p>小岛屿国家联盟致函该基金董事会。</p>",
        },
        "image": {"caption": "A seawall in Tuvalu.", "credit": "AFP"},
    },
]


def landscape_jpeg() -> bytes:
    """A small picture of sky over sea, standing in for the outlets' photographs."""
    picture = PillowImage.new("RGB", (1200, 800))
    draw = ImageDraw.Draw(picture)
    for y in range(800):
        sky, sea = (70 + y // 8, 130 + y // 10, 190), (20, 80 + y // 20, 110 + y // 16)
        draw.line([(0, y), (1200, y)], fill=sky if y < 480 else sea)
    draw.ellipse([820, 120, 960, 260], fill=(250, 220, 140))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture
def stories():
    sources = [
        make_source(name="Carbon Brief", domain="carbonbrief.org"),
        make_source(name="Financial Times", domain="ft.com"),
    ]
    made = []
    for n, story in enumerate(STORIES):
        article = make_article(
            source=sources[n % 2],
            slug=story["slug"],
            en=story["en"],
            zh=story["zh"],
            tags=story["tags"],
            published_at=timezone.now() - timedelta(hours=3 + 20 * n),
            original_url=f"https://{sources[n % 2].domain}/stories/{story['slug']}",
        )
        if "image" in story:
            make_image(
                article,
                original_url=f"https://img.example.com/{story['slug']}.jpg",
                alt_text=story["image"]["caption"],
                width=1200,
                height=800,
                **story["image"],
            )
        made.append(article)
    return made


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script of its own; a later Content-Security-Policy must not stop it.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def reader_page(page):
    jpeg = landscape_jpeg()
    # The outlets' image hosts are outside; the tests answer for them.
    page.route(
        "https://img.example.com/**",
        lambda route: route.fulfill(status=200, body=jpeg, content_type="image/jpeg"),
    )
    return page


PAGES = {
    "home-en": "/en/",
    "home-zh": "/zh-hans/",
    "story-en": "/en/stories/bonn-finance-talks/",
    "story-zh": "/zh-hans/stories/bonn-finance-talks/",
    "story-bilingual": "/en/stories/bonn-finance-talks/bilingual/",
    "tag": "/zh-hans/topics/climate-finance/",
    "search": "/zh-hans/search/?q=气候",
}


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"rule": v["id"], "help": v["help"], "where": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible_and_renders(
    live_server, reader_page, stories, screenshot_dir, name, viewport
):
    page = reader_page
    page.set_viewport_size(VIEWPORTS[viewport])
    response = page.goto(live_server.url + PAGES[name])
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, 20_000)  # bring the lazy images in for the screenshot
    page.wait_for_load_state("networkidle")
    # Our own stylesheet applied (no CDN): the masthead uses the site's rule.
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).borderBottomStyle") == (
        "double"
    )
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    page.screenshot(path=screenshot_dir / f"site-{name}-{viewport}.png", full_page=True)
    assert axe_violations(page) == []


def test_bilingual_mode_is_side_by_side_on_desktop_and_stacked_on_a_phone(
    live_server, reader_page, stories
):
    page = reader_page
    page.goto(live_server.url + PAGES["story-bilingual"])
    first_pair = page.locator(".bilingual .pair:not(.pair-heading)").first
    english, chinese = first_pair.locator("div").nth(0), first_pair.locator("div").nth(1)
    page.set_viewport_size(VIEWPORTS["desktop"])
    assert english.bounding_box()["y"] == chinese.bounding_box()["y"]
    assert english.bounding_box()["x"] < chinese.bounding_box()["x"]
    page.set_viewport_size(VIEWPORTS["phone"])
    assert chinese.bounding_box()["y"] > english.bounding_box()["y"]
    assert english.bounding_box()["x"] == chinese.bounding_box()["x"]


def test_language_switch_and_search_work_by_clicking(live_server, reader_page, stories):
    page = reader_page
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto(live_server.url + PAGES["story-en"])
    click_and_load(page, ".language-switch a[hreflang=zh-hans]")
    expect(page.locator("h1")).to_have_text("波恩谈判各方在新气候资金目标上缩小分歧")
    page.fill("#site-search", "甲烷")
    click_and_load(page, ".site-nav button[type=submit]")
    expect(page.locator(".result mark").first).to_have_text("甲烷")
    click_and_load(page, ".result .card-title a")
    expect(page.locator("h1")).to_have_text("全球甲烷承诺新增五个签署国")


def test_images_below_the_fold_are_lazy(live_server, reader_page, stories):
    page = reader_page
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(live_server.url + "/en/")
    loading = page.locator(".card img").evaluate_all("imgs => imgs.map(i => i.loading)")
    assert loading[0] == "eager" and set(loading[1:]) == {"lazy"}


def test_print_shows_the_story_without_navigation(
    live_server, reader_page, stories, screenshot_dir
):
    page = reader_page
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto(live_server.url + PAGES["story-en"])
    page.emulate_media(media="print")
    assert page.locator(".site-nav").is_hidden()
    assert page.locator(".related").is_hidden()
    assert page.locator(".story-body").is_visible()
    page.screenshot(path=screenshot_dir / "site-story-en-print.png", full_page=True)


@pytest.mark.parametrize(
    ("language", "query", "count"),
    [("en", "climate", "More than 2 stories found"), ("zh-hans", "气候", "找到超过 2 篇报道")],
)
def test_a_search_with_more_matches_than_ranked_says_more_than(
    live_server, reader_page, stories, screenshot_dir, settings, language, query, count
):
    settings.SEARCH_RANKED_MATCHES = 2
    for days in range(1, 5):
        make_article(published_at=timezone.now() - timedelta(days=days))
    page = reader_page
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto(f"{live_server.url}/{language}/search/?q={query}")
    expect(page.locator(".result-count")).to_have_text(count)
    assert page.locator(".result").count() > 2  # the ranked ones, then the older ones
    page.screenshot(path=screenshot_dir / f"search-capped-{language}.png", full_page=True)
    assert axe_violations(page) == []
