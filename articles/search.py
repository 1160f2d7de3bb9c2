"""Search over both languages, through an index kept with every write of a story.

Words are made into tokens here, the same way for the index and for the query, whatever the
engine: text is folded (case, accents, full-width forms), runs of Han characters become their
overlapping bigrams (as Lucene's CJK analyser does, so 气候 is found in 气候变化 but not in a
text with 气 and 候 apart), and English words are left whole for the engine to stem
(`search_backends.py`, which holds the index and its SQL). Only published stories are found:
the rule is applied when searching, so a scheduled story is found from its publication time on
without any write. Only ready translations are indexed (marking one ready or draft is a save of
it, which writes the index), so a draft's words never find a story nor show in a result.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Article, State, Translation
from .sanitize import clean_html
from .search_backends import FIELD_WEIGHTS, Phrase, QueryToken, order_key, search_backend
from .text import plain_text

MAX_TERMS = 8
MAX_TERM_LENGTH = 50
EXCERPT_LENGTH = 180
MARKUP = re.compile(r"<[^>]*>")
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# The combining marks of Latin, Greek and Cyrillic accents; the marks other scripts write
# their vowels with are letters to keep.
DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
WORD = re.compile(f"[{HAN}]+|[^\\W_{HAN}]+")
HAN_START = re.compile(f"[{HAN}]")
BIGRAMS = re.compile("(?=(..))", re.DOTALL)  # each character with the next, overlapping


@dataclass
class SearchResult:
    article: Article
    translation: Translation
    score: int
    title: SafeString
    excerpt: SafeString


def search_terms(query: str, limit: int = MAX_TERMS) -> list[str]:
    """The first `limit` distinct words of a query, in order, bounded in length."""
    terms, seen = [], set()
    for word in query.split():
        if len(terms) == limit:
            break
        word = word[:MAX_TERM_LENGTH]
        if word.casefold() not in seen:
            seen.add(word.casefold())
            terms.append(word)
    return terms


def words_left_out(query: str) -> bool:
    """Whether `query` has more distinct words than a search uses."""
    return len(search_terms(query, limit=MAX_TERMS + 1)) > MAX_TERMS


def article_search(query: str, *, language: str) -> "SearchResults":
    """Published stories containing every word of `query`, best match first."""
    return SearchResults(search_terms(query), language=language)


@dataclass
class AdminMatches:
    found: Q  # a filter on Article
    more: bool  # more stories contain the words than `found` lets through


def article_search_match(query: str, *, among: QuerySet) -> AdminMatches:
    """The stories of `among` containing every word of `query`, in any state (the admin's
    search): the newest `ranked_matches()` of them, listed by id, so that the list's count and
    page read no more of the index. Draft translations are not in the index: they are found
    by headline."""
    terms = search_terms(query)
    phrases = query_phrases(terms)
    if not phrases:
        return AdminMatches(found=Q(pk__in=[]), more=False)
    drafts = Translation.objects.drafts()
    for term in terms:
        drafts = drafts.filter(title__icontains=term)
    listed = ranked_matches()
    ids = search_backend().newest(phrases, among=among, offset=0, limit=listed + 1)
    found = Q(pk__in=ids[:listed]) | Q(pk__in=drafts.values("article_id"))
    return AdminMatches(found=found, more=len(ids) > listed)


def ranked_matches() -> int:
    """How many matches a search ranks by relevance: the newest this many, when a word is
    in more stories than that. The count of matches stops there, too."""
    return settings.SEARCH_RANKED_MATCHES


class SearchResults:
    """Every match, fetched a page at a time, as a paginator slices a QuerySet:
    `count(limit=...)`, then `results[start:stop]`.

    A word in every story cannot be counted, nor all its matches ranked, in a time that does
    not grow with the archive: as search engines do (Elasticsearch counts up to 10,000 hits
    and says "10,000+"), the matches are counted up to a bound, and when there are more the
    newest `ranked_matches` (by publication time, the engine's own order, so taking them stops
    early) are ranked by relevance; the older ones follow, newest first, so every match can
    still be reached by paging, and found at once by a more precise query. A rarer word's
    matches are all counted and ranked."""

    def __init__(self, terms: list[str], *, language: str):
        self.terms, self.language = terms, language
        self.phrases = query_phrases(terms)
        self.ranked_matches = ranked_matches()
        # The published state only: the index holds ready translations alone, so a story it
        # finds has one. Asked again here, the readiness makes SQLite walk every published
        # story instead of starting from the index's matches (9 ms to 60 ms for a rare word).
        # The engine reads the published stories' part of its order alone, from now down.
        now = timezone.now()
        self.where = {
            "among": Article.objects.in_state(State.PUBLISHED, now),
            "published_by": now,
        }

    def count(self, limit: int | None = None) -> int:
        """How many stories match, counted up to `limit` (by default, one past the ranked
        ones: more than `ranked_matches` then means "more than we count"). Up to there, the
        ranking's own walk along the matches counts them: no second walk."""
        limit = limit or self.ranked_matches + 1
        if not self.phrases:
            return 0
        if limit <= self.ranked_matches + 1:
            ranked, more = self._ranked
            return min(len(ranked) + more, limit)
        return search_backend().count(self.phrases, limit=limit, **self.where)

    @cached_property
    def _ranked(self) -> tuple[list[int], bool]:
        """The ids of the newest `ranked_matches` matches, best first, and whether there are
        more."""
        return search_backend().ranked(self.phrases, candidates=self.ranked_matches, **self.where)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        ids = []
        if start < min(stop, self.ranked_matches) and self.phrases:
            ids += self._ranked[0][start:stop]
        if stop > self.ranked_matches and self.phrases:
            older = max(start, self.ranked_matches)
            backend = search_backend()
            ids += backend.newest(self.phrases, offset=older, limit=stop - older, **self.where)
        return self._results(ids) if ids else []

    def _results(self, ids: list[int]) -> list[SearchResult]:
        articles = Article.objects.filter(pk__in=ids).for_reader(self.language).in_bulk()
        pattern = _terms_pattern(self.terms)
        folded_terms = [term.casefold() for term in self.terms]
        results = []
        for article in (articles[pk] for pk in ids if pk in articles):
            texts = [
                (translation, _reader_text(translation))
                for translation in article.reader_translations
            ]
            if not texts:
                continue
            # The reader's language comes first in reader_translations, so it wins ties.
            score, translation, fields = max(
                ((_score(fields, folded_terms), t, fields) for t, fields in texts),
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
        return results


# -- The index --------------------------------------------------------------------------------


def search_index_update(
    article_ids: Iterable[int],
    *,
    translations: Iterable[Translation] | None = None,
    documents: dict[int, dict[str, str]] | None = None,
) -> None:
    """Index these stories' ready translations as they are now, in the caller's transaction;
    a story without any (or gone) leaves the index. The one writer of the index: signals call
    it for each save and delete of a translation, the import and "take imported" for the
    translations they create in bulk, `rebuild_search_index` for all. `translations`, all
    those of these stories, saved just before, spare reading them again; `documents`, of
    some of them, made from those translations before (`parsed_document`), spare making
    them again."""
    article_ids = set(article_ids)
    if not article_ids:
        return
    if translations is None:
        translations = Translation.objects.ready().filter(article_id__in=article_ids)
    else:
        translations = [t for t in translations if t.is_ready]
    translations = sorted(translations, key=lambda t: (t.article_id, t.language))
    by_article: dict[int, list[Translation]] = {}
    for translation in translations:
        by_article.setdefault(translation.article_id, []).append(translation)
    backend = search_backend()
    if gone := article_ids - set(by_article):
        backend.remove(gone)
    documents = documents or {}
    backend.index(
        {pk: documents.get(pk) or document_fields(found) for pk, found in by_article.items()}
    )


def search_index_rebuild(*, batch_size: int = 1000) -> int:
    """Index every story again, one batch a transaction, so that nobody waits for more than
    a batch; returns how many stories there are."""
    search_backend().repair()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            search_index_update(ids[start : start + batch_size])
    return len(ids)


def _translation_changed(sender, instance, **kwargs):
    search_index_update([instance.article_id])


def _article_saved(sender, instance, created, update_fields=None, **kwargs):
    # A new story has no document yet: its translations' saves make it, in its place.
    if created or (
        update_fields is not None and not {"status", "published_at"} & set(update_fields)
    ):
        return
    key = order_key(instance.pk, instance.status, instance.published_at, instance.created_at)
    search_backend().reorder(instance.pk, key)


# Raw saves too: a restored revision and a loaded backup write translations raw. A story's
# delete takes its SearchDocument with it (the foreign key cascades).
post_save.connect(_translation_changed, sender=Translation, dispatch_uid="search-index-save")
post_delete.connect(_translation_changed, sender=Translation, dispatch_uid="search-index-delete")
post_save.connect(_article_saved, sender=Article, dispatch_uid="search-index-order")


def document_fields(translations: Iterable) -> dict[str, str]:
    """What the index holds of a story: the tokens of each field of all its translations,
    from what a reader sees of them (no markup)."""
    fields = {"title": [], "summary": [], "body": []}
    for translation in translations:
        for field, text in _reader_text(translation).items():
            fields[field].extend(index_tokens(text))
    return {field: " ".join(tokens) for field, tokens in fields.items()}


def parsed_document(parsed) -> dict[str, str]:
    """The document of the story a parsed file creates, as `search_index_update` would make it
    from the translations the import saves of it: all ready, each body as stored (cleaned).
    Pure: the import's parsing workers make it, beside the parsing, not its writer."""
    return document_fields(
        Translation(language=t.language, title=t.title, summary=t.summary, body=clean_html(t.body))
        for t in sorted(parsed.translations, key=lambda t: t.language)
    )


def index_tokens(text: str) -> list[str]:
    """Folded words; each run of Han characters as its bigrams, then its last character
    alone, so that every character begins a token (a one-character query is a prefix)."""
    tokens = []
    for run in WORD.findall(fold(text)):
        tokens.extend(_run_tokens(run, last_in_term=False))
    return tokens


def query_phrases(terms: list[str]) -> list[Phrase]:
    """Each term as a phrase of the index's tokens: 气候变化 is 气候 候变 变化, next to one
    another; a single Han character is a prefix, found at the start of any token."""
    phrases = []
    for term in terms:
        runs = WORD.findall(fold(term))
        phrase = [
            QueryToken(token, prefix=_is_han(run) and len(run) == 1 and n == len(runs) - 1)
            for n, run in enumerate(runs)
            for token in _run_tokens(run, last_in_term=n == len(runs) - 1)
        ]
        if phrase:
            phrases.append(phrase)
    return phrases


def fold(text: str) -> str:
    """Lower case without accents, full-width letters and digits as ASCII: Perú is peru."""
    if text.isascii():
        return text.lower()
    return DIACRITICS.sub("", unicodedata.normalize("NFKD", text)).casefold()


def _is_han(run: str) -> bool:
    return HAN_START.match(run) is not None


def _run_tokens(run: str, *, last_in_term: bool) -> list[str]:
    if not _is_han(run) or len(run) == 1:
        return [run]
    bigrams = BIGRAMS.findall(run)
    # A query's word may go on past its last character in the text: 气候 in 气候变化.
    return bigrams if last_in_term else [*bigrams, run[-1]]


# -- Showing a match --------------------------------------------------------------------------


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
