"""Which files a `planlint check PATH...` call lints, and the one test of "is this a plan".

A file named on the command line is linted whatever it holds. A folder is searched for
``.yaml``, ``.yml`` and ``.json`` files that are plans (:func:`is_plan`), skipping
version-control folders, caches, ``node_modules`` and virtual environments (a folder with a
``pyvenv.cfg`` that says where its Python lives). What is skipped is kept, with the reason,
for ``--verbose`` and ``--show-files``; a file that is not a regular file (a FIFO, a device)
is never opened.

A plan is a file whose top level is a mapping with a ``planlint`` key holding a format
version (``planlint: 1``). That is decided from the parsed top level, not from a pattern:
flow and JSON plans, quoted, explicit (``? planlint``), anchored and tagged keys, indented
documents and UTF-16 or UTF-32 files (which the checker then reports as not UTF-8) are all
plans; a ``planlint:`` key holding a mapping (a CI job named ``planlint``) is not. A file that
does not parse before its top-level ``planlint`` key is read is judged by its text, so that a
broken plan is still found and reported.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import field

from planlint.records import record

YAML_SUFFIXES = (".yaml", ".yml")
PLAN_SUFFIXES = (*YAML_SUFFIXES, ".json")  # the files a folder is searched for; only these can be plans
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox",
             ".mypy_cache", ".pytest_cache", ".ruff_cache"}
NOT_A_PLAN = "not a plan: its top level has no `planlint:` key with a format version (planlint: 1)"
NO_PLANS = ("no plans found: a plan is a .yaml, .yml or .json file whose top level has a `planlint:` key with a "
            "format version (planlint: 1)")

# The events read before the verdict is left to the text: a plan's version key comes first or
# nearly, and 1,000 events (a plan of 150 lines; a few milliseconds) keep a large file that
# only mentions planlint cheap.
MAX_EVENTS = 1_000
_KEYLIKE = re.compile(r"(?m)planlint[\"']?[ \t]*(?::|$)")  # the word as a key could be spelled
_VERSION = re.compile(r"[0-9][0-9._]*")
# A broken file's last chance: a line that starts (after indentation, a brace, an anchor or a
# tag) with the key, quoted or not, and a version on the same line.
_TEXT_KEY = r"(?m)^[ \t{]*(?:[&!][^ \t\n]*[ \t]+)*(?:planlint|\"planlint\"|'planlint')[ \t]*:[ \t]*[\"']?[0-9]"
_WIDE = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@record(frozen=True)
class Target:
    """A file to lint, and whether it was named (rather than found in a folder)."""

    path: str  # what to open
    explicit: bool  # named on the command line (linted even without a `planlint:` key)


@record
class Discovery:
    """What ``discover`` found: the files to lint, messages for paths that do not exist, and
    what was skipped as ``(path, reason)``; ``irregular`` repeats the skipped ones a run
    reports whether asked or not (FIFOs, devices, sockets: files that are not regular)."""

    targets: list[Target] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    irregular: list[tuple[str, str]] = field(default_factory=list)


def _text(raw: bytes) -> str | None:
    """The file's text as far as discovery needs it; None when it cannot be decoded."""
    codec = _wide(raw)
    try:
        return raw.decode(codec or "utf-8-sig")
    except UnicodeDecodeError:
        return None


def _wide(raw: bytes) -> str | None:
    """The UTF-16 or UTF-32 codec ``raw`` is in, by its byte-order mark or by where the zero
    bytes of its first character stand; None for anything else."""
    for mark, codec in _WIDE:
        if raw.startswith(mark):
            return codec
    head = raw[:4]
    if len(head) < 2 or b"\x00" not in head:
        return None
    if len(head) == 4 and head[:3] == b"\x00\x00\x00":
        return "utf-32-be"
    if len(head) == 4 and head[1:] == b"\x00\x00\x00":
        return "utf-32-le"
    return "utf-16-be" if head[0] == 0 else "utf-16-le" if head[1] == 0 else None


def is_plan(raw: bytes) -> bool:
    """Whether ``raw`` is a plan: a top-level ``planlint`` key holding a format version. The one
    test used by discovery, ``--skip-non-plans``, pre-commit and launch-config recognition.

    Cheap for other files: one byte search unless the file mentions ``planlint``; then its top
    level is parsed up to that key (libyaml's events, nothing built), within ``MAX_EVENTS``."""
    if b"planlint" not in raw and _wide(raw) is None:
        return False
    text = _text(raw)
    if text is None:  # not text the checker reads: it is a plan if it says so, and then reported
        return re.search(_TEXT_KEY, raw.decode("latin-1")) is not None
    if _KEYLIKE.search(text) is None:
        return False
    verdict = _top_level_version(text)
    if verdict is None:
        return re.search(_TEXT_KEY, text) is not None
    return verdict


def is_plan_file(path: str, raw: bytes) -> bool:
    """A file found in a folder, or passed by a hook, is a plan: its name and its content."""
    return path.lower().endswith(PLAN_SUFFIXES) and is_plan(raw)


def _top_level_version(text: str) -> bool | None:
    """True: the first document's top level has a ``planlint`` key holding a version scalar;
    False: it has none, or the key holds something else; None: the text did not parse (or was
    too long) before that was known."""
    import yaml

    events = _events(text)
    seen = 0

    def following():
        nonlocal seen
        seen += 1
        if seen > MAX_EVENTS:
            raise _Undecided
        return next(events)

    scalars = {}  # anchor -> value of the anchored scalars met: `planlint: *version` is a version too

    def skip(event) -> None:
        depth = 1 if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)) else 0
        while True:
            if isinstance(event, yaml.ScalarEvent) and event.anchor:
                scalars[event.anchor] = event.value
            if not depth:
                return
            event = following()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1

    try:
        event = following()  # StreamStart
        event = following()
        if not isinstance(event, yaml.DocumentStartEvent):
            return False  # an empty stream
        event = following()
        if not isinstance(event, yaml.MappingStartEvent):
            return False
        while True:
            key = following()
            if isinstance(key, yaml.MappingEndEvent):
                return False
            named = isinstance(key, yaml.ScalarEvent) and key.value == "planlint"
            skip(key)
            value = following()
            if named:
                if isinstance(value, yaml.AliasEvent) and value.anchor in scalars:
                    version = scalars[value.anchor]
                elif isinstance(value, yaml.ScalarEvent):
                    version = value.value
                else:
                    return False  # a mapping (a CI job named planlint), a list
                # a scalar that is no version may be the version run on into a broken next line
                # (`planlint: 1` then an over-indented `x: [`): the text decides
                return True if _VERSION.fullmatch(version.strip()) else None
            skip(value)
    except (_Undecided, yaml.YAMLError, StopIteration, RecursionError):
        return None
    finally:
        events.close()


class _Undecided(Exception):
    pass


def _events(text: str):
    """The YAML events of ``text``, libyaml's where PyYAML has it: nothing is built."""
    import yaml

    try:
        from yaml.cyaml import CParser as parser_class
    except ImportError:  # PyYAML built without libyaml
        parser_class = yaml.SafeLoader
    parser = parser_class(text)
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()


def virtualenv(path: str) -> bool:
    """Whether folder ``path`` is a Python virtual environment: its ``pyvenv.cfg`` is a regular
    file with a ``home`` line (what Python itself reads), not just a file of that name."""
    try:
        with open(os.path.join(path, "pyvenv.cfg"), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return False
            head = handle.read(8192)
    except OSError:
        return False
    return re.search(rb"(?m)^[ \t]*home[ \t]*=", head) is not None


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _skipped_dir(root: str, name: str) -> str | None:
    """Why folder ``name`` under ``root`` is not searched, or None."""
    if name in SKIP_DIRS:
        return "a version-control, cache or dependency folder"
    if virtualenv(os.path.join(root, name)):
        return "a virtual environment (pyvenv.cfg)"
    return None


def discover(paths: list[str]) -> Discovery:
    """Targets in a stable order, messages for paths that do not exist, and what was skipped."""
    found = Discovery()
    seen: set[str] = set()

    def add(path: str, explicit: bool) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            found.targets.append(Target(path, explicit))

    def shown(path: str) -> str:
        # `planlint check .` reports plans/x.yaml, not ./plans/x.yaml
        return path[2:] if path.startswith("./") else path

    for path in paths:
        if path == "-":
            add(path, True)
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                kept = []
                for name in sorted(dirs):
                    why = _skipped_dir(root, name)
                    if why is None:
                        kept.append(name)
                    else:
                        found.skipped.append((shown(os.path.join(root, name)) + os.sep, why))
                dirs[:] = kept
                for name in sorted(files):
                    if not name.lower().endswith(PLAN_SUFFIXES):
                        continue
                    file = shown(os.path.join(root, name))
                    try:
                        mode = os.stat(file).st_mode
                    except OSError:
                        mode = None  # gone, or a dangling link: reading it reports why
                    if mode is not None and not stat.S_ISREG(mode):
                        entry = (file, f"{_kind(mode)}, not a regular file: not opened")
                        found.skipped.append(entry)
                        found.irregular.append(entry)
                        continue
                    add(file, False)
        elif os.path.exists(path):
            add(path, True)
        else:
            found.errors.append(f"{path}: no such file or folder")
    return found


def expand(paths: list[str]) -> tuple[list[Target], list[str]]:
    """Targets in a stable order, and error messages for paths that do not exist."""
    found = discover(paths)
    return found.targets, found.errors


def read_found(path: str, max_bytes: int) -> tuple[bytes, int] | None:
    """The first ``max_bytes`` of a file found in a folder and its size, or None when it is no
    longer a regular file (it is opened without blocking, so a FIFO put there since the folder
    was searched cannot hang the run). OSError propagates."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        return handle.read(max_bytes), info.st_size
