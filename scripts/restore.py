"""Restores a folder made by scripts/backup.py into an empty database and media folder.

    .venv/bin/python scripts/restore.py BACKUP_FOLDER     (the new site's environment)

Creates the tables (migrate), unpacks media.tar.gz into MEDIA_ROOT, then loads the
database dumps in one transaction, makes the archive's counts and the search index again
from them, and checks the row counts against manifest.json.
Refuses a database that already holds stories or users, and a media folder with files in it:
a restore never mixes two sites.
"""

import json
import os
import sys
import tarfile
from pathlib import Path

from backup import DERIVED, row_counts  # scripts/backup.py, beside this script

ROOT = Path(__file__).resolve().parent.parent


def main(folder: Path) -> dict[str, int]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from articles.models import Article, ImportRecord

    manifest = json.loads((folder / "manifest.json").read_text())
    call_command("migrate", interactive=False, verbosity=0)
    if Article.objects.exists() or ImportRecord.objects.exists():
        sys.exit("refused: the database already holds stories; restore into an empty one")
    if get_user_model().objects.exists():
        sys.exit("refused: the database already holds users; restore into an empty one")

    media = Path(settings.MEDIA_ROOT)
    if manifest["media"]:
        if media.is_dir() and any(media.iterdir()):
            sys.exit(f"refused: {media} is not empty; restore media into an empty folder")
        media.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / "media.tar.gz") as archive:
            archive.extractall(media, filter="data")

    dumps = [folder / "database.json.gz", folder / "database-by-id.json.gz"]
    call_command("loaddata", *map(str, dumps), verbosity=0)
    call_command("rebuild_archive_counts", verbosity=0)
    # A backup made before the search index was left out holds its documents, keyed as that
    # version keyed them: indexed again, as today's code keys them.
    call_command("rebuild_search_index", verbosity=0)

    counts = row_counts()
    differences = {
        label: (expected, counts.get(label))
        for label, expected in manifest["counts"].items()
        if counts.get(label) != expected and label not in DERIVED
    }
    if differences:
        sys.exit(f"restored row counts differ from the backup's (expected, found): {differences}")
    return counts


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/restore.py BACKUP_FOLDER")
    counts = main(Path(sys.argv[1]).resolve())
    print(", ".join(f"{label}: {count}" for label, count in counts.items() if count))
