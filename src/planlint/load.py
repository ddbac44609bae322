"""Stage 1: read a file into plain data plus the source position of every key and value.

Safety first: the YAML is read as an event stream (libyaml when available) and turned into
plain data here, so no tag ever builds an object (``!!python/...`` is reported, not run).
Building from events, rather than with ``yaml.safe_load``, also lets us

* report every duplicate key (PL003) instead of silently keeping the last one, and every
  construct YAML readers read two ways (PL003: a repeated merge key, merged mappings that
  disagree, a duplicate anchor, YAML 1.1 scalars such as `on` and `1:30`); otherwise the data
  is what ``yaml.safe_load`` builds (tests/test_yaml_differential.py), dates kept as text;
* bound nesting depth and alias expansion while parsing (PL004), so a billion-laughs file
  or ten thousand nested brackets finish in milliseconds;
* keep the key and value span of every node for file:line:column findings.

libyaml and PyYAML's pure-Python parser agree on every line and column (both count code
points, CRLF as one break, tabs as one column), with two exceptions, both handled here:
libyaml counts a byte-order mark inside the text as an extra column, so such a text is read
with the pure parser; and libyaml reports a disallowed character at its *byte* offset, which
is turned back into a character offset.
"""

from __future__ import annotations

import os
import re
from dataclasses import field
from typing import Any

import yaml

from planlint import units
from planlint.findings import FindingList, PathT, Span, dotted
from planlint.limits import Limits, hint
from planlint.records import record

try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml
    _CParser = None
_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_CONTAINER_TAGS = {_YAML + "map", _YAML + "seq", "!"}
# YAML line breaks (YAML 1.1 also counts NEL and the Unicode line and paragraph separators)
_LINE_BREAK = "\r\n|\r|\n|\x85|\u2028|\u2029"  # compiled on first use (re's cache): most runs never need it


_Pos = tuple  # (line, column, end line, end column), 1-based: a Span before it is needed


class NodeSpans:
    """Where a node stands: the span of the key that holds it (None for list items and the
    root) and the span of its value. The loader records plain position tuples, and the Span
    objects are made when asked for: most positions of a file are never reported."""

    __slots__ = ("_key", "_value")

    def __init__(self, key: Span | _Pos | None, value: Span | _Pos):
        self._key = key
        self._value = value

    @property
    def key(self) -> Span | None:
        key = self._key
        if isinstance(key, tuple):
            key = self._key = Span(*key)
        return key

    @property
    def value(self) -> Span:
        value = self._value
        if isinstance(value, tuple):
            value = self._value = Span(*value)
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NodeSpans):
            return NotImplemented
        return (self.key, self.value) == (other.key, other.value)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"NodeSpans(key={self.key!r}, value={self.value!r})"


@record
class Document:
    """Stage 1's output: one file's text, its plain data and where every key and value stands,
    and the problems of reading it (``findings``: PL001, PL003, PL004 and the PL002 of tags)."""

    name: str
    text: str = ""
    data: Any = None
    usable: bool = False  # data can be validated (the YAML parsed and stayed within bounds)
    spans: dict[PathT, NodeSpans] = field(default_factory=dict)
    findings: FindingList = None  # type: ignore[assignment]  # made in __post_init__
    max_findings: int = Limits.max_findings
    # A plan is read by any YAML reader, so values YAML 1.1 and 1.2 read differently are
    # reported; a launch config is read by its launcher's PyYAML, as planlint reads it.
    any_reader: bool = True
    _lines: list[str] | None = None

    def __post_init__(self):
        if self.findings is None:
            self.findings = FindingList(self.name, self.max_findings)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = _EDITOR_BREAK.split(self.text)
        return self._lines

    def locate(self, path: PathT, target: str = "key") -> Span:
        """The span of the key (``target="key"``) or value at ``path``.

        A path that the file does not spell out (a missing key, a value inside an alias)
        falls back to its nearest ancestor that it does, so every finding has a position.
        """
        path = tuple(path)
        while path not in self.spans and path:
            path = path[:-1]
        spans = self.spans.get(path)
        if spans is None:
            return Span(1, 1, 1, 1)
        if target == "key" and spans.key is not None:
            return spans.key
        return spans.value


def _span(start, end) -> _Pos:
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` in ``text``."""
    before = text[:index]
    breaks = list(re.finditer(_LINE_BREAK, before))
    line_start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, index - line_start + 1


_BOM = b"\xef\xbb\xbf"
# Longest first: a UTF-32 LE mark begins with the UTF-16 LE one.
_OTHER_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
               (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column, in characters, of byte ``offset`` of ``raw`` (BOM not counted)."""
    prefix = raw[:offset].decode("utf-8-sig", "replace")  # nothing was parsed: the editor's lines at once
    breaks = list(_EDITOR_BREAK.finditer(prefix))
    return len(breaks) + 1, len(prefix) - (breaks[-1].end() if breaks else 0) + 1


def decode(raw: bytes, doc: Document) -> str | None:
    """UTF-8 with or without BOM; anything else is a PL001 finding with its position."""
    for mark, name in _OTHER_BOMS:
        if raw.startswith(mark):
            doc.findings.add("PL001", "yaml-syntax", f"the file is {name} encoded; planlint reads UTF-8",
                             Span(1, 1, 1, 1), fix="save the plan as UTF-8")
            return None
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, column = _byte_position(raw, offset)
        doc.findings.add("PL001", "yaml-syntax",
                         f"the file holds a NUL byte at offset {offset}: it looks binary, not a YAML plan",
                         Span(line, column, line, column + 1), fix="check that this is the plan you meant to lint")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # utf-8-sig counts exc.start after the BOM it removed
        offset = exc.start + (len(_BOM) if raw.startswith(_BOM) else 0)
        line, column = _byte_position(raw, offset)
        doc.findings.add("PL001", "yaml-syntax",
                         f"the file is not UTF-8: byte 0x{raw[offset]:02x} cannot be decoded",
                         Span(line, column, line, column + 1),
                         fix="save the plan as UTF-8 (for example `iconv -f latin1 -t utf-8`)")
        return None


def parse(text: str, doc: Document, limits: Limits = Limits()) -> None:
    """Fill ``doc.data``, ``doc.spans`` and the load findings from YAML ``text``, at the lines
    and columns an editor shows (see ``_EDITOR_BREAK``)."""
    findings_before = len(doc.findings)
    _parse(text, doc, limits)
    if _YAML_ONLY_BREAK.search(text) is not None:
        _to_editor_positions(text, doc, findings_before)


# Editors break lines at LF, CRLF and CR only; YAML 1.1 (libyaml, PyYAML) also at NEL, U+2028
# and U+2029, which an editor shows inside a line. Positions and ``Document.lines`` follow the editor.
_EDITOR_BREAK = re.compile("\r\n|\r|\n")
_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")


def _to_editor_positions(text: str, doc: Document, findings_before: int) -> None:
    """Move every position the parser gave (counted in YAML lines) to the editor's line and column."""
    editor_starts = [0] + [m.end() for m in _EDITOR_BREAK.finditer(text)]
    table = []  # YAML line (0-based) -> (editor line, 1-based; columns to add)
    line = 0
    for start in [0] + [m.end() for m in re.finditer(_LINE_BREAK, text)]:
        while line + 1 < len(editor_starts) and editor_starts[line + 1] <= start:
            line += 1
        table.append((line + 1, start - editor_starts[line]))

    # a mark past YAML's last line (a syntax error at the end of the stream) is the file's end
    end = (len(editor_starts), len(text) - editor_starts[-1] + 1)

    def moved(pos):
        if pos is None:
            return None
        first, column, last, end_column = pos.line, pos.column, pos.end_line, pos.end_column
        if 1 <= first <= len(table):
            first, column = table[first - 1][0], column + table[first - 1][1]
        elif first > len(table):
            first, column = end
        if 1 <= last <= len(table):
            last, end_column = table[last - 1][0], end_column + table[last - 1][1]
        elif last > len(table):
            last, end_column = end
        return Span(first, column, last, end_column)

    for path, spans in doc.spans.items():
        doc.spans[path] = NodeSpans(moved(spans.key), moved(spans.value))
    for finding in doc.findings[findings_before:]:
        finding.span = moved(finding.span)
    doc.findings.first_dropped = moved(doc.findings.first_dropped)


def _editor_line(text: str, line: int) -> int:
    """The 1-based line an editor shows YAML's 0-based ``line`` of ``text`` at."""
    if _YAML_ONLY_BREAK.search(text) is None:
        return line + 1
    return len(_EDITOR_BREAK.findall(text, 0, _offset(text, line, 0))) + 1


def _parse(text: str, doc: Document, limits: Limits) -> None:
    doc.text = text
    fast = _CParser is not None and "\ufeff" not in text
    findings_before = len(doc.findings)
    try:
        try:
            builder = _Builder(doc, limits)
            if fast:
                _feed_from_libyaml(text, builder)
            else:
                builder = _feed_from_python_bounded(text, builder, doc, findings_before, limits)
        except yaml.MarkedYAMLError as exc:
            if not (fast and _LIBYAML_NEST_LIMIT in str(exc.problem) and exc.problem_mark):
                raise
            # libyaml refuses more than 1,000 open collections, and it scans ahead of the
            # events it hands over, so the builder never saw the nesting. The text up to where
            # libyaml stopped holds 1,000 levels: read that, so the depth bound reports the
            # level where it is crossed. A bound above libyaml's needs the pure parser.
            builder = _restart(doc, findings_before, limits)
            if limits.max_depth < 1000:
                mark = exc.problem_mark
                _feed_from_libyaml(text[: _offset(text, mark.line, mark.column)], builder, quiet=True)
            if not builder.over_limit:
                builder = _restart(doc, findings_before, limits)
                _feed_from_python(text, builder)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "malformed YAML"
        details = ()
        if exc.context and exc.problem and exc.context_mark is not None:
            details = (f"{exc.context} at line {_editor_line(text, exc.context_mark.line)}",)
        span = Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2) if mark else Span(1, 1, 1, 1)
        doc.findings.add("PL001", "yaml-syntax", f"syntax error: {message}", span,
                         fix="fix the YAML at this position; `planlint` checks the plan once it parses",
                         details=details)
        return
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow
        position = getattr(exc, "position", 0) or 0
        if fast:  # libyaml counts bytes of the UTF-8 text
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        line, column = _position(text, position)
        reason = getattr(exc, "reason", None) or str(exc)
        char = getattr(exc, "character", None)
        shown = f" (#x{ord(char) if isinstance(char, str) else char:04x})" if char is not None else ""
        doc.findings.add("PL001", "yaml-syntax", f"syntax error: {reason}{shown}",
                         Span(line, column, line, column + 1), fix="remove the character or quote it as an escape")
        return
    if builder.over_limit:
        return
    # An empty file is valid YAML (no root): validation says what a plan needs.
    doc.data = None if builder.root is _MISSING else builder.root
    doc.usable = True


_LIBYAML_NEST_LIMIT = "maximum nesting depth"  # libyaml 0.2.5's message past 1,000 levels


def _restart(doc: Document, findings_before: int, limits: Limits) -> _Builder:
    """A fresh builder for a second reading: forget what the first one recorded."""
    kept = doc.findings[:findings_before]
    doc.findings = FindingList(doc.name, doc.findings.limit)
    doc.findings.extend(kept)
    doc.spans.clear()
    return _Builder(doc, limits)


def _offset(text: str, line: int, column: int) -> int:
    """The character index of 0-based ``line`` and ``column`` in ``text``."""
    index = 0
    breaks = re.compile(_LINE_BREAK)
    for _ in range(line):
        found = breaks.search(text, index)
        if found is None:
            return len(text)
        index = found.end()
    return min(index + column, len(text))


def _feed_from_python(text: str, builder: _Builder, quiet: bool = False) -> None:
    """Feed the pure-Python parser's events to ``builder``; ``quiet`` as for libyaml's."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if not builder.feed(event):
                break
    except yaml.MarkedYAMLError:
        if not quiet:
            raise


_FLOW_BRACKET = r"[\[\]{}]"  # compiled on first use (re's cache): most runs never need it


def _flow_cut(text: str, depth: int) -> int | None:
    """Where the count of open brackets first reaches ``depth`` (brackets in quotes count
    too: an over-estimate of the nesting), or None when it never does."""
    if text.count("[") + text.count("{") < depth:
        return None
    level = 0
    for match in re.finditer(_FLOW_BRACKET, text):
        if match.group() in "[{":
            level += 1
            if level >= depth:
                return match.end()
        elif level:
            level -= 1
    return None


def _feed_from_python_bounded(text: str, builder: _Builder, doc: Document, findings_before: int,
                              limits: Limits) -> _Builder:
    """The pure parser, without its quadratic cost on deep flow nesting.

    PyYAML's scanner looks over every open level for each token, so a few thousand nested
    brackets take seconds. When the brackets alone nest far past the depth bound, the text
    up to that point is read first: if the builder crosses the bound there, that is the
    finding the whole text gives. Otherwise (brackets in quotes) the whole text is read."""
    cut = _flow_cut(text, 2 * limits.max_depth + 8)
    if cut is not None:
        # a character YAML refuses, anywhere in the text: reported as the whole-text reading does
        yaml.reader.Reader(text)
        _feed_from_python(text[:cut], builder, quiet=True)
        if builder.over_limit:
            return builder
        builder = _restart(doc, findings_before, limits)
    _feed_from_python(text, builder)
    return builder


def _feed_from_libyaml(text: str, builder: _Builder, quiet: bool = False) -> None:
    """Feed libyaml's events to ``builder``. With ``quiet``, a syntax error ends the feed
    without raising: the caller reads a deliberately cut text for its depth alone."""
    parser = _CParser(text)
    try:
        get_event = parser.get_event
        feed, scalar = builder.feed, builder._scalar
        scalar_event, end = yaml.ScalarEvent, yaml.StreamEndEvent
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:  # most events: straight to their handler
                if not scalar(event):
                    break
            elif event is None or not feed(event) or kind is end:
                break
    except yaml.MarkedYAMLError:
        if not quiet:
            raise
    finally:
        parser.dispose()


_MISSING = object()
_MERGE = type("_MergeKey", (), {"__repr__": lambda self: "<<"})()  # a merge key: never a key's text
_MERGE_TAG = "tag:yaml.org,2002:merge"
_KINDS = {"int": "an integer", "float": "a number", "bool": "a boolean", "null": "null", "timestamp": "a date"}
_CORE_BOOLS = {"true", "True", "TRUE", "false", "False", "FALSE"}  # the booleans of YAML 1.2 too


def _yaml12_text(text: str, tag: str) -> bool:
    """Whether a YAML 1.2 (core schema) reader reads ``text``, which PyYAML types as ``tag``,
    as text: `on`, `yes`, a date, sexagesimal `1:30`, binary `0b1`, `1_000`."""
    if tag == _YAML + "bool":
        return text not in _CORE_BOOLS
    if tag == _YAML + "timestamp":
        return True
    return ":" in text or "_" in text or text.lstrip("+-").startswith("0b")


def _tag_of(value: Any) -> str:
    if isinstance(value, bool):
        return _YAML + "bool"
    return _YAML + ("int" if isinstance(value, int) else "float" if isinstance(value, float) else "str")


def _number(value: int | float) -> str:
    """A number for a message: as Python writes it while short, else in scientific notation
    or by its size (a sexagesimal or binary text can stand for hundreds of digits)."""
    from planlint import units
    from planlint.quantities import decimal_digits

    if isinstance(value, float):
        return units.sci(value) if not 1e-4 <= abs(value) < 1e15 and value else f"{value:g}"
    if abs(value) < 10 ** 15:
        return str(value)
    return units.sci(float(value)) if value.bit_length() < 1000 else f"a {decimal_digits(value):,}-digit number"


def _same(a: Any, b: Any) -> bool:
    """The same value, 1 and True and 1.0 told apart (at the top: enough for a merge)."""
    return a is b or (type(a) is type(b) and a == b)


_MAX_INT_BITS = 14_000  # about 4,200 decimal digits: under Python's 4,300-digit str() limit
# Stateless helpers, shared by every file rather than built per file.
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_PLAIN: dict[tuple[str, Any], Any] = {}  # (untagged scalar, implicit) -> its value, across files
_TEXT_KEYS: set[str] = set()  # plain keys PyYAML reads as text, across files


class _Frame:
    __slots__ = ("container", "path", "start", "anchor", "key", "key_span", "keys", "merges", "size", "swallow")

    def __init__(self, container, path, start, anchor):
        self.container = container
        self.path = path
        self.start = start
        self.anchor = anchor
        self.key = None  # in a mapping: the key waiting for its value
        self.key_span = None
        self.keys: dict[str, _Pos] = {}  # keys seen, for duplicate detection
        self.merges: list = []
        self.size = 1
        self.swallow = False  # the pending key was not a string: drop its value


class _Builder:
    """Turns a YAML event stream into plain data, spans and findings, within ``Limits``."""

    def __init__(self, doc: Document, limits: Limits):
        self.doc = doc
        self.limits = limits
        self.constructor = _CONSTRUCTOR
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.anchor_lines: dict[str, int] = {}  # anchor -> line of its first definition
        self.alias_names: dict[int, str] = {}  # id of an aliased mapping -> its anchor
        self.mapping_starts: dict[int, tuple[int, int]] = {}  # id of a mapping merged in place -> its start
        # id of a mapping -> keys it sets itself over a different value its own merge brings:
        # merged into another mapping, PyYAML 6.0.4 may take the nested merge's value
        self.overridden: dict[int, set] = {}
        self.root: Any = _MISSING
        self.documents = 0
        self.nodes = 0
        self.over_limit = False

    # -- events -------------------------------------------------------------------------

    def feed(self, event) -> bool:
        """Consume one event; False stops the parse (a bound was hit or a second document)."""
        kind = type(event)
        if kind is yaml.ScalarEvent:
            return self._scalar(event)
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            return self._start(event, {} if kind is yaml.MappingStartEvent else [])
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            return self._end(event)
        if kind is yaml.AliasEvent:
            return self._alias(event)
        if kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self.doc.findings.add(
                    "PL002", "schema",
                    f"a plan is one YAML document; a second one starts here (line {event.start_mark.line + 1})",
                    _span(event.start_mark, event.end_mark),
                    fix="split the file into one plan per file; planlint checked the first document only",
                )
                return False
        return True

    def _scalar(self, event) -> bool:
        frame = self.stack[-1] if self.stack else None
        start, end = event.start_mark, event.end_mark
        span = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
        if frame is not None and isinstance(frame.container, dict) and frame.key is None and not frame.swallow:
            # PyYAML merges on the key's tag: a plain << or an explicit !!merge, never a quoted '<<'
            tag = event.tag
            if tag == _MERGE_TAG or (tag is None and event.implicit[0] and event.value == "<<"):
                self._anchor(event, _MERGE)
                return self._key(frame, _MERGE, span)
            key, typed = self._key_text(event, span, frame)
            self._anchor(event, typed)
            return self._key(frame, key, span)
        value = self._construct(event, span)
        if frame is not None and event.tag is None and event.implicit[0] and not frame.swallow and self.doc.any_reader:
            self._check_plain(event.value, value, span, frame)
        self._anchor(event, value)
        return self._place(value, span, 1)

    def _anchor(self, event, value) -> None:
        if event.anchor:
            self._anchor_line(event)
            self.anchors[event.anchor] = (value, 1)

    def _anchor_line(self, event) -> None:
        """PyYAML refuses a file that defines an anchor twice; YAML 1.2 readers take the later
        one, as planlint does: read two ways, so reported."""
        anchor = event.anchor
        first = self.anchor_lines.get(anchor)
        if first is not None:
            self.doc.findings.add(
                "PL003", "duplicate-key",
                f"anchor &{units.clip(anchor)} is defined twice (first at line {first})",
                _span(event.start_mark, event.end_mark),
                fix=f"rename one of the anchors: every &{anchor} must be unique in the file",
                details=("PyYAML refuses the file; other YAML readers take the later definition, as planlint does",))
        else:
            self.anchor_lines[anchor] = event.start_mark.line + 1

    def _key_text(self, event, span: _Pos, frame: _Frame) -> tuple[str, Any]:
        """A scalar key: its text, and the value PyYAML builds from it (what an alias of an
        anchored key repeats). A key PyYAML reads as a number, boolean, null or date is not the
        key the plan's format sees: reported."""
        value, tag = event.value, event.tag
        if tag is None:
            if not event.implicit[0] or value in _TEXT_KEYS:  # quoted, or a plain key seen before
                return value, value
            tag = _RESOLVER.resolve(yaml.ScalarNode, value, event.implicit)
            if tag == _YAML + "str" and len(_TEXT_KEYS) < 512 and len(value) < 32:  # the format's names, mostly
                _TEXT_KEYS.add(value)
            if tag == _YAML + "value":  # PyYAML reads a plain `=` key as text
                return value, value
        elif tag == "!":
            tag = _YAML + "str"
        if tag not in _SCALAR_TAGS:
            self._tag_finding(tag, span)
            return value, value
        if tag == _YAML + "str":
            return value, value
        before = len(self.doc.findings)
        typed = self._typed(value, tag, span)
        if len(self.doc.findings) == before:
            self._non_text_key(value, tag, span, frame.path)
        return value, typed

    def _non_text_key(self, written: str, tag: str, span: _Pos, path: PathT) -> None:
        kind = _KINDS[tag[len(_YAML):]]
        shown = units.quoted(written)
        if _yaml12_text(written, tag):
            code, rule = "PL003", "duplicate-key"
            message = f"the key {shown} is {kind} in YAML 1.1 (PyYAML), text in YAML 1.2"
        else:
            code, rule = "PL002", "schema"
            message = f"the key {shown} is read as {kind} by YAML readers such as PyYAML, not as text"
        self.doc.findings.add(code, rule, message, span, path=path + (written,),
                              fix=f"quote the key ({shown}) so that every reader sees the same text",
                              details=("planlint reads the key as text, as a plan's keys are",))

    def _check_plain(self, written: str, value: Any, span: _Pos, frame: _Frame) -> None:
        """A plain value that YAML 1.1 (PyYAML, and planlint) and YAML 1.2 readers read
        differently: `on`, sexagesimal `1:30`, octal `017`, binary `0b101`. Values under x-
        keys are the plan's notes, not its facts: not reported."""
        text = units.clip(written, 20)
        if isinstance(value, bool):
            if text in _CORE_BOOLS:
                return
            read, other = f"the boolean {str(value).lower()}", "text"
            fix = f"write {str(value).lower()}, or quote '{text}' if it is text"
        elif isinstance(value, (int, float)):
            digits = written.lstrip("+-")
            if ":" in digits:
                read, other = f"{_number(value)} (base 60)", "text"
            elif digits.startswith("0b"):
                read, other = f"{_number(value)} (binary)", "text"
            elif isinstance(value, int) and len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
                try:
                    decimal = int(digits.replace("_", ""), 10) * (-1 if written[0] == "-" else 1)
                except ValueError:  # not octal after all (a resolver another library added)
                    return
                if decimal == value:  # 00, 01: the same number either way
                    return
                read, other = f"{_number(value)} (octal)", _number(decimal)
            else:
                return
            fix = f"write {_number(value)} in decimal, or quote '{text}' if it is text"
        elif written[:1].isdigit() and "-" in written and len(written) < 64 and \
                _RESOLVER.resolve(yaml.ScalarNode, written, (True, False)) == _YAML + "timestamp":
            fix = f"quote '{text}', so that every reader sees text"
            return self._report_plain(f"{text} is a date in YAML 1.1 (PyYAML), text in YAML 1.2", span, frame, fix,
                                      "planlint keeps it as text, as JSON has no dates")
        else:
            return
        self._report_plain(f"{text} is {read} in YAML 1.1 (PyYAML), {other} in YAML 1.2", span, frame, fix,
                           "planlint reads it as PyYAML does")

    def _report_plain(self, message: str, span: _Pos, frame: _Frame, fix: str, detail: str) -> None:
        path = self._child_path(frame)
        if any(isinstance(part, str) and part.startswith("x-") for part in path):
            return
        self.doc.findings.add("PL003", "duplicate-key", message, span, path=path, fix=fix, details=(detail,))

    def _key(self, frame: _Frame, key, span: _Pos) -> bool:
        """``key`` is the key's text, or ``_MERGE`` for a merge key (its value is merged at the
        end). A second merge key in one mapping is a duplicate key like any other: readers
        differ on which of the two wins."""
        first = frame.keys.get(key)
        if first is not None:
            where = dotted(frame.path)
            shown = "<<" if key is _MERGE else key
            self.doc.findings.add(
                "PL003", "duplicate-key",
                f"duplicate key {units.quoted(shown)} in {where} (first at line {first[0]})",
                span, path=frame.path + (() if key is _MERGE else (key,)),
                details=("PyYAML silently keeps the last value and strict YAML readers reject the file",),
                fix=(f"keep one '{key}' and delete the other" if key is not _MERGE else
                     "merge the mappings with one key, in the order they take precedence: `<<: [*first, *second]`"),
            )
        else:
            frame.keys[key] = span
        frame.key, frame.key_span = key, span
        return True

    def _start(self, event, container) -> bool:
        if len(self.stack) >= self.limits.max_depth:
            self.doc.findings.add("PL004", "input-limit",
                                  f"nesting deeper than {self.limits.max_depth} levels; a plan nests 3 or 4 deep",
                                  _span(event.start_mark, event.end_mark),
                                  fix=f"flatten the structure ({hint('max_depth')})")
            self.over_limit = True
            return False
        self._check_container_tag(event)
        parent = self.stack[-1] if self.stack else None
        path = self._child_path(parent)
        frame = _Frame(container, path, event.start_mark, event.anchor)
        if event.anchor:
            self._anchor_line(event)
            self.anchors.pop(event.anchor, None)  # defined again when it ends
        if parent is not None and isinstance(parent.container, dict) and parent.key is None and not parent.swallow:
            # a mapping or list used as a key: not a plan; swallow it and its value
            self.doc.findings.add("PL002", "schema", "a key must be a plain string, not a mapping or list",
                                  _span(event.start_mark, event.end_mark), path=parent.path,
                                  fix="write the key as a plain word such as `params`")
            parent.swallow = True
            frame.path = parent.path + ("?",)
        self.stack.append(frame)
        return True

    def _end(self, event) -> bool:
        frame = self.stack.pop()
        value = frame.container
        if frame.merges:
            self._merge(frame)
        if frame.anchor:
            self.anchors[frame.anchor] = (value, frame.size)
        parent = self.stack[-1] if self.stack else None
        if isinstance(value, dict) and frame.path and (frame.path[-1] is _MERGE or (
                isinstance(parent.container, list) and parent.path and parent.path[-1] is _MERGE)):
            # a mapping written in a merge key's value: where it starts, for the message of a conflict
            self.mapping_starts[id(value)] = (frame.start.line + 1, frame.start.column + 1)
        span = (frame.start.line + 1, frame.start.column + 1, event.end_mark.line + 1, event.end_mark.column + 1)
        if frame.path and frame.path[-1] == "?":  # the swallowed complex key itself
            return True
        return self._place(value, span, frame.size, new=1)  # its children were counted already

    def _alias(self, event) -> bool:
        span = _span(event.start_mark, event.end_mark)
        found = self.anchors.get(event.anchor)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.key is None and not frame.swallow:
            # an alias used as a key: fine when it names a string, like any plain key
            if found is not None and (isinstance(found[0], str) or found[0] is _MERGE):
                return self._key(frame, found[0], span)
            if found is not None and found[0] is not None and not isinstance(found[0], (dict, list)):
                text = f"*{event.anchor}"
                self._non_text_key(text, _tag_of(found[0]), span, frame.path)
                return self._key(frame, text, span)
            self.doc.findings.add("PL002", "schema", "a key must be a plain string, not an alias of a mapping or list",
                                  span, path=frame.path, fix="write the key as a plain word such as `params`")
            frame.swallow = True
            return True
        if found is None:
            self.doc.findings.add("PL001", "yaml-syntax",
                                  f"alias *{units.clip(event.anchor)} refers to no anchor defined before it", span,
                                  fix=f"define &{event.anchor} before using *{event.anchor}",
                                  details=("an alias cannot refer to a node that contains it",))
            return self._place(None, span, 1)
        value, size = found
        if isinstance(value, dict) and event.anchor:  # a merge names the mappings it takes
            self.alias_names[id(value)] = event.anchor
        if value is _MERGE:  # PyYAML refuses a merge key's scalar used as a value
            self._tag_finding(_MERGE_TAG, span)
            value = "<<"
        return self._place(value, span, size)

    # -- helpers ------------------------------------------------------------------------

    def _child_path(self, parent: _Frame | None) -> PathT:
        if parent is None:
            return ()
        if isinstance(parent.container, list):
            return parent.path + (len(parent.container),)
        return parent.path + (parent.key,)

    def _place(self, value, span: _Pos, size: int, new: int | None = None) -> bool:
        """Put a finished value into its parent and record where it stands.

        ``size`` is the value's node count with aliases expanded (what anchoring it would
        repeat); ``new`` the nodes it adds to the file's count (a container's children were
        counted as they were placed).
        """
        self.nodes += size if new is None else new
        if self.nodes > self.limits.max_nodes:
            self.doc.findings.add("PL004", "input-limit",
                                  f"the file expands to more than {self.limits.max_nodes:,} values; a plan has a few dozen",
                                  span, fix=f"remove the repeated aliases ({hint('max_nodes')})",
                                  details=("aliases repeat their anchor's content",))
            self.over_limit = True
            return False
        frame = self.stack[-1] if self.stack else None
        if frame is None:
            self.root = value
            self.doc.spans[()] = NodeSpans(None, span)
            return True
        frame.size += size
        if isinstance(frame.container, list):
            path = frame.path + (len(frame.container),)
            frame.container.append(value)
            self.doc.spans[path] = NodeSpans(None, span)
            return True
        if frame.swallow:  # the value of a complex key
            frame.swallow = False
            return True
        key, key_span = frame.key, frame.key_span
        frame.key = frame.key_span = None
        if key is _MERGE:
            frame.merges.append((value, key_span))
            return True
        frame.container[key] = value
        self.doc.spans[frame.path + (key,)] = NodeSpans(key_span, span)
        return True

    def _merge(self, frame: _Frame) -> None:
        """YAML merge keys: explicit keys win, then earlier merged mappings.

        When two merged mappings give one key different values and the mapping does not set
        it itself, readers disagree on which wins (the merge specification, and PyYAML 6.0.4
        for one-letter keys, keep the first; PyYAML 6.0.4 keeps the last for longer keys, and
        earlier versions the last of repeated merge keys): planlint keeps the first and reports it."""
        explicit = set(frame.container)
        merged: dict = {}  # key -> the mapping that brought it, as the message names it
        for value, key_span in frame.merges:
            sources = value if isinstance(value, list) else [value]
            for source in sources:
                if not isinstance(source, dict):
                    self.doc.findings.add("PL002", "schema", "a merge key (<<) must refer to a mapping",
                                          key_span, path=frame.path, fix="merge an anchored mapping: `<<: *defaults`")
                    continue
                name = self.alias_names.get(id(source))
                if name:
                    name = f"*{name}"
                else:
                    line, column = self.mapping_starts.get(id(source), key_span[:2])
                    name = f"the mapping at {line}:{column}"
                shadowed = self.overridden.get(id(source), ())
                for key, item in source.items():
                    if key in explicit:
                        if not _same(frame.container[key], item):
                            self.overridden.setdefault(id(frame.container), set()).add(key)
                        continue
                    if key in shadowed:
                        self.doc.findings.add(
                            "PL003", "duplicate-key",
                            f"{units.quoted(key, 24)} is set over its own merge in {units.clip(name, 24)}, "
                            "then merged again",
                            key_span, path=frame.path + (key,),
                            fix=f"set '{key}' in this mapping itself, or drop the nested merge's '{key}'",
                            details=("the mapping's own value wins by the merge specification (planlint reads it); "
                                     "PyYAML 6.0.4 can take the nested merge's value",))
                        explicit.add(key)
                    if key not in merged:
                        merged[key] = name
                        frame.container[key] = item
                        self.doc.spans.setdefault(frame.path + (key,), NodeSpans(key_span, key_span))
                    elif not _same(frame.container[key], item):
                        where = dotted(frame.path)
                        self.doc.findings.add(
                            "PL003", "duplicate-key",
                            f"{units.quoted(key, 24)} in {units.clip(where, 24)} is merged twice, with different values",
                            key_span, path=frame.path + (key,),
                            fix=f"set '{key}' in this mapping itself, so that every reader takes the same value",
                            details=(f"merge keys (<<) bring it from {merged[key]} and from {name}",
                                     "YAML readers differ on which one wins; planlint reads the first"))
                        explicit.add(key)  # one finding per key

    def _check_container_tag(self, event) -> None:
        tag = event.tag
        if tag is not None and tag not in _CONTAINER_TAGS:
            self._tag_finding(tag, _span(event.start_mark, event.end_mark))

    def _tag_finding(self, tag: str, span: _Pos) -> None:
        shown = "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag
        self.doc.findings.add("PL002", "schema",
                              f"the tag {units.clip(shown)} is not allowed: a plan holds plain values", span,
                              fix=f"remove {shown} and write the value itself",
                              details=("planlint never builds objects from tags",))

    def _construct(self, event, span: _Pos):
        value = event.value
        tag = event.tag
        if tag is None:  # a plain or quoted scalar: the same text always gives the same value
            key = (value, event.implicit)
            found = _PLAIN.get(key, _MISSING)
            if found is not _MISSING:
                return found
            before = len(self.doc.findings)
            found = self._typed(value, _RESOLVER.resolve(yaml.ScalarNode, value, event.implicit), span)
            if len(self.doc.findings) == before and len(_PLAIN) < 4096 and len(value) < 64:
                _PLAIN[key] = found
            return found
        if tag == "!":
            tag = _RESOLVER.resolve(yaml.ScalarNode, value, event.implicit)
        return self._typed(value, tag, span)

    def _typed(self, value: str, tag: str, span: _Pos):
        if tag not in _SCALAR_TAGS:
            self._tag_finding(tag, span)
            return value
        if tag == _YAML + "str" or tag == _YAML + "timestamp":
            return value  # dates stay text: the plan has no date fields, and JSON has no dates
        if tag == _YAML + "null":
            return None
        node = yaml.ScalarNode(tag, value)
        try:
            if tag == _YAML + "bool":
                return self.constructor.construct_yaml_bool(node)
            if tag == _YAML + "int":
                number = self.constructor.construct_yaml_int(node)
                if number.bit_length() > _MAX_INT_BITS:
                    return self._too_large(value, number, span)
                return number
            return self.constructor.construct_yaml_float(node)
        # PyYAML's constructors index and look up the text: an empty `!!int` raises
        # IndexError, a `!!bool maybe` KeyError
        except (ValueError, TypeError, OverflowError, IndexError, KeyError, yaml.YAMLError):
            shown = value if len(value) <= 40 else value[:40] + "..."
            self.doc.findings.add("PL002", "schema", f"{shown!r} is not a valid {tag[len(_YAML):]}", span,
                                  fix="write the value without the tag")
            return value

    def _too_large(self, text: str, number: int, span: _Pos) -> str:
        """Python refuses to print an int of over 4,300 digits, but PyYAML builds one from hex,
        octal, binary or sexagesimal text of any length; no plan value comes near it."""
        from planlint.quantities import decimal_digits

        self.doc.findings.add("PL002", "schema", f"a {decimal_digits(number):,}-digit number is too large for a plan value",
                              span, fix="write the value as a count such as 1.3B or 3e21")
        return text


UNKNOWN_SIZE = -1  # ``size`` of an input read only up to the limit whose real size is not known (a pipe)


def load_bytes(raw: bytes, name: str, limits: Limits = Limits(), size: int | None = None,
               any_reader: bool = True) -> Document:
    """``size`` is the file's real size when ``raw`` was read only up to the limit (``UNKNOWN_SIZE``
    for a pipe, which is read no further); ``any_reader`` as for ``Document``."""
    doc = Document(name=name, max_findings=limits.max_findings, any_reader=any_reader)
    if len(raw) > limits.max_file_bytes:
        said = f"more than {limits.max_file_bytes:,} bytes" if size == UNKNOWN_SIZE else f"{size or len(raw):,} bytes"
        doc.findings.add("PL004", "input-limit",
                         f"the file is {said}, over the {limits.max_file_bytes:,}-byte limit for one plan",
                         Span(1, 1, 1, 1), fix=f"check that this is a plan ({hint('max_file_bytes')})")
        return doc
    text = decode(raw, doc)
    if text is not None:
        parse(text, doc, limits)
    return doc


def load_file(path: str, name: str | None = None, limits: Limits = Limits()) -> Document:
    """Read and parse one file. ``OSError`` propagates: an unreadable path is a usage error."""
    with open(path, "rb") as handle:
        raw = handle.read(limits.max_file_bytes + 1)
        size = os.fstat(handle.fileno()).st_size
    return load_bytes(raw, name or path, limits, size)
