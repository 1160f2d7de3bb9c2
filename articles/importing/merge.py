"""Three-way merge of a story's fields: the value at the last import, the current value, and
the incoming value, each under its field key (see fieldkeys.py). Pure: no database.

One rule decides every field: nobody touched it -> take the new value; an editor changed it ->
keep the editor's value, and if the file brings something new too, that is a conflict.
"""

from dataclasses import dataclass, field

from ..sanitize import canonical_html
from .fieldkeys import FieldKey

MISSING = object()


@dataclass
class MergePlan:
    apply: dict = field(default_factory=dict)  # key -> incoming value to write
    conflicts: dict = field(default_factory=dict)  # key -> {"base", "current", "incoming"}


def plan_merge(*, base: dict, current: dict, incoming: dict) -> MergePlan:
    plan = MergePlan()
    for key, new in incoming.items():
        old = base.get(key, MISSING)
        now = current.get(key, MISSING)
        html = FieldKey.parse(key).field == "body"
        if same(now, new, html=html):
            continue
        if now is MISSING:
            if old is MISSING:  # new in the file: a translation or image the article lacks
                plan.apply[key] = new
            continue  # an editor deleted what the file still has: their choice stands
        editor_changed = not same(now, old, html=html) if old is not MISSING else not _empty(now)
        if not editor_changed:
            plan.apply[key] = new
        elif old is MISSING or not same(new, old, html=html):
            plan.conflicts[key] = {
                "base": None if old is MISSING else old,
                "current": now,
                "incoming": new,
            }
    return plan


def same(a, b, *, html: bool = False) -> bool:
    """Equal for the merge: text compared without line-ending and edge whitespace differences,
    and HTML (a body) in its canonical form, so the editor writing the same story anew is no
    change."""
    if _comparable(a) == _comparable(b):
        return True
    if not (html and isinstance(a, str) and isinstance(b, str)):
        return False
    return canonical_html(a) == canonical_html(b)


def _comparable(value):
    # A browser sends a textarea back with CRLF line endings: not an edit.
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def _empty(value) -> bool:
    return value in (None, "", [])
