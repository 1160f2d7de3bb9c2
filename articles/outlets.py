"""Outlets the newsroom reads, so a Source found on import has a proper name from the start.

Editors rename sources freely in the admin; this table only names new ones.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    domain: str
    name: str
    codes: tuple[str, ...]


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
    Outlet("theguardian.com", "The Guardian / 卫报", ("guardian",)),
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


def outlet_for(domain: str, code: str = "") -> Outlet | None:
    """The outlet of a domain (or of its parent domain: on.ft.com -> ft.com), else of a code."""
    parts = domain.split(".")
    for start in range(len(parts) - 1):
        if outlet := BY_DOMAIN.get(".".join(parts[start:])):
            return outlet
    return BY_CODE.get(code.lower()) if code else None
