"""Search over both languages: a bounded candidate set from the database, ranked here.

Substring matching (icontains) behaves the same on SQLite and PostgreSQL and finds Chinese
words such as 气候, which have no spaces for a full-text tokenizer to split on. Scoring in
Python over at most CANDIDATE_LIMIT recent matches keeps the ranking portable and bounded.
"""

import html
import re
from dataclasses import dataclass

from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from .models import Article, Translation

CANDIDATE_LIMIT = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 50
EXCERPT_LENGTH = 180
FIELD_WEIGHTS = {"title": 5, "summary": 3, "body": 1}


@dataclass
class SearchResult:
    article: Article
    translation: Translation
    score: int
    title: SafeString
    excerpt: SafeString


def search_terms(query: str) -> list[str]:
    """The distinct words of a query, in order, bounded in number and length."""
    terms = []
    for word in query.split():
        word = word[:MAX_TERM_LENGTH]
        if word.casefold() not in {term.casefold() for term in terms}:
            terms.append(word)
    return terms[:MAX_TERMS]


def article_search(query: str, *, language: str) -> list[SearchResult]:
    """Published stories containing every word of `query`, best match first."""
    terms = search_terms(query)
    if not terms:
        return []
    candidates = (
        Article.objects.published()
        .matching(terms)
        .for_reader(language)
        .order_by("-published_at", "-id")[:CANDIDATE_LIMIT]
    )
    pattern = _terms_pattern(terms)
    results = []
    for article in candidates:
        scored = [
            (_score(translation, terms), translation) for translation in article.reader_translations
        ]
        # The reader's language comes first in reader_translations, so it wins ties.
        score, translation = max(scored, key=lambda pair: pair[0], default=(0, None))
        if score == 0 or not _contains_all(article, terms):
            continue  # the database matched markup only, not the text a reader sees
        results.append(
            SearchResult(
                article=article,
                translation=translation,
                score=score,
                title=highlight(translation.title, pattern),
                excerpt=highlight(_excerpt(translation, pattern), pattern),
            )
        )
    results.sort(key=lambda result: (result.score, result.article.published_at), reverse=True)
    return results


def highlight(text: str, pattern: re.Pattern) -> SafeString:
    """`text` escaped, with every match of `pattern` wrapped in <mark>."""
    parts, end = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[end : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group()))
        end = match.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))  # every piece was escaped above


def _terms_pattern(terms: list[str]) -> re.Pattern:
    longest_first = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in longest_first), re.IGNORECASE)


def _texts(translation: Translation) -> dict[str, str]:
    return {
        "title": translation.title,
        "summary": translation.summary,
        "body": html.unescape(strip_tags(translation.body)),
    }


def _score(translation: Translation, terms: list[str]) -> int:
    texts = {field: text.casefold() for field, text in _texts(translation).items()}
    return sum(
        FIELD_WEIGHTS[field] * text.count(term.casefold())
        for field, text in texts.items()
        for term in terms
    )


def _contains_all(article: Article, terms: list[str]) -> bool:
    everything = " ".join(
        text for translation in article.reader_translations for text in _texts(translation).values()
    ).casefold()
    return all(term.casefold() in everything for term in terms)


def _excerpt(translation: Translation, pattern: re.Pattern) -> str:
    """The dek if it matches, otherwise a window of the body around the first match."""
    texts = _texts(translation)
    if pattern.search(texts["summary"]) or not pattern.search(texts["body"]):
        return texts["summary"]
    body = " ".join(texts["body"].split())
    start = max(0, pattern.search(body).start() - EXCERPT_LENGTH // 3)
    excerpt = body[start : start + EXCERPT_LENGTH]
    return ("…" if start else "") + excerpt + ("…" if start + EXCERPT_LENGTH < len(body) else "")
