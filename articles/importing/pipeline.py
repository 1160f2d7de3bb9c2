"""From paths to parsed files: find the files, read and hash each once, parse in workers.

Nothing here touches the database. Parsing is pure and takes most of the time of a first
import, so worker processes parse the next batch while the import writes the current one.
"""

import ctypes
import errno
import hashlib
import logging
import os
import re
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from ..messages import stored_error, stored_message
from .parsers.base import ParsedArticle, ParseError
from .parsers.decode import decode_bytes

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
# A file that takes longer than this to parse is refused: the limits inside the parsers
# should stop any hostile file long before, this is the last line.
PARSE_SECONDS = 20
BATCH_SIZE = 500
BATCH_BYTES = 64 * 1024 * 1024
TAIL_FILES = 25  # the smallest of the last batches
# Small runs are not worth starting worker processes for.
PARALLEL_FROM = 64
CHUNK_FILES = 25  # files a parsing worker takes at a time
# Why a file is not imported, kept language-neutral in `StoryFile.error` (messages.stored_message).
SKIPPED = _("skipped: %(reason)s")
LINK_OUTSIDE = _("skipped: a symbolic link to somewhere outside the folder")
NOT_REGULAR = _("skipped: not a regular file")
PR_SET_PDEATHSIG = 1
# How much a parsing worker yields to the writer: the import goes as fast as its one writer,
# which at equal priority shared two cores with two workers (two thirds of a core).
WORKER_NICENESS = 10


@dataclass(slots=True)
class StoryFile:
    """One file on its way through the import: found, read, hashed, decoded and parsed."""

    path: Path | str  # as found: a walk's regular files stay text, which costs less a file
    name: str = ""  # the path as people read it (display_name)
    # The folder named to the import, resolved once when the files are found: nothing outside
    # it is read.
    root: Path | None = None
    size: int = 0  # bytes, as found
    data: bytes = b""
    sha256: str = ""
    text: str = ""
    encoding: str = ""
    parsed: ParsedArticle | None = None
    # What the search index will hold of the story, made with the parsing, in parallel: for a
    # new story, the writer needs not make it (search.parsed_document).
    search_document: dict[str, str] | None = None
    error: str = ""  # why it is not imported, as stored (messages.stored_message)

    def __post_init__(self):
        self.name = self.name or display_name(self.path)


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def display_name(path: Path) -> str:
    """`path` as text that any database and terminal takes, whatever bytes the name holds:
    bytes that are not UTF-8 show as U+FFFD, control characters (a newline that would forge a
    report line, a terminal escape) as \\xNN."""
    if isinstance(path, str) and path.isprintable():  # most names: nothing to replace
        return path
    name = os.fsencode(path).decode("utf-8", "replace")
    return CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", name)


def find_story_files(paths: Iterable[Path]) -> list[StoryFile]:
    """Every file named and every file under the folders named, in a stable order.

    Dotfiles are left out. Only regular files are read: a special file (a FIFO would block the
    run) or a symbolic link that leads out of the folder it is in comes back with an error
    saying why, as does a folder that cannot be read.
    """
    found = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            found.extend(_walk(path))
        else:
            found.append(_checked(path, root=path.parent.resolve()))
    return found


def _walk(root: Path) -> Iterator[StoryFile]:
    """Depth first, each folder's files (by name) before its subfolders (by name), as
    `os.walk` goes; through `os.scandir` itself, whose entries know their type without a
    system call a file, and without a `Path` made a file but for the link or the odd file."""
    real_root = root.resolve()
    unreadable = []
    folders = [os.fspath(root)]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted((e for e in scan if not e.name.startswith(".")), key=_by_name)
        except OSError as error:
            unreadable.append(error)
            continue
        subfolders = []
        for entry in entries:
            path = entry.name if folder == os.curdir else entry.path  # as Path names it
            kind = _kind(entry)
            if kind == "file":
                yield _regular(entry, path, root=real_root)
            elif kind == "folder":
                subfolders.append(path)
            elif kind != "link to a folder":  # not walked
                yield _checked(Path(path), root=real_root)  # a link, a special file, or gone
        folders.extend(reversed(subfolders))
    for error in unreadable:
        yield StoryFile(
            path=Path(error.filename),
            error=stored_message(_("the folder cannot be read: %(reason)s"), reason=error.strerror),
        )


def _by_name(entry: os.DirEntry) -> str:
    return entry.name


def _kind(entry: os.DirEntry) -> str:
    """What the folder's listing says the entry is (a system call only where it does not)."""
    try:
        if entry.is_file(follow_symlinks=False):
            return "file"
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        return "link to a folder" if entry.is_symlink() and entry.is_dir() else "other"
    except OSError:  # gone since the folder was listed: _checked says so
        return "other"


def _regular(entry: os.DirEntry, path: str, *, root: Path) -> StoryFile:
    """A regular file the walk met: its size is all that is asked of it before it is read."""
    try:
        size = entry.stat(follow_symlinks=False).st_size
    except OSError as error:  # gone since the folder was listed
        return StoryFile(Path(path), error=stored_message(SKIPPED, reason=_reason(error)))
    return StoryFile(path, root=root, size=size)


def _checked(path: Path, *, root: Path, name: str = "") -> StoryFile:
    try:
        status = path.lstat()
        mode = status.st_mode
        if stat.S_ISLNK(mode):
            target = path.resolve(strict=True)
            if not target.is_relative_to(root):
                return StoryFile(path, error=stored_message(LINK_OUTSIDE))
            # Read through the target, reported under the name found in the folder.
            return _checked(target, root=root, name=display_name(path))
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symbolic links
        return StoryFile(path, error=stored_message(SKIPPED, reason=_reason(error)))
    if not stat.S_ISREG(mode):
        return StoryFile(path, name=name, error=stored_message(NOT_REGULAR))
    return StoryFile(path, name=name, root=root, size=status.st_size)


def batches(files: list[StoryFile]) -> Iterator[list[StoryFile]]:
    """The files in batches of at most BATCH_SIZE files and BATCH_BYTES bytes (a batch is
    held in memory while the one before it is written).

    The last batches halve, down to TAIL_FILES: the last batch is written when nothing is left
    to parse, by one process while the other cores wait, so the less of it, the sooner the
    import ends (a tenth of the time at 5,000 files, with a last batch of 500)."""
    start = 0
    while start < len(files):
        left = len(files) - start
        most = BATCH_SIZE if left > 2 * BATCH_SIZE else max(-(-left // 2), TAIL_FILES)
        batch, size = [], 0
        for story_file in files[start : start + min(most, BATCH_SIZE)]:
            if batch and size + story_file.size > BATCH_BYTES:
                break
            batch.append(story_file)
            size += story_file.size
        start += len(batch)
        yield batch


def read_batches(files: list[StoryFile]) -> Iterator[list[StoryFile]]:
    """The files in batches, each read and hashed (`read`) by the time it is taken, the next
    one read meanwhile in a thread: a read waits on the kernel and hashing runs in OpenSSL,
    both without the GIL, as does SQLite, so reading overlaps with the database work of the
    batch before. (A second reading thread measured no faster: the main thread is the longer.)"""

    def read_in(batch: list[StoryFile]) -> list[StoryFile]:
        return [read(story_file) for story_file in batch]

    with ThreadPoolExecutor(1, thread_name_prefix="import-read") as reader:
        reading = None
        for batch in batches(files):
            following = reader.submit(read_in, batch)
            if reading:
                yield reading.result()
            reading = following
        if reading:
            yield reading.result()


def read(story_file: StoryFile) -> StoryFile:
    """Read and hash the file once, without following a link or blocking on a special file
    that took its place since it was found."""
    if story_file.error:
        return story_file
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(story_file.path, flags)
        try:
            # O_NOFOLLOW guards the last step only: a folder swapped for a link since the walk
            # shows in where the open file really is.
            if story_file.root and not _opened_inside(descriptor, story_file.root):
                story_file.error = stored_message(LINK_OUTSIDE)
                return story_file
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                story_file.error = stored_message(NOT_REGULAR)
                return story_file
            data = _read_all(descriptor, status.st_size)
        finally:
            os.close(descriptor)
    except OSError as error:
        story_file.error = stored_message(
            _("cannot read the file: %(reason)s"), reason=_reason(error)
        )
        return story_file
    story_file.data, story_file.sha256 = data, hashlib.sha256(data).hexdigest()
    return story_file


def _read_all(descriptor: int, size: int) -> bytes:
    """The file to its end, and no more than MAX_FILE_BYTES. The first read asks for the size
    found and a byte more (a buffer of MAX_FILE_BYTES a file costs more than all the rest of
    the read); a file that grew since is read on, up to the limit."""
    if size > MAX_FILE_BYTES:
        raise OSError(errno.EFBIG, "")
    chunks, total, wanted = [], 0, size + 1
    while chunk := os.read(descriptor, wanted):
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise OSError(errno.EFBIG, "")
        wanted = min(1 << 20, MAX_FILE_BYTES + 1 - total)
    return b"".join(chunks)


def _opened_inside(descriptor: int, root: Path) -> bool:
    try:
        where = os.readlink(f"/proc/self/fd/{descriptor}")
    except FileNotFoundError:  # no /proc (not Linux): the walk's own checks are what there is
        return True
    # Both are absolute and resolved: a prefix up to a separator is being inside (pathlib's
    # is_relative_to says the same, at ten times the cost a file).
    inside = str(root).rstrip(os.sep) + os.sep
    return where.startswith(inside) or where == str(root)


def _reason(error: Exception) -> str:
    """Why the file cannot be read, as stored: the limit or a link in the reader's language,
    else the system's own words."""
    if getattr(error, "errno", None) == errno.EFBIG:
        return stored_message(
            _("it is larger than %(limit)d MB"), limit=MAX_FILE_BYTES // 1024 // 1024
        )
    if getattr(error, "errno", None) == errno.ELOOP:
        return stored_message(_("a symbolic link"))
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def parse(story_file: StoryFile) -> StoryFile:
    """Decode and parse one file read before: pure, so it can run in a worker process."""
    if story_file.error:
        return story_file
    try:
        with _time_limit(PARSE_SECONDS):
            story_file.text, story_file.encoding = decode_bytes(story_file.data)
            story_file.parsed = parse_story(story_file.text)
            story_file.search_document = parsed_document(story_file.parsed)
    except ParseError as error:
        story_file.error = stored_error(error)
    except ParseTimeout:
        story_file.error = stored_message(
            _("parsing took longer than %(seconds)d seconds: refused"), seconds=PARSE_SECONDS
        )
    except Exception as error:  # noqa: BLE001  a parser bug fails this file, not the run
        logger.debug("Parsing %s failed", story_file.name, exc_info=True)
        story_file.error = stored_message(_("could not be parsed: %(error)s"), error=str(error))
    story_file.data = b""  # the text is kept; the bytes need not travel back
    return story_file


def parse_chunk(files: list[StoryFile]) -> list[StoryFile]:
    """A worker's task: several files, so that a round trip between processes costs less
    than the parsing it carries."""
    return [parse(story_file) for story_file in files]


def parse_story(text: str) -> ParsedArticle:
    """parsers.detect.parse_story, imported when there is something to parse: a re-import of
    files imported before parses nothing, and starts sooner without loading the parsers."""
    from .parsers.detect import parse_story

    return parse_story(text)


def parsed_document(parsed: ParsedArticle) -> dict[str, str]:
    from ..search import parsed_document

    return parsed_document(parsed)


class ParseTimeout(Exception):
    pass


class _time_limit:
    """SIGALRM after `seconds` of parsing (only where signals can be had: a main thread)."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        self.active = threading.current_thread() is threading.main_thread()

    def __enter__(self):
        if self.active:
            self.previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc_info):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)

    @staticmethod
    def _expired(signum, frame):
        raise ParseTimeout


class ParsingPool:
    """Worker processes that parse files. A worker that dies (killed, out of memory) takes
    the files in flight with it: each is parsed once more in a new pool, and only the file
    that kills that one too fails; the run goes on."""

    def __init__(self, *, parallel: bool):
        self.parallel = parallel and (os.cpu_count() or 1) > 1
        self.executor = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.executor:
            self.executor.shutdown(cancel_futures=True)

    def submit(self, files: list[StoryFile]) -> Iterator[StoryFile]:
        """Start parsing `files`; iterating the result waits for each in order."""
        if not self.parallel:
            return (parse(story_file) for story_file in files)
        chunks = [files[i : i + CHUNK_FILES] for i in range(0, len(files), CHUNK_FILES)]
        started = [(chunk, *self._submit(chunk)) for chunk in chunks]
        return (parsed for one in started for parsed in self._results(*one))

    def _submit(self, chunk: list[StoryFile]) -> tuple[Future, ProcessPoolExecutor]:
        if self.executor is None:
            # The parsers and what they load on first use, once, here: workers inherit them.
            import_module(f"{__package__}.parsers.detect")
            import_module(f"{__package__}.parsers.markup").markdown_parser()
            # Forked while read_batches' threads may be reading: a worker needs nothing they
            # can hold at that moment (a descriptor, OpenSSL's hashing; parsing hashes nothing).
            self.executor = ProcessPoolExecutor(os.cpu_count(), initializer=_worker_start)
        try:
            return self.executor.submit(parse_chunk, chunk), self.executor
        except BrokenProcessPool:
            self._discard(self.executor)
            return self._submit(chunk)

    def _results(self, chunk, future, executor) -> Iterator[StoryFile]:
        try:
            parsed = future.result()
        except BrokenProcessPool:
            self._discard(executor)
            # Each file of the chunk once more, alone: only one that kills its worker again fails.
            yield from (
                self._result(story_file, *self._submit([story_file])) for story_file in chunk
            )
            return
        for story_file in chunk:
            story_file.data = b""  # the worker's copy came back: this one's bytes can go
        yield from parsed

    def _result(self, story_file, future, executor) -> StoryFile:
        try:
            [parsed] = future.result()
            return parsed
        except BrokenProcessPool:
            self._discard(executor)
        story_file.error = stored_message(_("the parser stopped unexpectedly on this file"))
        return story_file

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        if self.executor is executor:
            executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None


def _worker_start() -> None:
    """A parsing worker runs behind the writer, and ends when the import does, even one
    killed with SIGKILL (Linux)."""
    with suppress(OSError, AttributeError):  # elsewhere: no niceness, or no death signal
        os.nice(WORKER_NICENESS)
    with suppress(OSError, AttributeError):  # elsewhere than Linux, it may outlive a SIGKILL
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
