"""Format A: a bilingual digest, Markdown with YAML front matter (see FORMATS.md)."""

import re
from datetime import UTC, date, datetime

import frontmatter
import yaml
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from ...messages import stored_message
from ...sanitize import sanitize_html
from .base import ParsedArticle, ParsedTranslation, ParseError, checked_publication_time
from .language import detect_language
from .markup import check_markdown_limits, inline_text, markdown_to_html, normalize_space
from .urls import canonical_url

FORMAT = "digest"
SECTION_BREAK = re.compile(r"^[ \t]*-{3,}[ \t]*$", re.MULTILINE)
LINK_LINE = re.compile(r"^[ \t]*\[([^\]\n]*)\]\((\S+)\)[ \t]*$", re.MULTILINE)
HEADING = re.compile(r"^[ \t]*(#{1,6})[ \t]+(.*)$", re.MULTILINE)
ESCAPED_PARAGRAPH_BREAK = "/n/n"
TAG_PREFIX = re.compile(r"^tag\s+", re.IGNORECASE)
MAX_FRONT_MATTER = 64 * 1024
# The fields are text or a list of tags. PyYAML's scanner slows with every open level and its
# composer recurses once per level, so depth is counted on the event stream, which stops early.
MAX_FRONT_MATTER_DEPTH = 10
# libyaml's parser, many times faster, where PyYAML was built with it; the same constructor and
# resolver make the same values of what both parsers read. What libyaml refuses goes to PyYAML's
# parser again, for its message.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Where libyaml reads what PyYAML refuses (a tab, a byte-order mark inside the text, control
# characters and Unicode line breaks): such front matter goes to PyYAML's parser, as before.
UNLIKE_IN_LIBYAML = re.compile("[\t\ufeff\x85\u2028\u2029\x00-\x08\x0b-\x1f\x7f-\x9f]")


class SafeYAMLHandler(frontmatter.YAMLHandler):
    """YAML front matter without aliases: an alias bomb is refused before it is expanded."""

    def load(self, fm, **kwargs):
        if len(fm) > MAX_FRONT_MATTER:
            raise ParseError(_("the front matter is larger than 64 KB"))
        try:
            try:
                slow = UNLIKE_IN_LIBYAML.search(fm)
                return _checked_load(fm, yaml.SafeLoader if slow else FAST_LOADER)
            except yaml.YAMLError:
                # Refused by libyaml: PyYAML's own parser says why, in the words quoted below.
                return _checked_load(fm, yaml.SafeLoader)
        except ParseError:
            raise
        except (ValueError, OverflowError) as error:  # a value YAML reads but cannot build
            raise ParseError(
                _("the front matter holds an impossible value: %(problem)s"), problem=str(error)
            ) from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            if mark:
                raise ParseError(
                    _("the front matter is not valid YAML at its line %(line)d: %(problem)s"),
                    line=mark.line + 1,
                    problem=problem,
                ) from None
            raise ParseError(
                _("the front matter is not valid YAML%(where)s: %(problem)s"),
                where="",
                problem=problem,
            ) from None


def _checked_load(fm: str, loader: type) -> object:
    """The front matter's value, refused at the first alias or nesting too deep: the event
    stream is read first, and stops there, before anything is built."""
    depth = 0
    for event in yaml.parse(fm, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise ParseError(_("the front matter uses YAML aliases (*name), not allowed"))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_FRONT_MATTER_DEPTH:
                raise ParseError(
                    _("the front matter has lists or fields nested more than %(limit)d deep"),
                    limit=MAX_FRONT_MATTER_DEPTH,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.load(fm, Loader=loader)


def parse_digest(text: str) -> ParsedArticle:
    handler = SafeYAMLHandler()
    try:
        front, content = handler.split(text.strip())
    except ValueError:
        raise ParseError(_("the front matter is not closed by a --- line")) from None
    meta = handler.load(front)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ParseError(_("the front matter is a list or a value, not a set of fields"))

    content = content.replace(ESCAPED_PARAGRAPH_BREAK, "\n\n")
    check_markdown_limits(content)
    original_url = _original_url(content)
    article = ParsedArticle(
        format=FORMAT,
        original_url=original_url,
        published_at=checked_publication_time(_published_at(meta.get("date"))),
        source_code=_text(meta, "author").lower(),
        tags=_tags(meta.get("tag", meta.get("tags"))),
    )
    for section in SECTION_BREAK.split(content):
        _add_section(article, _without_link_lines(section, original_url))
    _add_front_matter_texts(
        article, title=_text(meta, "title"), description=_text(meta, "description")
    )
    if not article.translations:
        raise ParseError(_("the story has no headline in either language"))
    return article


def _original_url(content: str) -> str:
    links = LINK_LINE.findall(content)
    if not links:
        raise ParseError(
            _("no link to the original article ([原文链接](URL) or [Source Link](URL))")
        )
    return canonical_url(links[0][1])


def _without_link_lines(section: str, original_url: str) -> str:
    def keep_other_links(match):
        try:
            is_original = canonical_url(match[2]) == original_url
        except ParseError:
            is_original = False
        return "" if is_original else match[0]

    return LINK_LINE.sub(keep_other_links, section)


def _add_section(article: ParsedArticle, section: str) -> None:
    if not section.strip():
        return
    title, body_markdown = "", section
    if heading := HEADING.search(section):
        title = inline_text(heading[2])
        body_markdown = section[: heading.start()] + section[heading.end() :]
    # The section's own headline is the page's h1; headings inside the body step down one level.
    body_markdown = HEADING.sub(
        lambda m: f"{m[1]}# {m[2]}" if len(m[1]) < 6 else m[0], body_markdown
    )
    language = detect_language(f"{title}\n{body_markdown}")
    if not language:
        article.warnings.append(
            stored_message(gettext_lazy("a section with no words in it was skipped"))
        )
        return
    sanitized = sanitize_html(markdown_to_html(body_markdown))
    article.sanitizer_removed.extend(sanitized.removed)
    existing = article.translation(language)
    if existing:
        article.warnings.append(
            stored_message(
                gettext_lazy("two %(language)s sections: the second was added to the first"),
                language=language,
            )
        )
        existing.body = f"{existing.body}\n{sanitized.html}".strip()
        existing.title = existing.title or title
        return
    article.translations.append(
        ParsedTranslation(language=language, title=title, body=sanitized.html)
    )


def _add_front_matter_texts(article: ParsedArticle, *, title: str, description: str) -> None:
    if title:
        language = detect_language(title)
        translation = article.translation(language)
        if translation is None:
            article.translations.append(ParsedTranslation(language=language, title=title))
        elif not translation.title:
            translation.title = title
    if description:
        language = detect_language(description)
        translation = article.translation(language)
        if translation is None:
            article.warnings.append(
                stored_message(
                    gettext_lazy(
                        "the description is in %(language)s but the story has no %(language)s "
                        "version: kept in the import record only"
                    ),
                    language=language,
                )
            )
        else:
            translation.summary = description
    for translation in article.translations:
        if not translation.title:
            raise ParseError(
                _("the %(language)s section has no # headline"), language=translation.language
            )


def _published_at(value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ParseError(
            _("the date %(value)r is not an ISO 8601 time"), value=str(value)
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _tags(value) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    tags = [TAG_PREFIX.sub("", _text({"tag": item}, "tag")).lower() for item in items]
    return list(dict.fromkeys(tag for tag in tags if tag))


def _text(meta: dict, name: str) -> str:
    value = meta.get(name)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ParseError(
            _("the front-matter field %(name)r holds a list or mapping, not text"), name=name
        )
    return normalize_space(str(value))
