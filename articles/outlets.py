"""Outlets the newsroom reads, so a Source found on import has a proper name from the start,
and the host names under which one outlet serves the same stories.

Editors rename sources freely in the admin; this table only names new ones.
Pure (no Django): migration 0008 folds stored addresses with `story_host`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    domain: str
    name: str
    codes: tuple[str, ...]
    # Other hosts that serve this outlet's stories at the same paths.
    aliases: tuple[str, ...] = ()


OUTLETS = [
    Outlet("ft.com", "Financial Times / 金融时报", ("ft",)),
    Outlet("voachinese.com", "VOA Chinese / 美国之音", ("voa", "voachinese")),
    Outlet("reuters.com", "Reuters / 路透社", ("reuters",)),
    Outlet("bloomberg.com", "Bloomberg / 彭博社", ("bloomberg",)),
    Outlet("economist.com", "The Economist / 经济学人", ("economist",)),
    Outlet("nytimes.com", "The New York Times / 纽约时报", ("nyt", "nytimes")),
    Outlet("cn.nytimes.com", "The New York Times Chinese / 纽约时报中文网", ("nytcn",)),
    Outlet("wsj.com", "The Wall Street Journal / 华尔街日报", ("wsj",)),
    Outlet("cn.wsj.com", "The Wall Street Journal Chinese / 华尔街日报中文网", ("wsjcn",)),
    Outlet("dw.com", "Deutsche Welle / 德国之声", ("dw",)),
    Outlet("rfi.fr", "RFI / 法国国际广播电台", ("rfi",)),
    Outlet("bbc.com", "BBC / 英国广播公司", ("bbc",)),
    Outlet("bbc.co.uk", "BBC / 英国广播公司", ("bbcuk",)),
    Outlet("theguardian.com", "The Guardian / 卫报", ("guardian",), ("amp.theguardian.com",)),
    Outlet("apnews.com", "Associated Press / 美联社", ("ap",)),
    Outlet("afp.com", "AFP / 法新社", ("afp",)),
    Outlet("scmp.com", "South China Morning Post / 南华早报", ("scmp",)),
    Outlet("caixin.com", "Caixin / 财新", ("caixin",)),
    Outlet("carbonbrief.org", "Carbon Brief", ("carbonbrief",)),
    Outlet("politico.eu", "Politico Europe", ("politico",)),
    Outlet("washingtonpost.com", "The Washington Post / 华盛顿邮报", ("wapo",)),
    Outlet("xinhuanet.com", "Xinhua / 新华社", ("xinhua",)),
]
BY_DOMAIN = {outlet.domain: outlet for outlet in OUTLETS}
BY_CODE = {code: outlet for outlet in OUTLETS for code in outlet.codes}
BY_ALIAS = {alias: outlet.domain for outlet in OUTLETS for alias in outlet.aliases}
# The desktop site under `www.` and the mobile sites: one host each story is also found under.
# Other subdomains stay apart: cn.nytimes.com is its own outlet, m.cn.nytimes.com its mobile site.
HOST_PREFIXES = ("www", "m", "mobile", "wap")


def story_host(host: str) -> str:
    """The one form of a host name in a story's address: lower-case, without `www.` or a mobile
    prefix (`m.`, `mobile.`, `wap.`), an outlet's alias as the outlet's domain.

    The bare host rather than each outlet's preferred one, so that identities never change when
    the table above grows; the outlets' bare hosts redirect to their sites. Changing what this
    folds changes stories' identities: it takes a migration like 0008 to merge what it joins.
    """
    host = host.lower().rstrip(".")
    labels = host.split(".")
    while len(labels) > 2 and labels[0] in HOST_PREFIXES:
        labels = labels[1:]
    host = ".".join(labels)
    return BY_ALIAS.get(host, host)


def outlet_for(domain: str, code: str = "") -> Outlet | None:
    """The outlet of a domain (or of its parent domain: on.ft.com -> ft.com), else of a code."""
    parts = domain.split(".")
    for start in range(len(parts) - 1):
        if outlet := BY_DOMAIN.get(".".join(parts[start:])):
            return outlet
    return BY_CODE.get(code.lower()) if code else None


def source_domain(host: str) -> str:
    """The domain of the one Source of a host: a known outlet's domain for any of its hosts
    (m.ft.com, on.ft.com -> ft.com), else the host as a story's address has it."""
    host = story_host(host)
    outlet = outlet_for(host)
    return outlet.domain if outlet else host
