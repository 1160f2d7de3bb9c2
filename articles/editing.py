"""What editors type in the admin, as field values: the rich-text editor of story bodies, the
comparison that tells a real edit from the same text sent back, and the word counts.

A browser sends a textarea back with CRLF line breaks, and the editor writes its own HTML for
a body it was given: neither is an edit. A field that compares equal is not changed, so the
admin does not save it, and no history entry, `updated_at` or outdated flag moves.
"""

import json

from django import forms
from django.forms.widgets import Script
from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .sanitize import canonical_html, editor_html, normalize_newlines
from .text import html_word_count, word_count

EDITOR_JS = "admin_desk/body_editor.js"
EDITOR_BUILD = "django_prose_editor/editor.js"  # Tiptap and ProseMirror, as one ES module
COUNT_JS = "admin_desk/word_count.js"
EDITOR_CSS = [
    "django_prose_editor/material-icons.css",
    "django_prose_editor/editor.css",
    "django_prose_editor/overrides.css",
    "admin_desk/body_editor.css",
]
# The editor's buttons, by the names django-prose-editor's menu gives them.
MENU_LABELS = {
    "paragraph": _("Paragraph"),
    "heading2": _("Heading"),
    "heading3": _("Subheading"),
    "heading4": _("Minor heading"),
    "bold": _("Bold"),
    "italic": _("Italic"),
    "link": _("Link"),
    "unlink": _("Remove link"),
    "bulletList": _("Bulleted list"),
    "orderedList": _("Numbered list"),
    "blockquote": _("Quotation"),
    "horizontalRule": _("Dividing line"),
    "subscript": _("Subscript"),
    "superscript": _("Superscript"),
    "code": _("Code"),
    "codeBlock": _("Code block"),
    "history:undo": _("Undo"),
    "history:redo": _("Redo"),
}


class BodyEditor(forms.Textarea):
    """A ProseMirror editor (django-prose-editor's build of Tiptap) in place of the textarea,
    which it keeps up to date as HTML. Loaded as modules from static files only, the build by
    the address given here: no import map, no inline script or style (the admin's
    Content-Security-Policy allows neither)."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 20, **(attrs or {})})

    @property
    def media(self):
        return forms.Media(
            js=[Script(EDITOR_JS, type="module"), Script(COUNT_JS, defer=True)],
            css={"all": EDITOR_CSS},
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = {key: str(label) for key, label in MENU_LABELS.items()}
        options = {"module": static(EDITOR_BUILD), "labels": labels}
        context["widget"]["attrs"]["data-desk-editor"] = json.dumps(options)
        return context


class BodyField(forms.CharField):
    """A story body: the editor's HTML, or typed text made paragraphs (`editor_html`), and
    changed only when its sanitised, canonical form is (`canonical_html`)."""

    widget = BodyEditor

    def to_python(self, value):
        return editor_html(super().to_python(value))

    def has_changed(self, initial, data):
        return canonical_html(initial or "") != canonical_html(self.to_python(data))


class PlainTextField(forms.CharField):
    """A headline or dek: text that pages show with its whitespace collapsed, so only a change
    of its words is a change."""

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))

    def has_changed(self, initial, data):
        return (initial or "").split() != self.to_python(data).split()


def count_help(form: forms.BaseForm, name: str, *, html: bool = False) -> str:
    """The word count shown under a field, which static/admin_desk/word_count.js keeps up to
    date as the editor types: the same count, by the rules of `text.word_count`."""
    bound = form[name]
    value = bound.value() or ""
    counted = html_word_count(value) if html else word_count(value)
    bound.field.widget.attrs["data-word-count"] = "html" if html else "text"
    numbers = {
        kind: format_html('<b data-count="{}">{}</b>', kind, getattr(counted, kind))
        for kind in ("words", "characters")
    }
    message = _("English words: %(words)s · Chinese characters: %(characters)s")
    count = format_html(
        '<span class="desk-count" data-count-for="{}" aria-live="polite">{}</span>',
        bound.auto_id,
        mark_safe(conditional_escape(message) % numbers),
    )
    help_text = bound.field.help_text
    return format_html("{}<br>{}", help_text, count) if help_text else count
