"""The oracle for hostile input, shared by the property tests, the fuzz regressions and the
fuzzing harness (fuzz/fuzz_lint.py): what must hold for any bytes given to planlint.

* ``lint_bytes`` returns instead of raising, and no rule raises (the engine would report
  that as PL000, and the rule's own findings would be lost);
* every finding points inside the file: line 1..lines + 1, column 1..len(line) + 1, columns
  counting characters (Unicode code points) of the decoded text;
* every format in ``planlint.report.FORMATS`` renders, its text encodes as UTF-8 (what the
  command line writes), JSON formats parse as JSON, XML formats as XML, and the ``github``
  format writes one line per finding.
"""

from __future__ import annotations

import io
import json
import re
import sys
from xml.etree import ElementTree

JSON_FORMATS = {"json", "sarif", "gitlab"}
XML_FORMATS = {"junit", "checkstyle"}
LINE_FORMATS = {"github"}  # one line per finding
# the lines an editor shows, which positions count (U+2028, U+2029 and NEL do not end one)
LINE_BREAK = re.compile("\r\n|\r|\n")


# Failures already reported, each pinned by a strict xfail test in tests/test_fuzz_regressions.py.
# The property tests and the fuzzing harness pass them over so that they look for new ones;
# delete an entry once its bug is fixed (the xfail test then fails, as a reminder).
KNOWN: frozenset[str] = frozenset()  # kinds of failure already pinned by strict xfail tests


class OracleError(AssertionError):
    """planlint returned, but what it returned breaks a property of the oracle.

    ``kind`` names the broken property (``"PL001 column: the file holds a NUL byte"``), so
    that the many inputs that break it the same way count as one failure.
    """

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


_REGISTRY = None
_FORMATS: tuple[str, ...] | None = None


def registry():
    global _REGISTRY
    if _REGISTRY is None:
        from planlint.plugins import registry as load_registry

        _REGISTRY = load_registry()
    return _REGISTRY


def formats() -> tuple[str, ...]:
    """``planlint.report.FORMATS``, less any whose module cannot be imported (said once)."""
    global _FORMATS
    if _FORMATS is None:
        from planlint.report import FORMATS, render

        usable = []
        for fmt in FORMATS:
            try:
                render(fmt, [], io.StringIO())
            except ImportError as exc:
                print(f"hostile: skipping --format {fmt}: {exc}", file=sys.stderr)
                continue
            usable.append(fmt)
        _FORMATS = tuple(usable)
    return _FORMATS


def crash_kind(exc: BaseException) -> str:
    """``"IndexError in constructor.construct_yaml_int"``: the exception and the innermost
    Python function it came from (module and name, not line numbers, so that a kind survives
    edits elsewhere in the file)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    module = frames[-1].filename.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".py")
    return f"{type(exc).__name__} in {module}.{frames[-1].name}"


def lint(raw: bytes, name: str = "plan.yaml"):
    from planlint.engine import lint_bytes

    return lint_bytes(raw, name, registry())


def source_lines(raw: bytes, result) -> list[str]:
    """The file's lines as positions count them: the decoded text, undecodable bytes replaced."""
    doc = result.doc
    if doc is not None and doc.text:
        return list(doc.lines)
    return LINE_BREAK.split(raw.decode("utf-8-sig", "replace"))


def gist(finding) -> str:
    """The first words of a message without its numbers: which of a code's messages it is."""
    return " ".join(w for w in finding.message.split()[:6] if not any(c.isdigit() for c in w))


def _finding_error(f, lines: list[str]) -> OracleError | None:
    if f.code == "PL000":
        return OracleError(f"PL000 {f.message}", f"PL000: {f.message.split(':')[0]}")
    where = f"{f.code} at {f.line}:{f.column} ({f.message[:80]!r})"
    if not 1 <= f.line <= len(lines) + 1:
        return OracleError(f"{where}: line outside the file's {len(lines)} lines", f"{f.code} line: {gist(f)}")
    width = len(lines[f.line - 1]) if f.line <= len(lines) else 0
    if not 1 <= f.column <= width + 1:
        return OracleError(f"{where}: column outside line {f.line} ({width} characters)",
                           f"{f.code} column: {gist(f)}")
    return None


def check_findings(raw: bytes, result, known=frozenset(), on_known=None) -> None:
    """Raise on the first finding that breaks a property, passing over ``known`` kinds
    (``on_known(kind)`` is told of each one passed over)."""
    lines = source_lines(raw, result)
    for f in result.findings:
        error = _finding_error(f, lines)
        if error is None:
            continue
        if error.kind not in known:
            raise error
        if on_known is not None:
            on_known(error.kind)


def check_output(fmt: str, out: str, result) -> None:
    try:
        out.encode("utf-8")  # what the command line writes; a lone surrogate would crash it
    except UnicodeEncodeError as exc:
        raise OracleError(f"--format {fmt} wrote text that is not UTF-8 encodable: {exc}", f"{fmt} utf-8") from None
    if fmt in JSON_FORMATS:
        try:
            json.loads(out)
        except ValueError as exc:
            raise OracleError(f"--format {fmt} wrote invalid JSON: {exc}", f"{fmt} json") from None
    elif fmt in XML_FORMATS:
        try:
            ElementTree.fromstring(out.encode("utf-8"))
        except ElementTree.ParseError as exc:
            raise OracleError(f"--format {fmt} wrote invalid XML: {exc}", f"{fmt} xml") from None
    elif fmt in LINE_FORMATS:
        lines = out.splitlines()
        if len(lines) != len(result.findings):
            raise OracleError(f"--format {fmt} wrote {len(lines)} lines for {len(result.findings)} findings",
                              f"{fmt} lines")


def render(fmt: str, result) -> str:
    from planlint.report import render as render_results

    stream = io.StringIO()
    render_results(fmt, [result], stream)
    return stream.getvalue()


def check(raw: bytes, name: str = "plan.yaml", known=frozenset(), on_known=None):
    """The whole oracle: raises on any failure other than the ``known`` kinds, returns the
    engine's FileResult otherwise (None when a known crash stopped it)."""
    try:
        result = lint(raw, name)
    except Exception as exc:  # noqa: BLE001 - a crash is what the oracle looks for
        kind = crash_kind(exc)
        if kind not in known:
            raise
        if on_known is not None:
            on_known(kind)
        return None
    check_findings(raw, result, known, on_known)
    for fmt in formats():
        check_output(fmt, render(fmt, result), result)
    return result


def fingerprint(result) -> list[tuple]:
    """Everything a finding says, to compare two runs."""
    return [(f.code, f.severity, f.span, f.message, f.fix, f.path) for f in result.findings]
