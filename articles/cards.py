"""What a story card on a list page shows, prepared once per card in Python.

A page of cards is the reader's hot path: the home page shows twenty-odd. Per card, a template
include with its own `{% with %}`, filters and tags cost more than the rest of the page
together; here each card's values (URLs, labels, the date, the picture) are worked out once and
the list template (articles/article_list.html) renders them in one loop.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .labels import label_in
from .models import Article, Translation
from .templatetags.reader import local_date, picture, remembered_urls

CARD_IMAGE_SIZES = "(min-width: 60em) 14rem, 40vw"


@dataclass(frozen=True, slots=True)
class StoryCard:
    article: Article
    translation: Translation | None
    css_class: str
    url: str
    # Set when the headline is in the other language than the page: its `lang` and label.
    other_language: str
    source_url: str
    source_name: str
    published: str  # ISO 8601, for <time datetime>
    date: str
    picture: SafeString | str


def story_cards(stories, *, css_class: str = "", eager_first: bool = False) -> list[StoryCard]:
    """Cards for stories read with `for_reader(..., bodies=False)`; the first image loads
    eagerly when `eager_first` (it is likely in view)."""
    language = get_language()
    url = remembered_urls()
    cards = []
    for number, story in enumerate(stories):
        translation = next(iter(story.reader_translations), None)
        lead_image = next(iter(story.reader_images), None)
        source = story.source
        cards.append(
            StoryCard(
                article=story,
                translation=translation,
                css_class=css_class,
                url=url("article_detail", slug=story.slug),
                other_language=(
                    translation.language if translation and translation.language != language else ""
                ),
                source_url=url("source", domain=source.domain) if source else "",
                source_name=(label_in(source.name, language) or source.domain) if source else "",
                published=story.published_at.isoformat(),
                date=local_date(story.published_at),
                picture=(
                    picture(lead_image, sizes=CARD_IMAGE_SIZES, eager=eager_first and number == 0)
                    if lead_image
                    else ""
                ),
            )
        )
    return cards
