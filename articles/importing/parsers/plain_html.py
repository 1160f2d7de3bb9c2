"""A feed item's body of plain markup as a tree, the tree BeautifulSoup's html.parser would
build of it, at a sixth of the cost: building that tree was two fifths of parsing a feed item.

Only for plain markup: tags of `TAGS` in lower case, attributes `name="value"` without
entities, every element closed in order, text without `&`, `<` or `>`. There html.parser and
BeautifulSoup hold exactly the elements, attributes and strings written (BeautifulSoup makes a
string of whitespace alone one space, or one newline if it has one), and print them back as
written but for `<br/>`, `<img .../>` and attributes in the order of their names. Anything
else (an entity, a comment, a script, a stray `>`, an unclosed tag) is not plain: `plain_tree`
returns None and the caller builds BeautifulSoup's tree. The methods are BeautifulSoup's that
the feed parser calls, with the same results (tests/test_parsers_plain_html.py compares both
trees on generated bodies).
"""

import re
from collections.abc import Iterator

TAGS = frozenset({"p", "div", "span", "i", "b", "em", "strong", "small", "img", "br"})
VOID_TAGS = frozenset({"img", "br"})
TOKEN = re.compile(
    r'<(?P<end>/)?(?P<name>[a-z]+)(?P<attrs>(?: [a-z][a-z-]*="[^"&<>]*")*) ?(?P<void>/)?>'
    r"|(?P<text>[^<>&]+)"
)
ATTRIBUTE = re.compile(r' ([a-z][a-z-]*)="([^"&<>]*)"')
ASCII_SPACES = frozenset("\x20\x0a\x09\x0c\x0d")
# Attributes BeautifulSoup holds as lists of words: plain only when one word.
WORD_LISTS = frozenset(
    {"class", "rel", "rev", "accept-charset", "headers", "accesskey", "dropzone"}
)


class Text(str):
    """A string of the tree, as BeautifulSoup's NavigableString: a str with a parent."""

    name = None
    parent: "Element"


class Element:
    def __init__(self, name: str, attrs: dict[str, str], parent: "Element | None"):
        self.name, self.attrs, self.parent = name, attrs, parent
        self.contents: list[Element | Text] = []
        self.decomposed = False

    def get(self, key: str, default=None):
        return self.attrs.get(key, default)

    def descendants(self) -> Iterator["Element | Text"]:
        for child in self.contents:
            yield child
            if isinstance(child, Element):
                yield from child.descendants()

    def find_all(self, name: str) -> list["Element"]:
        return [e for e in self.descendants() if isinstance(e, Element) and e.name == name]

    def find_parent(self, name: str) -> "Element | None":
        parent = self.parent
        while parent is not None and parent.name != name:
            parent = parent.parent
        return parent

    def find_next(self, names: list[str]) -> "Element | None":
        """The first element named one of `names` after this one's start, in document order."""
        found = False
        for element in _root(self).descendants():
            if element is self:
                found = True
            elif found and isinstance(element, Element) and element.name in names:
                return element
        return None

    def get_text(self, separator: str = "", strip: bool = False) -> str:
        strings = (s.strip() if strip else s for s in self.descendants() if isinstance(s, Text))
        return separator.join(s for s in strings if s)

    def decompose(self) -> None:
        self.parent.contents.remove(self)
        self.decomposed = True
        for element in self.descendants():
            if isinstance(element, Element):
                element.decomposed = True

    def decode_contents(self) -> str:
        return "".join(map(str, self.contents))

    def __str__(self) -> str:
        if self.name is None:  # the root: its contents, as str(BeautifulSoup(...))
            return self.decode_contents()
        # In the order of their names, as BeautifulSoup's formatter prints them.
        attributes = "".join(f' {name}="{value}"' for name, value in sorted(self.attrs.items()))
        if self.name in VOID_TAGS:
            return f"<{self.name}{attributes}/>"
        return f"<{self.name}{attributes}>{self.decode_contents()}</{self.name}>"


def _root(element: Element) -> Element:
    while element.parent is not None:
        element = element.parent
    return element


def plain_tree(html: str) -> Element | None:
    """The tree of `html` if it is plain markup (see above), else None."""
    root = current = Element(None, {}, None)
    position = 0
    for token in TOKEN.finditer(html):
        if token.start() != position:
            return None
        position = token.end()
        if (text := token["text"]) is not None:
            if all(character in ASCII_SPACES for character in text):
                text = "\n" if "\n" in text else " "
            string = Text(text)
            string.parent = current
            current.contents.append(string)
            continue
        name = token["name"]
        if name not in TAGS:
            return None
        if token["end"]:
            if current.name != name or token["attrs"] or token["void"]:
                return None
            current = current.parent
            continue
        attrs = dict(ATTRIBUTE.findall(token["attrs"]))
        if len(attrs) != token["attrs"].count('="') or (token["void"] and name not in VOID_TAGS):
            return None  # an attribute written twice, or a <p/> that html.parser would keep open
        if any(attrs[key].split() != [attrs[key]] for key in WORD_LISTS.intersection(attrs)):
            return None
        element = Element(name, attrs, current)
        current.contents.append(element)
        if name not in VOID_TAGS:
            current = element
    if position != len(html) or current is not root:
        return None
    return root
