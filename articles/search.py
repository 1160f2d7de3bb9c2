"""Search over both languages: a bounded candidate set from the database, ranked here.

Substring matching (icontains) behaves the same on SQLite and PostgreSQL and finds Chinese
words such as 气候, which have no spaces for a full-text tokenizer to split on. Scoring in
Python over at most CANDIDATE_LIMIT recent matches keeps the ranking portable and bounded.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Article, Translation
from .text import plain_text

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
    folded_terms = [term.casefold() for term in terms]
    results = []
    for article in candidates:
        texts = [
            (translation, _reader_text(translation)) for translation in article.reader_translations
        ]
        everything = " ".join(text for _, fields in texts for text in fields.values()).casefold()
        if not all(term in everything for term in folded_terms):
            continue  # the database matched markup only, not the text a reader sees
        # The reader's language comes first in reader_translations, so it wins ties.
        score, translation, fields = max(
            ((_score(fields, folded_terms), translation, fields) for translation, fields in texts),
            key=lambda scored: scored[0],
        )
        results.append(
            SearchResult(
                article=article,
                translation=translation,
                score=score,
                title=highlight(translation.title, pattern),
                excerpt=highlight(_excerpt(fields, pattern), pattern),
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


def _reader_text(translation: Translation) -> dict[str, str]:
    """What a reader sees of each field."""
    return {
        "title": translation.title,
        "summary": translation.summary,
        "body": plain_text(translation.body, translation.language),
    }


def _score(fields: dict[str, str], folded_terms: list[str]) -> int:
    return sum(
        FIELD_WEIGHTS[field] * text.casefold().count(term)
        for field, text in fields.items()
        for term in folded_terms
    )


def _excerpt(fields: dict[str, str], pattern: re.Pattern) -> str:
    """The dek if it matches, otherwise a window of the body around the first match, or the
    start of the body for a story without a dek."""
    body = fields["body"]
    first = pattern.search(body)
    if pattern.search(fields["summary"]) or not first:
        return fields["summary"] or _window(body, 0)
    return _window(body, max(0, first.start() - EXCERPT_LENGTH // 3))


def _window(body: str, start: int) -> str:
    excerpt = body[start : start + EXCERPT_LENGTH]
    return ("…" if start else "") + excerpt + ("…" if start + EXCERPT_LENGTH < len(body) else "")
