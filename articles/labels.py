"""A label in each language: the one mechanism behind image captions, credits and alt texts,
source names and topic names.

A label is stored as one JSON object, language code -> text ({"en": "Climate finance",
"zh-hans": "气候融资"}), holding only the languages that have a text. Readers get their own
language first and the others after it (`label_in`); editors get one input per language of
settings.LANGUAGES (`LabelFormField`), so an edit of one language leaves the others alone.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import languages
from .editing import PlainTextField
from .sanitize import normalize_newlines

Label = dict[str, str]


def label_in(label: Label | None, language: str | None = None) -> str:
    """The text for a reader of `language` (the active language by default): theirs, else
    the first other language that has one, else ""."""
    code = label_language(label, language)
    return label[code] if code else ""


def label_language(label: Label | None, language: str | None = None) -> str:
    """The language `label_in` reads for that reader ("" when the label is empty): pages mark
    a text that is not in the page's language."""
    label = label or {}
    for code in (language or get_language(), *languages.CODES):
        if label.get(code):
            return code
    return ""


def label_search_fields(path: str) -> list[str]:
    """The admin's `search_fields` for a label at `path`: its text in each language, read out
    of the JSON (`name__zh-hans`). The JSON as a whole would not match on SQLite, which keeps
    Chinese escaped ("\\u8def..."), and on PostgreSQL it would match the language codes."""
    return [f"{path}__{code}" for code in languages.CODES]


def label_changes(before: Label | None, after: Label | None) -> list[str]:
    """The languages whose text differs, in settings order."""
    before, after = before or {}, after or {}
    return [code for code in languages.CODES if before.get(code, "") != after.get(code, "")]


def changed_field_labels(form) -> list[str]:
    """What the admin's history says a form changed: a label field once per language changed
    ("Caption (English)"), every other field by its label. Called, as Django calls its own,
    with translations off: the history translates the names when it shows them."""
    names = []
    for name in form.changed_data:
        field = form.fields.get(name)
        label = str(field.label or name) if field else name
        if isinstance(field, LabelFormField):
            before, after = form[name].initial, form.cleaned_data.get(name)
            names += [f"{label} ({languages.name(code)})" for code in label_changes(before, after)]
        else:
            names.append(label)
    return names


def label_clean(value) -> Label:
    """Only known languages, only text, nothing empty."""
    if not isinstance(value, dict):
        return {}
    return {
        code: normalize_newlines(text).strip()
        for code in languages.CODES
        if isinstance(text := value.get(code), str) and text.strip()
    }


class LabelWidget(forms.MultiWidget):
    """One input per language, named <field>_<language> (caption_en, caption_zh-hans)."""

    template_name = "articles/widgets/label.html"

    def __init__(self, widget: type[forms.Widget] = forms.TextInput, attrs=None):
        widgets = {
            code: widget(attrs={"lang": languages.bcp47(code), **(attrs or {})})
            for code in languages.CODES
        }
        super().__init__(widgets)

    def decompress(self, value):
        value = value if isinstance(value, dict) else {}
        return [value.get(code, "") for code in languages.CODES]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for code, subwidget in zip(languages.CODES, context["widget"]["subwidgets"], strict=True):
            subwidget["language_name"] = languages.name(code)
        return context


class LabelFormField(forms.MultiValueField):
    def __init__(self, *, max_length=None, widget=None, **kwargs):
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        fields = [PlainTextField(max_length=max_length, required=False) for _ in languages.CODES]
        super().__init__(
            fields,
            require_all_fields=False,
            widget=widget or LabelWidget(),
            **kwargs,
        )

    def compress(self, data_list):
        return label_clean(dict(zip(languages.CODES, data_list or [], strict=False)))

    def has_changed(self, initial, data):
        """Per language, as its text field compares it: line breaks sent back are no edit."""
        initial = self.widget.decompress(initial)
        data = data if isinstance(data, list) else self.widget.decompress(data)
        return any(
            field.has_changed(before, after)
            for field, before, after in zip(self.fields, initial, data, strict=False)
        )


class LabelField(models.JSONField):
    """A text in each language (see the module's docstring); `max_length` bounds each text."""

    def __init__(self, *args, max_length=None, **kwargs):
        self.text_max_length = max_length
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.text_max_length:
            kwargs["max_length"] = self.text_max_length
        if kwargs.get("default") is dict:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if self.text_max_length and any(
            len(text) > self.text_max_length for text in label_clean(value).values()
        ):
            raise ValidationError(
                _("Each language's text may be %(limit)d characters at most."),
                code="max_length",
                params={"limit": self.text_max_length},
            )

    def to_python(self, value):
        # A revision saved when this field was plain text: the text in the language it is in.
        if isinstance(value, str):
            from .importing.parsers.language import label_of  # importing needs the models

            return label_of(value)
        return super().to_python(value)

    def pre_save(self, model_instance, add):
        value = label_clean(self.to_python(getattr(model_instance, self.attname)))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        field = models.Field.formfield(
            self,
            form_class=LabelFormField,
            max_length=self.text_max_length,
            required=not self.blank,
            **kwargs,
        )
        # Not for the callable default: the change is read from the inputs per language.
        field.show_hidden_initial = False
        return field
