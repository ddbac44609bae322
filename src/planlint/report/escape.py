"""Text from outside (plans, file names, configuration, plugins) on its way to a terminal, a CI
runner or a report file: the one place that decides what it may carry.

What a reader's terminal or a CI runner would act on instead of showing:

* control characters: C0 (ESC starts CSI and OSC sequences, OSC 52 writes the clipboard and
  OSC 8 makes links; BEL; CR overwrites the line; LF starts a new one), DEL and C1 (U+009B is
  CSI by itself, U+0085 a line break);
* bidirectional overrides, isolates and marks, which reorder what the reader sees
  ("Trojan Source", CVE-2021-42574), and invisible characters that make two different names
  look alike (zero-width space, word joiner, the byte-order mark, interlinear annotations,
  the tag characters that smuggle invisible ASCII);
* U+2028 and U+2029, which editors and log viewers show as line breaks;
* lone surrogates, which is how Python holds the bytes of a file name that is not UTF-8: they
  cannot be encoded, and writing one crashes the stream;
* CI log commands: a line that begins with ``::`` after blanks is a GitHub Actions workflow
  command, and ``##[``, ``##vso[`` or ``##teamcity[`` anywhere in a line is a legacy GitHub,
  Azure Pipelines or TeamCity one (the runners look for them on every output line).

:func:`visible` spells the characters out as Python does (``\\x1b``, ``\\u202e``,
``\\udcff``), breaks the CI command markers with the same spelling (``\\x3a:`` for a leading
``::``, ``\\x23#[`` for ``##[``), and keeps everything else, so a reader sees exactly which
characters a name holds. The formats with their own escaping carry the exact text instead:
:func:`json_text` writes those characters as JSON ``\\u`` escapes (the parsed value is the
original), the JUnit writer as XML character references, and :func:`markdown_text` escapes
Markdown's syntax. Only lone surrogates, which no UTF-8 document can hold, are spelled out
everywhere.

This module imports nothing but ``re``, so that every output, error messages included, can use it.
"""

from __future__ import annotations

import re

# Tab is kept: it moves the cursor, nothing more, and source lines are shown with their tabs.
_CONTROLS = "\x00-\x08\x0a-\x1f\x7f-\x9f"
_INVISIBLE = ("\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069"
              "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f")
_NONCHARACTERS = "\ufffe\uffff"
_SURROGATES = "\ud800-\udfff"
# Compiled on first use (through re's cache): the two classes take about a millisecond to
# compile, and most texts have none of their characters, which str.isprintable() tells in C
# (every character they hold is one it calls unprintable; tests/test_escape_shortcut.py holds
# it to that over every code point).
_HIDDEN = f"[{_CONTROLS}{_INVISIBLE}{_NONCHARACTERS}{_SURROGATES}]"
_HIDDEN_KEEP_LF = f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}{_NONCHARACTERS}{_SURROGATES}]"
_SURROGATE = f"[{_SURROGATES}]"
# the first '#' of "##[", "##vso[", "##teamcity[" (GitHub, Azure Pipelines, TeamCity)
_LEGACY_COMMAND = re.compile(r"#(?=#[A-Za-z]*\[)")
# a colon that begins a line after blanks (GitHub's runner trims Unicode blanks before "::")
_LEADING_COLON = re.compile(r"(?m)^([^\S\n]*):")


def spelled(char: str) -> str:
    """One character as Python spells it in a string literal: ``\\x1b``, ``\\u202e``, ``\\U000e0041``."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _spell(match: re.Match) -> str:
    return spelled(match.group())


def hidden_spelled(text: str) -> str:
    """``text`` with its control, invisible and line-breaking characters spelled out, nothing
    else changed: for text quoted inside a message, which every format then carries as it is."""
    if not _may_hide(text, "\t"):
        return text
    return re.sub(_HIDDEN, _spell, text)


def _may_hide(text: str, kept: str) -> bool:
    """Whether ``text`` can hold a hidden character: only an unprintable one can be, and the
    characters ``kept`` (tab, LF) are unprintable but never hidden."""
    for char in kept:
        if char in text:
            text = text.replace(char, "")
    return not text.isprintable()


def visible(text, *, multiline: bool = False, line_start: bool = True) -> str:
    """``text`` safe to print: hidden characters spelled out, CI command markers broken.

    ``multiline`` keeps LF (documentation, usage text) and treats each line as starting a
    line; ``line_start=False`` is for a fragment that is never printed at the start of a line
    (a source line after its gutter), where a leading colon is left as it is.
    """
    text = str(text)
    if text.isascii() and text.isprintable() and "#" not in text and not (line_start and ":" in text):
        return text  # the common case, checked in C
    if _may_hide(text, "\t\n" if multiline else "\t"):
        text = re.sub(_HIDDEN_KEEP_LF if multiline else _HIDDEN, _spell, text)
    text = _LEGACY_COMMAND.sub(r"\\x23", text)
    if line_start:
        text = _LEADING_COLON.sub(r"\1\\x3a", text)
    return text


def no_surrogates(text: str) -> str:
    """Lone surrogates (the bytes of a file name that is not UTF-8) spelled out, the rest kept."""
    return re.sub(_SURROGATE, _spell, text) if not text.isprintable() else text


# --- JSON --------------------------------------------------------------------------------------
# (the patterns of the JSON, XML and Markdown escapes are compiled on first use, through re's
# cache: a text report, the common case, never pays for them)

# json.dumps escapes C0 itself; these it writes raw
_JSON_RAW = f"[\x7f-\x9f{_INVISIBLE}{_NONCHARACTERS}]"


def _json_escape(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells characters past the BMP
    return f"\\u{0xd800 + (code >> 10):04x}\\u{0xdc00 + (code & 0x3ff):04x}"


def json_ready(value):
    """``value`` with every string (keys too) free of lone surrogates and every float finite
    (JSON has neither): NaN and infinities become null."""
    if isinstance(value, str):
        return no_surrogates(value)
    if isinstance(value, float):
        return value if value - value == 0 else None
    if isinstance(value, dict):
        return {json_ready(k if isinstance(k, str) else str(k)): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def json_text(value, *, indent: int | None = 2, default=None) -> str:
    """``value`` as JSON that is valid UTF-8 and safe to print: the characters of
    :func:`visible` are ``\\u`` escapes, so the parsed strings are the original ones (lone
    surrogates aside, which are spelled out), and no legacy CI command can form in a line."""
    import json

    fallback = None if default is None else (lambda obj: json_ready(default(obj)))
    text = json.dumps(json_ready(value), indent=indent, ensure_ascii=False, allow_nan=False, default=fallback)
    text = re.sub(_JSON_RAW, _json_escape, text)
    return _LEGACY_COMMAND.sub(r"\\u0023", text)


def write_json(value, stream, **options) -> None:
    """Write ``value`` as :func:`json_text` does. A list (or any iterable that is not a mapping or
    a string) is written one item at a time, the same bytes as a whole ``json.dumps`` with an
    indent of 2, so that a report of many plans is never held as text in full."""
    if isinstance(value, (dict, str)) or options.get("indent", 2) != 2 or not hasattr(value, "__iter__"):
        stream.write(json_text(value, **options) + "\n")
        return
    first = True
    for item in value:
        text = json_text(item, **options).replace("\n", "\n  ")
        stream.write(("[\n  " if first else ",\n  ") + text)
        first = False
    stream.write("[]\n" if first else "\n]\n")


# --- XML ---------------------------------------------------------------------------------------

# what XML 1.0 cannot carry at all, even as a character reference
_NOT_XML = f"[\x00-\x08\x0b\x0c\x0e-\x1f{_NONCHARACTERS}{_SURROGATES}]"
# what XML can carry, written as a character reference so the file holds none of it raw
_XML_RAW = f"[\x7f-\x9f{_INVISIBLE}]"


def xml_text(text) -> str:
    """``text`` with the characters XML 1.0 forbids spelled out."""
    return re.sub(_NOT_XML, _spell, str(text))


def xml_char_refs(document: str) -> str:
    """A serialized XML document with CR and the characters of :func:`visible` as character
    references, and no line that begins with a colon or holds a legacy CI command marker
    (``&#58;``, ``&#35;``): the parsed text is unchanged. Markup never holds these characters
    and its lines begin with '<', so only text and attribute values change."""
    document = re.sub(_XML_RAW, lambda m: f"&#x{ord(m.group()):x};", document).replace("\r", "&#13;")
    document = _LEGACY_COMMAND.sub("&#35;", document)
    return _LEADING_COLON.sub(r"\1&#58;", document)


# --- Markdown ----------------------------------------------------------------------------------

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that start
# markup inside a line: code, emphasis, strike-through, links and images, tables, escapes
# (an underscore inside a word never starts emphasis, so only one at a word's edge is escaped)
_MARKDOWN_INLINE = r"([\\`*~\[\]|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))"
# what starts a block at the beginning of a list item's text: headings, lists, rules
_MARKDOWN_BLOCK = r"^(?:[#+=-]|\d{1,9}(?=[.)](?:\s|$)))"
# GitHub links these in plain text: URLs, www. names, @mentions (which notify), e-mail
# addresses and #123 references
_MARKDOWN_AUTOLINK = (r"(?i)(?<=[a-z])(:)(?=//)|(?<=www)(\.)|(?<![a-z0-9_])(@)|(@)(?=[\w.-]+\.\w)"
                      r"|(#)(?=\d)")


def _defuse_link(match: re.Match) -> str:
    if match.group(1):
        return "\\:"
    if match.group(2):
        return "\\."
    # a zero-width space, written as an entity (the output stays free of invisible characters),
    # keeps the name or number from being read as a mention or reference
    return f"{match.group()}&#8203;"


def markdown_text(text) -> str:
    """``text`` as Markdown that renders as that text: no markup, no raw HTML, no link, image,
    mention or reference, and no line of its own."""
    text = visible(str(text).strip(), line_start=False)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(_MARKDOWN_INLINE, r"\\\1", text)
    text = re.sub(_MARKDOWN_AUTOLINK, _defuse_link, text)
    # a quote cannot start: '>' is an entity by now
    return re.sub(_MARKDOWN_BLOCK, lambda m: m.group() + "\\" if m.group()[0].isdigit() else "\\" + m.group(), text)


def markdown_code(text) -> str:
    """``text`` as a Markdown code span, which shows it literally (GitHub links and mentions
    nothing inside one): delimited by more backticks than any run in it."""
    text = visible(text, line_start=False)
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"
