"""Backs up the database and the media folder into a new folder under DIR.

    .venv/bin/python scripts/backup.py DIR        (the same environment as the site)

writes DIR/newsdesk-YYYYmmdd-HHMMSS/ holding
  database.json.gz   every row, as Django's portable JSON (dumpdata with natural keys), so it
  database-by-id.json.gz   restores into SQLite or PostgreSQL alike; read from one consistent
                     snapshot while the site keeps serving and importing
  media.tar.gz       MEDIA_ROOT: uploaded and imported images and their renditions
  manifest.json      when, from which database engine, and how many rows of each kind

and prints the folder's path. Restore with scripts/restore.py.
"""

import json
import os
import sqlite3
import sys
import tarfile
import tempfile
from contextlib import closing, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Made again by `migrate` on the restoring side, or not worth keeping.
EXCLUDE = ["contenttypes", "auth.permission", "sessions"]
# Derived from the stories, made again by the restore: the archive's counts (articles/archive.py)
# and the search index (articles/search.py), whose order keys a later version may lay out anew.
DERIVED = ["articles.ArchiveMonth", "articles.ArchiveStory", "articles.SearchDocument"]
# django-taggit gives a tagged item the natural key (object_id,), which is not unique: loaded by
# natural key, a story's second tag would overwrite its first. These keep their ids.
BY_ID = ["taggit.taggeditem"]


@contextmanager
def postgres_snapshot():
    """One read-only transaction that sees the database as it was when it began."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def row_counts() -> dict[str, int]:
    from django.apps import apps

    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in ("articles", "taggit", "reversion", "auth")
        and model._meta.label not in ("auth.Permission", *DERIVED)
    ]
    return {model._meta.label: model._default_manager.count() for model in models}


def main(destination: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    from django.conf import settings

    folder = destination / f"newsdesk-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as scratch:
        database = settings.DATABASES["default"]
        if database["ENGINE"] == "django.db.backends.sqlite3":
            # SQLite's online backup API copies a consistent state without stopping writers;
            # the dump then reads the copy.
            snapshot = Path(scratch) / "snapshot.sqlite3"
            source, copy = sqlite3.connect(database["NAME"]), sqlite3.connect(snapshot)
            with closing(source), closing(copy):
                source.backup(copy)
            database["NAME"] = str(snapshot)
            consistent = nullcontext()
        else:
            consistent = postgres_snapshot()

        import django
        from django.core.management import call_command

        django.setup()
        with consistent:
            call_command(
                "dumpdata",
                natural_foreign=True,
                natural_primary=True,
                exclude=EXCLUDE + DERIVED + BY_ID,
                output=str(folder / "database.json.gz"),
                verbosity=0,
            )
            call_command(
                "dumpdata",
                *BY_ID,
                natural_foreign=True,
                output=str(folder / "database-by-id.json.gz"),
                verbosity=0,
            )
            counts = row_counts()

    media = Path(settings.MEDIA_ROOT)
    storage = settings.STORAGES["default"]["BACKEND"]
    local_media = storage == "django.core.files.storage.FileSystemStorage"
    if local_media:
        with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
            if media.is_dir():
                for child in sorted(media.iterdir()):
                    archive.add(child, arcname=child.name)
    else:
        print(f"media are in {storage}: back them up with that store's own tools", file=sys.stderr)

    manifest = {
        "created": datetime.now(UTC).isoformat(),
        "engine": database["ENGINE"],
        "media": local_media,
        "counts": counts,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/backup.py DIR")
    print(main(Path(sys.argv[1]).resolve()))
