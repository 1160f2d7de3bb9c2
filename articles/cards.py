"""What a story card on a list page shows, prepared and rendered once per card in Python.

A page of cards is the reader's hot path: the home page shows twenty-odd. Per card, a template's
variables, filters and tags cost more than the rest of the page together; here each card's
values (URLs, labels, the date, the picture) are worked out once and filled into its markup
(CARD_HTML) in one step, and the list template (articles/article_list.html) writes `{{ card }}`.
"""

from dataclasses import dataclass
from html import escape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .labels import label_in
from .models import Article, Translation
from .templatetags.reader import fill_html, local_date, picture, remembered_urls

CARD_IMAGE_SIZES = "(min-width: 60em) 14rem, 40vw"

# One card, as the list template wrote it; the parts a card may lack are filled in whole.
CARD_HTML = """<article class="card{css_class}">
      <div class="card-text"{text_attributes}
        <h2 class="card-title"><a href="{url}">{title}</a></h2>
        {dek}
        <p class="meta" lang="{language}">{source}<time datetime="{published}">{date}</time></p>
      </div>
      {picture}
    </article>"""


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

    def __str__(self) -> SafeString:
        """The card's markup: `{{ card }}` in a template."""
        translation, language = self.translation, get_language()
        if self.other_language:
            label = render_to_string(
                "includes/language_label.html",
                {"translation": translation, "LANGUAGE_CODE": language},
            )
            text_attributes = fill_html(
                ' lang="{lang}">{label}', lang=self.other_language, label=label
            )
        else:
            text_attributes = mark_safe(">")
        summary = translation.summary if translation else ""
        # The parts a card may lack, escaped here and filled in whole.
        dek = SafeString(f'<p class="dek">{escape(summary)}</p>') if summary else ""
        source = (
            SafeString(
                f'<a href="{escape(self.source_url)}">{escape(self.source_name)}</a>'
                ' <span aria-hidden="true">·</span> '
            )
            if self.source_url
            else ""
        )
        picture = (
            SafeString(f'<div class="card-image">{self.picture.__html__()}</div>')
            if self.picture
            else ""
        )
        return fill_html(
            CARD_HTML,
            css_class=f" {self.css_class}" if self.css_class else "",
            text_attributes=text_attributes,
            url=self.url,
            title=translation.title if translation else "",
            dek=dek,
            language=language,
            source=source,
            published=self.published,
            date=self.date,
            picture=picture,
        )

    __html__ = __str__


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
