"""Read an admin form's current values from its HTML, as a browser would submit them."""

from bs4 import BeautifulSoup


def form_values(html: str, form_id: str = "article_form") -> dict:
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "textarea":
            value = [field.text.removeprefix("\n")]
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [option for option in options if option.has_attr("selected")]
            if not chosen and options and not field.has_attr("multiple"):
                chosen = options[:1]
            value = [option.get("value", "") for option in chosen]
        elif field.get("type") in ("checkbox", "radio"):
            value = [field.get("value", "on")] if field.has_attr("checked") else []
        elif field.get("type") in ("file", "submit", "button"):
            continue
        else:
            value = [field.get("value", "")]
        data.setdefault(name, []).extend(value)
    return {
        name: values[0] if len(values) == 1 else values for name, values in data.items() if values
    }


def pane_field(data: dict, language: str, field: str) -> str:
    """The form field name of `field` in the translation pane for `language`."""
    for name, value in data.items():
        if name.startswith("translations-") and name.endswith("-language") and value == language:
            return name.removesuffix("language") + field
    raise KeyError(language)
