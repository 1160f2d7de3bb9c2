"""Template helpers for the reader's site."""

from functools import lru_cache
from html import escape

from django import template
from django.template.base import render_value_in_context
from django.templatetags.i18n import BlockTranslateNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..images import FALLBACK_FORMATS, WEBP, image_url, srcset
from ..labels import label_in, label_language
from ..tags import tag_name
from ..text import mark_seams, run_space, space_seams

register = template.Library()


@register.filter
def label(value, fallback=""):
    """A label (labels.py) in the reader's language, else another; `fallback` without one."""
    return label_in(value) or fallback


register.filter("tag_name", tag_name)
register.simple_tag(run_space)
register.filter("label_language", label_language)


def fill_html(template: str, **values) -> SafeString:
    """format_html() for the markup a page repeats (cards, pictures): each value escaped
    unless it is markup already (`__html__`), as format_html does, without the check for
    lazy text its escaping makes per value (the values here are text)."""
    return SafeString(
        template.format_map(
            {
                name: value.__html__() if hasattr(value, "__html__") else escape(str(value))
                for name, value in values.items()
            }
        )
    )


@register.simple_tag
def link(url, text):
    """<a href="url">text</a>, both escaped: a link to hand a {% blocktranslate %} as a value,
    so that the sentence around it, spacing and punctuation, is the translation's."""
    return fill_html('<a href="{url}">{text}</a>', url=url, text=text)


@register.simple_tag
def picture(image, sizes="100vw", eager=False):
    """An image through its web renditions (WebP first) when it has them, else as it came."""
    img = fill_html(
        '<img src="{src}" alt="{alt}"{dimensions} loading="{loading}" decoding="async">',
        src=image_url(image),
        alt=label_in(image.alt_text),
        dimensions=(
            SafeString(f' width="{escape(str(image.width))}" height="{escape(str(image.height))}"')
            if image.width and image.height
            else ""
        ),
        loading="eager" if eager else "lazy",
    )
    sources = [
        (media_type, srcset(image, formats))
        for media_type, formats in (("image/webp", WEBP), ("image/jpeg", FALLBACK_FORMATS))
    ]
    sources = [(media_type, srcset, sizes) for media_type, srcset in sources if srcset]
    if not sources:
        return img
    source_tags = format_html_join("", '<source type="{}" srcset="{}" sizes="{}">', sources)
    return format_html("<picture>{}{}</picture>", source_tags, img)


# A page of story cards reverses two URLs and formats a date per card, which costs more
# than its queries; both depend only on their arguments and the language, so remember them.


@register.simple_tag
def remembered_url(name, **kwargs):
    """{% url %} for the links every card repeats, remembered per language."""
    return remembered_urls()(name, **kwargs)


def remembered_urls():
    """remembered_url for the many links of one page: the language, script prefix and
    URLconf read once, not per link."""
    state = (get_language(), get_script_prefix(), get_urlconf())
    return lambda name, **kwargs: _reverse(name, tuple(kwargs.items()), *state)


@lru_cache(maxsize=8192)
def _reverse(name, kwargs, language, script_prefix, urlconf):
    return reverse(name, kwargs=dict(kwargs), urlconf=urlconf)


@register.filter
def local_date(value):
    """The date in the reader's language (DATE_FORMAT), remembered per day and language."""
    return _date_format(timezone.localdate(value), get_language())


@lru_cache(maxsize=4096)
def _date_format(day, language):
    return formats.date_format(day, "DATE_FORMAT")


@register.tag
def cjk_spacing(parser, token):
    """{% cjk_spacing %}{% blocktranslate with name=value %}...{% endblocktranslate %}
    {% endcjk_spacing %}: the translation with a space wherever a Latin word of a value meets
    a Chinese character of the sentence ("根据 Reuters 的报道", "根据新华社的报道"), as
    `text.spaced_format` does in Python.

    The sentence stays a plain {% blocktranslate %}, so makemessages still finds it; the values
    of its `with` are marked at their edges while it renders, and nothing inside them changes.
    """
    nodelist = parser.parse(("endcjk_spacing",))
    parser.delete_first_token()
    for node in nodelist.get_nodes_by_type(BlockTranslateNode):
        if node.asvar:
            raise template.TemplateSyntaxError(
                "{% cjk_spacing %} needs the translation rendered in place, not with asvar."
            )
        node.extra_context = {
            name: _SeamMarkedValue(value) for name, value in node.extra_context.items()
        }
    return CjkSpacingNode(nodelist)


class CjkSpacingNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return SafeString(space_seams(self.nodelist.render(context)))


class _SeamMarkedValue:
    """A `with` value of {% blocktranslate %}, rendered (escaped) as usual, between seam marks."""

    def __init__(self, expression):
        self.expression = expression

    def resolve(self, context):
        value = render_value_in_context(self.expression.resolve(context), context)
        return SafeString(mark_seams(value))  # escaped just above, when autoescape is on
