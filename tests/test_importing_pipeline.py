"""Finding and reading story files: only regular files inside the folder named, each read once;
whatever one file is or does, it fails alone and the run goes on."""

import hashlib
import os
import threading
from pathlib import Path

import pytest

from articles.importing import ImportOptions, import_run
from articles.importing.pipeline import find_story_files, read
from articles.importing.write import RunCache
from articles.messages import message_text
from articles.models import Article, ImportRecord
from tests.helpers import fixture_text
from tests.test_import_articles import run_import, write

pytestmark = pytest.mark.django_db


def results(folder) -> dict[str, tuple[str, str]]:
    reported = {}
    import_run(
        paths=[folder],
        options=ImportOptions(fetch_images=False),
        on_result=lambda r: reported.update({os.path.basename(r.path): (r.outcome, r.message)}),
    )
    return reported


def test_a_file_name_that_is_not_utf8_imports_under_a_readable_name(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9-story.txt")  # Latin-1, not UTF-8
    write(folder / name, fixture_text("digest_english_only.txt"))
    write(folder / "other.txt", fixture_text("feed_item.txt"))

    out, err, ok = run_import(folder)

    assert ok and "2 created" in out, err
    record = ImportRecord.objects.get(path__contains="caf")
    assert record.path.endswith("caf\ufffd-story.txt") and record.outcome == "created"


def test_a_link_out_of_the_folder_is_not_read_and_says_why(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    secret = write(tmp_path / "secret.env", "NEWSDESK_SECRET_KEY=do-not-show-me")
    (folder / "story.txt").symlink_to(secret)
    (folder / "passwd.txt").symlink_to("/etc/passwd")

    reported = results(folder)

    assert reported["story.txt"][0] == reported["passwd.txt"][0] == "failed"
    assert "outside the folder" in reported["story.txt"][1]
    stored = " ".join(ImportRecord.objects.values_list("raw_text", flat=True))
    assert "do-not-show-me" not in stored and "root:" not in stored


def test_a_link_to_a_story_inside_the_folder_is_imported(tmp_path):
    folder = tmp_path / "in"
    (folder / "2026").mkdir(parents=True)
    write(folder / "2026" / "story.txt", fixture_text("digest_english_only.txt"))
    (folder / "latest.txt").symlink_to(folder / "2026" / "story.txt")

    reported = results(folder)

    assert sorted([reported["story.txt"][0], reported["latest.txt"][0]]) == ["created", "unchanged"]
    assert Article.objects.count() == 1


def test_a_fifo_does_not_block_the_run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    write(folder / "story.txt", fixture_text("feed_item.txt"))
    found = []
    # Finding and reading first, in a thread a test can give up on (nobody writes the pipe).
    finder = threading.Thread(
        target=lambda: found.extend(read(f) for f in find_story_files([folder])), daemon=True
    )
    finder.start()
    finder.join(timeout=60)
    assert not finder.is_alive(), "reading the folder blocked on a named pipe"

    reported = results(folder)

    assert reported["pipe.txt"] == ("failed", "skipped: not a regular file")
    assert reported["story.txt"][0] == "created"


def test_an_unreadable_folder_is_reported(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    write(folder / "story.txt", fixture_text("feed_item.txt"))
    real_scandir = os.scandir

    def scandir(path):  # the tests run as root, whom permissions do not stop
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    reported = results(folder)

    assert reported["locked"] == ("failed", "the folder cannot be read: Permission denied")
    assert reported["story.txt"][0] == "created"


def test_a_story_another_import_created_meanwhile_is_merged_into(tmp_path, monkeypatch):
    """Two imports of overlapping folders: the second finds the URL taken at insert time."""
    story = write(tmp_path / "story.txt", fixture_text("digest_english_only.txt"))
    run_import(story)
    look_up = RunCache.look_up

    def stale_look_up(self, parsed):  # what the other import's batch saw before this one wrote
        look_up(self, parsed)
        self.new_urls |= {article.original_url for article in parsed}

    monkeypatch.setattr(RunCache, "look_up", stale_look_up)
    write(story, fixture_text("digest_english_only.txt").replace("standing", "standing tall"))

    out, err, ok = run_import(story)

    assert ok, err
    assert "1 updated" in out and Article.objects.count() == 1


def test_a_file_that_parses_too_long_is_refused_and_the_run_goes_on(tmp_path, monkeypatch):
    from articles.importing import pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "slow.txt", fixture_text("feed_item.txt").replace("联合国", "SLOW 联合国"))
    write(folder / "story.txt", fixture_text("digest_english_only.txt"))
    parse_story = pipeline.parse_story

    def parse_slowly(text):
        while "SLOW" in text:  # a parser caught in a loop
            pass
        return parse_story(text)

    monkeypatch.setattr(pipeline, "PARSE_SECONDS", 1)
    monkeypatch.setattr(pipeline, "parse_story", parse_slowly)
    reported = results(folder)

    assert reported["slow.txt"] == ("failed", "parsing took longer than 1 seconds: refused")
    assert reported["story.txt"][0] == "created"


def test_a_file_that_kills_its_parsing_worker_fails_alone(tmp_path, monkeypatch):
    from articles.importing import pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    text = fixture_text("digest_english_only.txt")
    for n in range(pipeline.PARALLEL_FROM + 6):
        write(folder / f"{n:03}.txt", text.replace("2026-05-01/", f"2026-05-01/{n}/"))
    write(folder / "020.txt", text.replace("standing.", "standing. CRASH"))
    parse_story = pipeline.parse_story

    def parse_or_die(text):  # the workers are forked: they inherit this
        if "CRASH" in text:
            os._exit(9)  # as the kernel's OOM killer would end it
        return parse_story(text)

    monkeypatch.setattr(pipeline, "parse_story", parse_or_die)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    reported = results(folder)

    assert reported.pop("020.txt") == ("failed", "the parser stopped unexpectedly on this file")
    assert {outcome for outcome, _message in reported.values()} == {"created"}


def test_a_folder_swapped_for_a_link_after_the_walk_is_not_read_through(tmp_path):
    folder, outside = tmp_path / "in", tmp_path / "outside"
    (folder / "sub").mkdir(parents=True)
    outside.mkdir()
    write(folder / "sub" / "story.txt", fixture_text("feed_item.txt"))
    write(outside / "story.txt", "SECRET-CONTENT")
    [found] = find_story_files([folder])
    (folder / "sub" / "story.txt").unlink()
    (folder / "sub").rmdir()
    (folder / "sub").symlink_to(outside)

    story_file = read(found)

    assert story_file.data == b"" and "outside the folder" in story_file.error


def test_control_characters_in_a_name_cannot_forge_a_report_line(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "evil\ncreated fake.txt (Forged)", fixture_text("feed_item.txt"))
    write(folder / "x\x1b[31mred.txt", fixture_text("digest_english_only.txt"))

    out, _err, ok = run_import(folder)

    assert ok
    assert "\x1b" not in out and "\ncreated fake.txt" not in out
    assert ImportRecord.objects.filter(path__endswith="evil\\x0acreated fake.txt (Forged)").exists()


def test_batches_are_bounded_in_files_and_in_bytes(monkeypatch):
    from articles.importing import pipeline
    from articles.importing.pipeline import StoryFile, batches

    monkeypatch.setattr(pipeline, "BATCH_SIZE", 3)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 100)
    files = [
        StoryFile(path=Path(f"{n}.txt"), size=size)
        for n, size in enumerate([10] * 4 + [60, 60, 200, 5])
    ]

    assert [[f.size for f in batch] for batch in batches(files)] == [
        [10, 10, 10], [10, 60], [60], [200], [5]
    ]  # fmt: skip


def test_the_walk_goes_in_name_order_files_before_subfolders_and_skips_what_it_should(tmp_path):
    folder = tmp_path / "in"
    for sub in ("b", "a/deeper", ".hidden"):
        (folder / sub).mkdir(parents=True)
    for name in ("z.txt", "a.txt", ".dotfile", "a/2.txt", "a/1.txt", "a/deeper/x.txt", "b/y.txt"):
        write(folder / name, "x")
    write(folder / ".hidden" / "secret.txt", "x")
    (folder / "linked").symlink_to(folder / "b", target_is_directory=True)

    found = [f.name.removeprefix(f"{folder}/") for f in find_story_files([folder])]

    # As os.walk goes: a folder's own files by name, then each subfolder in turn; dotfiles and
    # dot-folders left out, a link to a folder not followed (its files are found where they are).
    assert found == ["a.txt", "z.txt", "a/1.txt", "a/2.txt", "a/deeper/x.txt", "b/y.txt"]


def test_a_file_is_read_whole_though_it_grew_or_shrank_since_the_walk(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    grown, shrunk = write(folder / "grown.txt", "short"), write(folder / "shrunk.txt", "x" * 100)
    found = find_story_files([folder])
    write(grown, "short, then a good deal longer" * 1000)
    write(shrunk, "x")

    read_files = {os.path.basename(f.name): read(f) for f in found}

    assert read_files["grown.txt"].data == grown.read_bytes()
    assert read_files["shrunk.txt"].data == b"x"
    assert read_files["grown.txt"].sha256 == hashlib.sha256(grown.read_bytes()).hexdigest()


def test_a_file_that_grew_past_the_limit_since_the_walk_is_refused(tmp_path, monkeypatch):
    from articles.importing import pipeline

    monkeypatch.setattr(pipeline, "MAX_FILE_BYTES", 1024 * 1024)
    folder = tmp_path / "in"
    folder.mkdir()
    story = write(folder / "story.txt", "small")
    [found] = find_story_files([folder])
    story.write_bytes(b"x" * (1024 * 1024 + 1))

    story_file = read(found)

    assert (
        story_file.data == b""
        and message_text(story_file.error) == "cannot read the file: it is larger than 1 MB"
    )


def test_the_command_says_why_a_file_cannot_be_read_in_the_language_of_the_shell(
    tmp_path, monkeypatch
):
    from articles.importing import pipeline

    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setattr(pipeline, "MAX_FILE_BYTES", 1024 * 1024)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "huge.txt").write_bytes(b"x" * (1024 * 1024 + 1))
    write(folder / "story.txt", fixture_text("feed_item.txt"))

    out, err, ok = run_import(folder)

    # Read in a thread of its own. (The record is read in the editor's language:
    # test_import_record_admin.)
    assert not ok and "无法读取文件：文件超过 1 MB" in err


def test_unchanged_files_each_leave_a_record_however_many_there_are(tmp_path, monkeypatch):
    from articles.importing.write import UnchangedFiles

    folder = tmp_path / "in"
    folder.mkdir()
    text = fixture_text("digest_english_only.txt")
    for n in range(7):
        write(folder / f"{n}.txt", text.replace("2026-05-01/", f"2026-05-01/{n}/"))
    run_import(folder)
    monkeypatch.setattr(UnchangedFiles, "WRITE_EVERY", 3)  # written in several rounds

    out, err, ok = run_import(folder)

    assert ok and "7 unchanged" in out, err
    second = ImportRecord.objects.filter(outcome="unchanged")
    assert second.count() == 7 and len({record.run_id for record in second}) == 1
    created = dict(ImportRecord.objects.filter(outcome="created").values_list("path", "article"))
    assert dict(second.values_list("path", "article")) == created


def test_a_file_rewritten_with_the_same_size_and_time_is_imported_again(tmp_path):
    story = write(tmp_path / "story.txt", fixture_text("digest_english_only.txt"))
    run_import(story)
    found = os.stat(story)
    write(story, fixture_text("digest_english_only.txt").replace("standing", "stunning"))
    os.utime(story, ns=(found.st_atime_ns, found.st_mtime_ns))
    assert os.stat(story).st_size == found.st_size

    out, err, ok = run_import(story)

    assert ok and "1 updated" in out, err  # by its content: its size and time say nothing


def test_files_found_in_the_current_folder_are_named_as_before(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.txt"):
        write(tmp_path / name, "x")
    monkeypatch.chdir(tmp_path)

    assert [f.name for f in find_story_files([Path(".")])] == ["a.txt", "sub/b.txt"]
    assert [f.name for f in find_story_files([Path("sub")])] == ["sub/b.txt"]
