"""The bash that launch scripts are written in, read without running it.

A Megatron-LM launch script builds its command line from variables, arrays, defaults and
line continuations::

    NUM_LAYERS=${NUM_LAYERS:-32}
    MODEL_ARGS=(
        --num-layers $NUM_LAYERS      # a comment inside the array
        --hidden-size 4096
    )
    if [[ "$DTYPE" == "fp8" ]]; then MODEL_ARGS+=(--fp8-format hybrid); fi
    torchrun --nproc_per_node 8 pretrain_gpt.py "${MODEL_ARGS[@]}"

:func:`read_script` interprets the part of bash such scripts use, as bash would run it
plainly, without arguments or environment: assignments (scalars, arrays, ``+=``,
``declare``/``export``/``local``), parameter expansion (``$X``, ``${X:-default}``,
``${X-default}``, ``${X:=default}``, ``${X:+alt}``, ``${#X}``, ``"${A[@]}"``, ``${A[i]}``),
arithmetic ``$(( ))``, quoting (single, double, ``$'...'``, backslashes), line continuations,
word splitting of unquoted expansions, here-strings and here-documents read by ``read`` and
``mapfile`` or by ``$(cat <<EOF ... EOF)``, ``if`` and ``case`` whose tests it can decide
(``[[ ]]``, ``[ ]``, ``test``, ``(( ))``), ``for`` loops over known words, functions, and
``&&``/``||`` after a command (taken to succeed). What depends on the world (a variable the
script does not assign, the script's arguments, a command's output, a test of the file system,
a loop of unknown length) is never guessed: a word built from it is *unknown*, with the
reason, and a command that may not run says why. A default (``${NODES:-1}``) is what a plain
run gets, and is used.

Each word keeps the file offset where its first character was written, so a value that
travelled through variables is reported where it was assigned.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from dataclasses import field
from typing import Optional

from planlint.adapters import Problem
from planlint.records import record

MAX_TEXT = 2_000_000  # characters of a script read; a launch script is a few kilobytes
MAX_STEPS = 50_000  # commands and expansions interpreted (a launch script runs a few hundred)
COPY_COST = 1_000  # array elements or characters copied that count as one more step
MAX_LOOP = 1_000  # iterations of ``for`` loops unrolled, in all
MAX_DEPTH = 60  # nesting of compound commands, expansions and function calls
MAX_SHOWN = 200  # characters of an unknown expansion kept as its text

_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?(\+?)=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARAMETER = re.compile(r"([#!]?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(\[[^\]]*\])?")
_IFS = " \t\n"
_PLAIN_RUN = re.compile(r"[^ \t\r\n;&|<>()\\'\"$`]+")  # characters of a word that need no care
_QUOTED_RUN = re.compile(r"[^\"\\$`]+")  # characters inside double quotes that need no care
_OPERATORS = ("&&", "||", ";;", "<<<", "<<-", "<<", ">>", "&>", ">&", "<&", ">|", "|&", ";", "&", "|", "(", ")",
              "<", ">")
_REDIRECTIONS = ("<", ">", ">>", "<<", "<<-", "<<<", "&>", ">&", "<&", ">|")
_OPENERS = ("if", "then", "elif", "else", "do", "while", "until", "!", "{", "for")


# -- results ---------------------------------------------------------------------------------------


@record(frozen=True)
class Word:
    """One word of a command after expansion.

    ``origin`` is the file offset of the first character's source (for a value read from a
    variable: inside its assignment), ``at`` the offset of the word in the command as written.
    ``unknown`` says why the value cannot be known ("" when it can); ``text`` then holds the
    unknown parts as written (``$DATA_PATH``). ``variable`` names the variable whose
    assignment holds ``origin``, when it came through one. ``default_of`` names the variable
    or argument (``SLURM_NNODES``, ``$1``) whose default in the script gave the text, because
    the script does not set it: the environment or the command line may."""

    text: str
    origin: int
    at: int
    unknown: str = ""
    variable: str = ""
    default_of: str = ""


@record
class Command:
    """A simple command as it would run: its words after expansion (assignments and
    redirections left out). ``conditional`` says why it may not run ("" when it runs)."""

    words: list[Word]
    at: int
    conditional: str = ""


@record
class Script:
    text: str
    commands: list[Command] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a file offset."""
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def problem(self, message: str, offset: int, fix: str, severity: str = "warning") -> None:
        line, column = self.position(offset)
        self.problems.append(Problem(message, line, column, fix, severity))


class _Stop(Exception):
    """A bound was reached: reading ends where it is."""


class _Exit(Exception):
    """``exit`` (or ``return``, or ``${X:?}`` on an unset X)."""


# -- lexing ----------------------------------------------------------------------------------------
# A word is a list of parts: ("lit", text, origins, quoted); ("param", name, op, arg_parts, quoted,
# start, end); ("arith", parts, quoted, start, end); ("cmd", text, quoted, start, end); ("quotes",),
# which marks a word that had quotes (so that "" is a word).


@record
class Token:
    kind: str  # word, op, newline, array, arith_cmd, eof
    start: int
    end: int
    value: str = ""  # the operator; for a word, its text when it has no quotes or expansions
    parts: list = field(default_factory=list)
    elements: list = field(default_factory=list)  # the words of an array literal NAME=( ... )
    heredoc: Optional[list] = None  # for << and <<-: the here-document's body as word parts
    heredoc_start: int = 0


class _Parts:
    """Word parts under construction: literal characters accumulate in lists (a long literal
    is not rebuilt character by character) and are frozen by ``done``."""

    def __init__(self):
        self.parts: list = []

    def lit(self, char: str, origin: int, quoted: bool) -> None:
        last = self.parts[-1] if self.parts else None
        if last is not None and last[0] == "lit*" and last[3] == quoted:
            last[1].append(char)
            last[2].append(origin)
        else:
            self.parts.append(["lit*", [char], [origin], quoted])

    def run(self, text: str, start: int, end: int, quoted: bool) -> None:
        """text[start:end] as literal characters, written where they are."""
        last = self.parts[-1] if self.parts else None
        if last is not None and last[0] == "lit*" and last[3] == quoted:
            last[1].append(text[start:end])
            last[2].extend(range(start, end))
        else:
            self.parts.append(["lit*", [text[start:end]], list(range(start, end)), quoted])

    def add(self, part: tuple) -> None:
        self.parts.append(part)

    def done(self) -> list:
        return [("lit", "".join(p[1]), p[2], p[3]) if p[0] == "lit*" else p for p in self.parts]

    def plain(self) -> Optional[str]:
        if not self.parts:
            return ""
        if len(self.parts) == 1 and self.parts[0][0] == "lit*" and not self.parts[0][3]:
            return "".join(self.parts[0][1])
        return None


def _plain(parts: list) -> Optional[str]:
    """A word's text when it is all unquoted literal characters, else None."""
    if not parts:
        return ""
    if len(parts) == 1 and parts[0][0] == "lit" and not parts[0][3]:
        return parts[0][1]
    return None


class Lexer:
    def __init__(self, script: Script):
        self.script = script
        self.text = script.text
        self.n = len(self.text)
        self.i = 0
        self.tokens: list[Token] = []
        self.pending_heredocs: list[tuple[Token, str, bool, bool]] = []
        self.depth = 0

    def problem(self, message: str, offset: int, fix: str, severity: str = "warning") -> None:
        self.script.problem(message, offset, fix, severity)

    def command_start(self) -> bool:
        if not self.tokens:
            return True
        last = self.tokens[-1]
        if last.kind == "newline":
            return True
        if last.kind == "op":
            return last.value not in _REDIRECTIONS
        return last.kind == "word" and last.value in _OPENERS

    def run(self) -> list[Token]:
        text, n = self.text, self.n
        while self.i < n:
            c = text[self.i]
            if c in " \t\r":
                self.i += 1
            elif text.startswith("\\\n", self.i):
                self.i += 2
            elif text.startswith("\\\r\n", self.i):
                self.i += 3
            elif c == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
            elif c == "\n":
                self.tokens.append(Token("newline", self.i, self.i + 1, "\n"))
                self.i += 1
                if self.pending_heredocs:
                    self.read_heredocs()
            elif text.startswith("((", self.i) and self.command_start():
                self.arith_command()
            elif c in ";&|<>()":
                op = next(o for o in _OPERATORS if text.startswith(o, self.i))
                self.tokens.append(Token("op", self.i, self.i + len(op), op))
                self.i += len(op)
                if op in ("<<", "<<-"):
                    self.heredoc_operator(op)
            else:
                self.tokens.append(self.word())
        if self.pending_heredocs:
            self.read_heredocs()
        self.tokens.append(Token("eof", n, n))
        return self.tokens

    # words

    def word(self) -> Token:
        start = self.i
        parts = _Parts()
        text, n = self.text, self.n
        while self.i < n:
            run = _PLAIN_RUN.match(text, self.i)
            if run:
                parts.run(text, self.i, run.end(), False)
                self.i = run.end()
                continue
            c = text[self.i]
            if c in " \t\n" or (c == "\r" and text.startswith("\r\n", self.i)):
                break
            if c in ";&|<>)":
                break
            if c == "(":
                head = parts.plain()
                if head is not None and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\+?=", head):
                    return self.array(start, head)
                break
            if c == "\\":
                if text.startswith("\\\n", self.i):
                    self.i += 2
                elif text.startswith("\\\r\n", self.i):
                    self.i += 3
                elif self.i + 1 < n:
                    parts.lit(text[self.i + 1], self.i + 1, True)
                    self.i += 2
                else:
                    parts.lit("\\", self.i, False)
                    self.i += 1
            elif c == "'":
                self.single_quoted(parts)
            elif text.startswith("$'", self.i):
                self.ansi_quoted(parts)
            elif c == '"':
                self.double_quoted(parts)
            elif c == "$":
                self.dollar(parts, quoted=False)
            elif c == "`":
                self.backticks(parts, quoted=False)
            else:
                parts.lit(c, self.i, False)
                self.i += 1
        frozen = parts.done()
        return Token("word", start, self.i, _plain(frozen) or "", frozen)

    def array(self, start: int, head: str) -> Token:
        """``NAME=( words )``: the words, across lines, comments and continuations."""
        self.i += 1  # the (
        elements: list[Token] = []
        text, n = self.text, self.n
        while True:
            while self.i < n and text[self.i] in " \t\r\n":
                self.i += 1
            if text.startswith("\\\n", self.i):
                self.i += 2
                continue
            if self.i >= n:
                self.problem(f"the array {head}( is not closed: bash stops reading the script here", start,
                             "close the array with ')'", "error")
                break
            if text[self.i] == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
                continue
            if text[self.i] == ")":
                self.i += 1
                break
            if text[self.i] in ";&|<>(":
                self.problem(f"'{text[self.i]}' inside the array {head}( )", self.i,
                             "quote it, or close the array first")
                self.i += 1
                continue
            elements.append(self.word())
        return Token("array", start, self.i, head, elements=elements)

    def single_quoted(self, parts: _Parts) -> None:
        start = self.i
        end = self.text.find("'", start + 1)
        if end < 0:
            self.problem("a single quote is not closed: bash stops reading the script here", start, "close the quote",
                         "error")
            end = self.n
        parts.run(self.text, start + 1, end, True)
        parts.add(("quotes",))
        self.i = min(end + 1, self.n)

    def ansi_quoted(self, parts: _Parts) -> None:
        start = self.i
        self.i += 2
        escapes = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "a": "\a", "r": "\r", "e": "\x1b"}
        while self.i < self.n and self.text[self.i] != "'":
            c = self.text[self.i]
            if c == "\\" and self.i + 1 < self.n:
                parts.lit(escapes.get(self.text[self.i + 1], self.text[self.i + 1]), self.i, True)
                self.i += 2
            else:
                parts.lit(c, self.i, True)
                self.i += 1
        if self.i >= self.n:
            self.problem("a $'...' quote is not closed: bash stops reading the script here", start, "close the quote",
                         "error")
        parts.add(("quotes",))
        self.i = min(self.i + 1, self.n)

    def double_quoted(self, parts: _Parts) -> None:
        start = self.i
        self.i += 1
        text, n = self.text, self.n
        while self.i < n and text[self.i] != '"':
            run = _QUOTED_RUN.match(text, self.i)
            if run:
                parts.run(text, self.i, run.end(), True)
                self.i = run.end()
                continue
            c = text[self.i]
            if c == "\\" and self.i + 1 < n:
                following = text[self.i + 1]
                if following == "\n":
                    self.i += 2
                elif following in '$`"\\':
                    parts.lit(following, self.i + 1, True)
                    self.i += 2
                else:
                    parts.lit(c, self.i, True)
                    self.i += 1
            elif c == "$":
                self.dollar(parts, quoted=True)
            elif c == "`":
                self.backticks(parts, quoted=True)
            else:
                parts.lit(c, self.i, True)
                self.i += 1
        if self.i >= n:
            self.problem("a double quote is not closed: bash stops reading the script here", start, "close the quote",
                         "error")
        parts.add(("quotes",))
        self.i = min(self.i + 1, n)

    def backticks(self, parts: _Parts, quoted: bool) -> None:
        start = self.i
        end = self.i + 1
        while end < self.n and self.text[end] != "`":
            end += 2 if self.text[end] == "\\" else 1
        if end >= self.n:
            self.problem("a backquote is not closed: bash stops reading the script here", start,
                         "close the command substitution with `", "error")
            end = self.n
        parts.add(("cmd", self.text[start + 1:end], quoted, start, min(end + 1, self.n)))
        self.i = min(end + 1, self.n)

    def dollar(self, parts: _Parts, quoted: bool) -> None:
        text, start = self.text, self.i
        if text.startswith("$((", start):
            end = self.closing(start + 3, "))")
            if end is None:
                self.problem("an arithmetic expansion $(( is not closed: bash stops reading the script here", start,
                             "close it with ))", "error")
                end = self.n
            parts.add(("arith", self.inner(start + 3, end), quoted, start, min(end + 2, self.n)))
            self.i = min(end + 2, self.n)
        elif text.startswith("$(", start):
            end = self.closing(start + 2, ")")
            if end is None:
                self.problem("a command substitution $( is not closed: bash stops reading the script here", start,
                             "close it with )", "error")
                end = self.n
            parts.add(("cmd", text[start + 2:end], quoted, start, min(end + 1, self.n)))
            self.i = min(end + 1, self.n)
        elif text.startswith("${", start):
            self.braced(parts, quoted)
        else:
            m = _NAME.match(text, start + 1)
            if m:
                parts.add(("param", m.group(0), "", None, quoted, start, m.end()))
                self.i = m.end()
            elif start + 1 < self.n and (text[start + 1].isdigit() or text[start + 1] in "@*#?$!-"):
                parts.add(("param", text[start + 1], "", None, quoted, start, start + 2))
                self.i = start + 2
            else:
                parts.lit("$", start, quoted)
                self.i = start + 1

    def braced(self, parts: _Parts, quoted: bool) -> None:
        """``${...}``: a name (``#`` or ``!`` before it, ``[index]`` after) and an operator with its word."""
        text, start = self.text, self.i
        end = self.closing(start + 2, "}")
        if end is None:
            self.problem("a parameter expansion ${ is not closed: bash stops reading the script here", start,
                         "close it with }", "error")
            parts.add(("param", "", "?bad", None, quoted, start, self.n))
            self.i = self.n
            return
        m = _PARAMETER.match(text, start + 2, end)
        if m and m.group(1) == "#" and m.end() == end and m.group(2) == "#":
            m = None  # ${##}
        if m is None:
            parts.add(("param", text[start + 2:end], "?bad", None, quoted, start, end + 1))
            self.i = end + 1
            return
        name = m.group(1) + m.group(2) + (m.group(3) or "")
        rest = text[m.end():end]
        op, arg = "", None
        if rest:
            op = next((o for o in (":-", ":=", ":+", ":?", "-", "=", "+", "?") if rest.startswith(o)), "?other")
            if op != "?other":  # ${X%pat}, ${X/a/b}, ${X:1:2}, ${X^^} are not evaluated
                arg = self.inner(m.end() + len(op), end, quotes=True)
        parts.add(("param", name, op, arg, quoted, start, end + 1))
        self.i = end + 1

    def inner(self, start: int, end: int, quotes: bool = False) -> list:
        """The parts of text[start:end] read as inside double quotes (``$`` expansions and
        backslashes; with ``quotes``, quote marks are removed), for an operator's word, an
        arithmetic expression or a here-document's body."""
        self.depth += 1
        saved = self.i
        parts = _Parts()
        try:
            if self.depth > MAX_DEPTH:
                raise _Stop("expansions nest deeper than planlint reads")
            self.i = start
            text = self.text
            while self.i < end:
                c = text[self.i]
                if c == "\\" and self.i + 1 < end:
                    if text[self.i + 1] != "\n":
                        parts.lit(text[self.i + 1], self.i + 1, True)
                    self.i += 2
                elif c == "$":
                    self.dollar(parts, quoted=True)
                elif c == "`":
                    self.backticks(parts, quoted=True)
                elif c == "'" and quotes:
                    close = text.find("'", self.i + 1, end)
                    close = end if close < 0 else close
                    for k in range(self.i + 1, close):
                        parts.lit(text[k], k, True)
                    parts.add(("quotes",))
                    self.i = close + 1
                elif c == '"' and quotes:
                    parts.add(("quotes",))
                    self.i += 1
                else:
                    parts.lit(c, self.i, True)
                    self.i += 1
        finally:
            self.i = saved
            self.depth -= 1
        return parts.done()

    def closing(self, index: int, closing: str) -> Optional[int]:
        """The offset of the ``closing`` ("}", ")" or "))") that ends a construct opened just
        before ``index``, past quotes and nested constructs; None when the text ends first."""
        text, n = self.text, self.n
        opening = {"}": "{", ")": "(", "))": "("}[closing]
        depth = 0
        steps = 0
        while index < n:
            steps += 1
            c = text[index]
            if c == "\\":
                index += 2
                continue
            if c == "'" and closing != "))":
                close = text.find("'", index + 1)
                if close < 0:
                    return None
                index = close + 1
                continue
            if c == '"':
                index += 1
                while index < n and text[index] != '"':
                    index += 2 if text[index] == "\\" else 1
                index += 1
                continue
            if depth == 0 and text.startswith(closing, index):
                return index
            if c == "$" and index + 1 < n and text[index + 1] in "{(":
                self.depth += 1
                try:
                    if self.depth > MAX_DEPTH:
                        raise _Stop("expansions nest deeper than planlint reads")
                    inner = self.closing(index + 2, "}" if text[index + 1] == "{" else ")")
                finally:
                    self.depth -= 1
                if inner is None:
                    return None
                index = inner + 1
                continue
            if c == opening:
                depth += 1
            elif c == closing[0] and depth > 0:
                depth -= 1
            index += 1
        return None

    def arith_command(self) -> None:
        start = self.i
        end = self.closing(start + 2, "))")
        if end is None:
            self.problem("an arithmetic command (( is not closed: bash stops reading the script here", start,
                         "close it with ))", "error")
            end = self.n
        self.tokens.append(Token("arith_cmd", start, min(end + 2, self.n), parts=self.inner(start + 2, end)))
        self.i = min(end + 2, self.n)

    # here-documents

    def heredoc_operator(self, op: str) -> None:
        operator = self.tokens[-1]
        while self.i < self.n and self.text[self.i] in " \t":
            self.i += 1
        if self.i >= self.n or self.text[self.i] in "\n;&|<>()":
            self.problem(f"'{op}' has no delimiter word", operator.start, "name the here-document's delimiter")
            return
        delimiter = self.word()
        quoted = any(p[0] == "quotes" for p in delimiter.parts)
        plain = "".join(p[1] for p in delimiter.parts if p[0] == "lit")
        self.tokens.append(delimiter)
        self.pending_heredocs.append((operator, plain, quoted, op == "<<-"))

    def read_heredocs(self) -> None:
        """The bodies of the here-documents opened on the line that just ended."""
        for operator, delimiter, quoted, strip_tabs in self.pending_heredocs:
            body_start = cursor = self.i
            found = False
            while cursor < self.n:
                line_end = self.text.find("\n", cursor)
                line_end = self.n if line_end < 0 else line_end
                line = self.text[cursor:line_end].rstrip("\r")
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    found = True
                    break
                cursor = line_end + 1
            body_end = min(cursor, self.n)
            if quoted:
                parts = _Parts()
                for k in range(body_start, body_end):
                    parts.lit(self.text[k], k, True)
                operator.heredoc = parts.done()
            else:
                operator.heredoc = self.inner(body_start, body_end)
            operator.heredoc_start = body_start
            if found:
                line_end = self.text.find("\n", cursor)
                self.i = self.n if line_end < 0 else line_end + 1
            else:
                self.problem(f"the here-document is not closed by a line '{delimiter}'", operator.start,
                             f"end it with a line '{delimiter}'")
                self.i = self.n
        self.pending_heredocs = []


# -- parsing ---------------------------------------------------------------------------------------
# Nodes are tuples whose last item is their start offset: ("simple", assignments, words,
# redirections, start); ("if", [(condition, body)], else_body, start); ("for", name, words or None,
# body, start); ("loop", condition, body, start) for while, until and arithmetic for; ("case", word,
# [(patterns, body)], start); ("group", body, start); ("subshell", body, start); ("function", name,
# body, start); ("andor", [pipeline], [op], start); ("pipeline", [command], negated, start); ("test",
# tokens, start) for [[ ]]; ("arith", parts, start) for (( )).


class Parser:
    def __init__(self, tokens: list[Token], lexer: Lexer):
        self.tokens = tokens
        self.k = 0
        self.lexer = lexer
        self.depth = 0

    def peek(self, ahead: int = 0) -> Token:
        if not ahead:
            return self.tokens[self.k]
        return self.tokens[min(self.k + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.k]
        if token.kind != "eof":
            self.k += 1
        return token

    def at_word(self, value: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.value == value and bool(token.parts)

    def at_op(self, *values: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.value in values

    def unexpected(self, token: Token) -> None:
        shown = token.value or self.lexer.text[token.start:token.end][:40]
        self.lexer.problem(f"unexpected '{shown}'", token.start, "check the script's syntax")

    def program(self) -> list:
        body = self.sequence(set())
        while self.peek().kind != "eof":  # a stray closing word: say so, and read on
            self.unexpected(self.advance())
            body += self.sequence(set())
        return body

    def sequence(self, stops: set) -> list:
        """Commands up to one of ``stops`` (reserved words, or ')' and ';;')."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Stop("the script nests deeper than planlint reads")
            items = []
            while True:
                while self.peek().kind == "newline" or self.at_op(";"):
                    self.advance()
                token = self.peek()
                if token.kind == "eof":
                    break
                if token.kind == "word" and token.parts and token.value in stops:
                    break
                if token.kind == "op" and token.value in stops:
                    break
                if token.kind == "op" and token.value != "(":
                    self.unexpected(self.advance())
                    continue
                items.append(self.and_or())
                if self.at_op(";", "&"):
                    self.advance()
            return items
        finally:
            self.depth -= 1

    def and_or(self):
        start = self.peek().start
        pipelines = [self.pipeline()]
        ops = []
        while self.at_op("&&", "||"):
            ops.append(self.advance().value)
            while self.peek().kind == "newline":
                self.advance()
            pipelines.append(self.pipeline())
        return ("andor", pipelines, ops, start)

    def pipeline(self):
        start = self.peek().start
        negated = self.at_word("!")
        if negated:
            self.advance()
        commands = [self.command()]
        while self.at_op("|", "|&"):
            self.advance()
            while self.peek().kind == "newline":
                self.advance()
            commands.append(self.command())
        return ("pipeline", commands, negated, start)

    def command(self):
        token = self.peek()
        if token.kind == "arith_cmd":
            self.advance()
            return ("arith", token.parts, token.start)
        if token.kind == "op" and token.value == "(":
            self.advance()
            body = self.sequence({")"})
            self.expect(")", token)
            self.redirections()
            return ("subshell", body, token.start)
        word = _plain(token.parts) if token.kind == "word" and token.parts else None
        if word == "if":
            return self.if_clause()
        if word in ("while", "until"):
            return self.while_clause()
        if word in ("for", "select"):
            return self.for_clause()
        if word == "case":
            return self.case_clause()
        if word == "{":
            self.advance()
            body = self.sequence({"}"})
            self.expect("}", token)
            self.redirections()
            return ("group", body, token.start)
        if word == "[[":
            return self.test_clause()
        if word == "function":
            self.advance()
            name = self.advance()
            if self.at_op("(") and self.peek(1).kind == "op" and self.peek(1).value == ")":
                self.k += 2
            return self.function_body(name.value, token.start)
        if word and _NAME.fullmatch(word) and self.peek(1).kind == "op" and self.peek(1).value == "(" and \
                self.peek(2).kind == "op" and self.peek(2).value == ")":
            self.k += 3
            return self.function_body(word, token.start)
        return self.simple()

    def function_body(self, name: str, start: int):
        while self.peek().kind == "newline":
            self.advance()
        return ("function", name, self.command(), start)

    def expect(self, value: str, opener: Token) -> None:
        token = self.peek()
        if (token.kind == "word" and token.value == value and token.parts) or (token.kind == "op" and
                                                                               token.value == value):
            self.advance()
        else:
            shown = opener.value or self.lexer.text[opener.start:opener.end][:40]
            self.lexer.problem(f"'{shown}' is not closed by '{value}': bash stops reading the script here",
                               opener.start, f"close it with '{value}'", "error")

    def if_clause(self):
        opener = self.advance()
        clauses = []
        condition = self.sequence({"then"})
        self.expect("then", opener)
        clauses.append((condition, self.sequence({"elif", "else", "fi"})))
        else_body = None
        while True:
            if self.at_word("elif"):
                elif_token = self.advance()
                condition = self.sequence({"then"})
                self.expect("then", elif_token)
                clauses.append((condition, self.sequence({"elif", "else", "fi"})))
            elif self.at_word("else"):
                self.advance()
                else_body = self.sequence({"fi"})
            else:
                break
        self.expect("fi", opener)
        self.redirections()
        return ("if", clauses, else_body, opener.start)

    def while_clause(self):
        opener = self.advance()
        condition = self.sequence({"do"})
        self.expect("do", opener)
        body = self.sequence({"done"})
        self.expect("done", opener)
        self.redirections()
        return ("loop", condition, body, opener.start)

    def for_clause(self):
        opener = self.advance()
        if self.peek().kind == "arith_cmd":  # for (( ; ; ))
            self.advance()
            while self.peek().kind == "newline" or self.at_op(";"):
                self.advance()
            self.expect("do", opener)
            body = self.sequence({"done"})
            self.expect("done", opener)
            return ("loop", [], body, opener.start)
        name = self.advance().value
        words = None
        while self.peek().kind == "newline":
            self.advance()
        if self.at_word("in"):
            self.advance()
            words = []
            while self.peek().kind == "word":
                words.append(self.advance())
        while self.peek().kind == "newline" or self.at_op(";"):
            self.advance()
        self.expect("do", opener)
        body = self.sequence({"done"})
        self.expect("done", opener)
        self.redirections()
        return ("for", name, words, body, opener.start)

    def case_clause(self):
        opener = self.advance()
        subject = self.advance()
        while self.peek().kind == "newline":
            self.advance()
        self.expect("in", opener)
        items = []
        while True:
            while self.peek().kind == "newline":
                self.advance()
            if self.at_word("esac") or self.peek().kind == "eof":
                break
            if self.at_op("("):
                self.advance()
            patterns = [self.advance()]
            while self.at_op("|"):
                self.advance()
                patterns.append(self.advance())
            self.expect(")", patterns[0])
            body = self.sequence({";;", "esac"})
            if self.at_op(";;"):
                self.advance()
            items.append((patterns, body))
        self.expect("esac", opener)
        self.redirections()
        return ("case", subject, items, opener.start)

    def test_clause(self):
        opener = self.advance()
        tokens = []
        while not self.at_word("]]"):
            if self.peek().kind in ("eof", "newline"):
                self.lexer.problem("'[[' is not closed by ']]'", opener.start, "close the test with ']]'", "error")
                return ("test", tokens, opener.start)
            tokens.append(self.advance())
        self.advance()
        return ("test", tokens, opener.start)

    def redirections(self) -> list:
        out = []
        while self.at_op(*_REDIRECTIONS):
            operator = self.advance()
            target = self.advance() if self.peek().kind == "word" else None
            out.append((operator, target))
        return out

    def simple(self):
        start = self.peek().start
        assignments, words, redirections = [], [], []
        while True:
            token = self.peek()
            if token.kind == "array":
                (words if words else assignments).append(self.advance())  # declare -a X=(...) is a word
            elif token.kind == "word":
                head = token.parts[0] if token.parts else None
                if not words and head is not None and head[0] == "lit" and not head[3] and \
                        _ASSIGNMENT.match(head[1]):
                    assignments.append(self.advance())
                else:
                    words.append(self.advance())
            elif self.at_op(*_REDIRECTIONS):
                redirections.extend(self.redirections())
            else:
                break
        if not assignments and not words and not redirections:
            token = self.advance()
            if token.kind != "eof":
                self.unexpected(token)
        # digits glued to a redirection (the 2 of 2>&1) name a descriptor, not a word
        if redirections and words and re.fullmatch(r"\d+", words[-1].value or "-") and \
                words[-1].end == redirections[0][0].start:
            words.pop()
        return ("simple", assignments, words, redirections, start)


# -- values ----------------------------------------------------------------------------------------


@record(frozen=True)
class Text:
    """Expanded text with the file offset each character came from (-1: computed). ``gaps``
    are the (start, end, why) spans of characters whose value is unknown, kept as written
    (``${DATA_DIR}``), with the reason; a text without gaps is known. Bash splits the known
    characters of an unquoted expansion at blanks; a gap is never split."""

    chars: str
    origins: tuple
    gaps: tuple = ()

    @property
    def known(self) -> bool:
        return not self.gaps

    @property
    def why(self) -> str:
        return _reasons(*(why for _, _, why in self.gaps))

    def __add__(self, other: "Text") -> "Text":
        shift = len(self.chars)
        return Text(self.chars + other.chars, self.origins + other.origins,
                    self.gaps + tuple((a + shift, b + shift, why) for a, b, why in other.gaps))

    def after(self, start: int) -> "Text":
        """The text from character ``start`` on."""
        gaps = tuple((max(a - start, 0), b - start, why) for a, b, why in self.gaps if b > start or a == b == start)
        return Text(self.chars[start:], self.origins[start:], gaps)


def unknown_text(why: str, shown: str, origin: int) -> Text:
    """A value that is unknown as a whole, written as ``shown``."""
    return Text(shown, (origin,) * len(shown), ((0, len(shown), why),))


@record(frozen=True)
class Unknown:
    """A value from outside the script (the environment, its arguments, a loop it does not
    unroll), as a whole."""

    why: str
    shown: str = ""  # how the value is written ("$DATA_PATH")


@record(frozen=True)
class Array:
    items: tuple  # of Text


EMPTY = Text("", ())


def _reasons(*whys: str) -> str:
    return "; ".join(dict.fromkeys(reason for why in whys for reason in why.split("; ") if reason))


def _join(items, separator: str = " ") -> Text:
    """Array items as one text, as "${A[*]}" or an assignment joins them."""
    joined = EMPTY
    for index, item in enumerate(items):
        if index:
            joined = joined + Text(separator, (-1,) * len(separator))
        joined = joined + item
    return joined


def _mask(text: Text) -> list:
    """For each character of a text, why it is unknown ("" when it is known)."""
    mask = [""] * len(text.chars)
    for a, b, why in text.gaps:
        mask[a:b] = [why or "unknown"] * (b - a)
    return mask


def _split_text(text: Text) -> list[Text]:
    """The words of a text split at its known blanks."""
    out = _Fields()
    out.split_add(text)
    return [f.to_text() for f in out.done()]


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, Text):
        return a.chars == b.chars and a.gaps == b.gaps  # same text, same unknowns
    if isinstance(a, Array):
        return len(a.items) == len(b.items) and all(_same(x, y) for x, y in zip(a.items, b.items))
    return a == b


class _Field:
    __slots__ = ("chars", "origins", "quoted", "unknown", "gaps", "length")

    def __init__(self):
        self.chars: list[str] = []
        self.origins: list[int] = []
        self.quoted = False
        self.unknown: list[str] = []
        self.gaps: list[tuple[int, int, str]] = []
        self.length = 0

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def why(self) -> str:
        return _reasons(*self.unknown)

    def gap(self, length: int, why: str) -> None:
        """The next ``length`` characters are unknown (joined to a gap just before them for the
        same reason)."""
        if self.gaps and self.gaps[-1][1] == self.length and self.gaps[-1][2] == why:
            self.gaps[-1] = (self.gaps[-1][0], self.length + length, why)
        else:
            self.gaps.append((self.length, self.length + length, why))
        self.unknown.append(why or "unknown")

    def to_text(self) -> Text:
        return Text(self.text, tuple(self.origins), tuple(self.gaps))


class _Fields:
    """The fields (words) of one expansion: an unquoted expansion's known blanks end a field."""

    def __init__(self):
        self.fields: list[_Field] = []
        self.current: Optional[_Field] = None

    def field(self) -> _Field:
        if self.current is None:
            self.current = _Field()
            self.fields.append(self.current)
        return self.current

    def add(self, chars: str, origins) -> None:
        current = self.field()
        current.chars.append(chars)
        current.origins.extend(origins)
        current.length += len(chars)

    def add_text(self, text: Text) -> None:
        current = self.field()
        previous = 0
        for a, b, why in text.gaps:
            self.add(text.chars[previous:a], text.origins[previous:a])
            current.gap(b - a, why)
            self.add(text.chars[a:b], text.origins[a:b])
            previous = b
        self.add(text.chars[previous:], text.origins[previous:])

    def split_add(self, text: Text) -> None:
        mask = _mask(text) if text.gaps else None
        for index, (char, origin) in enumerate(zip(text.chars, text.origins)):
            why = mask[index] if mask is not None else ""
            if char in _IFS and not why:
                self.current = None
                continue
            if why:
                self.field().gap(1, why)
            self.add(char, (origin,))
        for a, b, why in text.gaps:
            if a == b:  # an unknown value written as nothing
                self.field().gap(0, why)

    def unknown(self, why: str, shown: str, origin: int) -> None:
        self.field().gap(len(shown), why)
        self.add(shown, [origin] * len(shown))

    def done(self) -> list[_Field]:
        return [f for f in self.fields if f.chars or f.quoted or f.unknown]


# -- interpreting ----------------------------------------------------------------------------------


class Interpreter:
    def __init__(self, script: Script):
        self.script = script
        self.text = script.text
        self.scope: dict = {}
        self.functions: dict = {}
        self.steps = 0
        self.unrolled = 0
        self.depth = 0
        self.in_condition = 0
        self.conditional: list[str] = []  # why the commands being run may not run
        self.assignments: list[tuple[int, int, str]] = []  # (start, end, name) of each assignment written
        self.defaults: list[tuple[int, int, str]] = []  # (start, end, name) of each ${X:-default} taken from outside
        self.arith_unknown = ""
        self.arguments: list[list] = []  # the arguments of the functions being called, innermost last

    def where(self, offset: int) -> str:
        return f"line {self.script.position(offset)[0]}"

    def step(self, copied: int = 0) -> None:
        """One more step (and one for every COPY_COST elements or characters copied), so that
        a script of many appends to one long array ends as surely as a long script."""
        self.steps += 1 + copied // COPY_COST
        if self.steps > MAX_STEPS:
            raise _Stop(f"the script runs more than {MAX_STEPS:,} steps")

    # compound commands

    def run_list(self, items: list) -> Optional[bool]:
        """Runs commands; the last one's status (True: success, None: unknown)."""
        status: Optional[bool] = True
        for item in items or ():
            status = self.run(item)
        return status

    def run(self, node) -> Optional[bool]:
        self.step()
        kind = node[0]
        if kind == "andor":
            return self.run_and_or(node)
        if kind == "pipeline":
            commands, negated = node[1], node[2]
            if len(commands) == 1:
                status = self.run(commands[0])
            else:
                for command in commands:  # each part of a pipeline runs in a subshell
                    self.in_subshell(lambda: self.run(command))
                status = None if self.in_condition else True
            return (None if status is None else not status) if negated else status
        if kind == "simple":
            return self.run_simple(node)
        if kind == "if":
            return self.run_if(node)
        if kind == "for":
            return self.run_for(node)
        if kind == "loop":
            place = f"the loop at {self.where(node[3])}"
            self.uncertain([node[1] + node[2]], place, "which planlint does not run")
            return None
        if kind == "case":
            return self.run_case(node)
        if kind == "group":
            return self.run_list(node[1])
        if kind == "subshell":
            return self.in_subshell(lambda: self.run_list(node[1]))
        if kind == "function":
            self.functions[node[1]] = node[2]
            return True
        if kind == "test":
            return self.test(self.test_items(node[1]))
        if kind == "arith":
            value = self.arithmetic(node[1])
            return None if value is None else value != 0
        return True

    def in_subshell(self, run) -> Optional[bool]:
        saved = dict(self.scope)
        try:
            return run()
        except _Exit:
            return None
        finally:
            self.scope = saved

    def run_and_or(self, node) -> Optional[bool]:
        pipelines, ops = node[1], node[2]
        status = self.run(pipelines[0])
        for op, pipeline in zip(ops, pipelines[1:]):
            runs = status if op == "&&" else (None if status is None else not status)
            if runs is False:
                continue
            if runs is None:
                self.uncertain([[pipeline]], f"the '{op}' at {self.where(pipeline[-1])}",
                               "after a test planlint cannot decide")
                status = None
            else:
                status = self.run(pipeline)
        return status

    def uncertain(self, branches: list, place: str, reason: str, none_taken: bool = True) -> None:
        """Runs each branch from the current variables, its commands marked as conditional;
        afterwards a variable keeps its value only where every outcome (and, with
        ``none_taken``, taking no branch) agrees on it."""
        before = dict(self.scope)
        outcomes = [before] if none_taken else []
        for branch in branches:
            self.scope = dict(before)
            self.conditional.append(f"it is inside {place}, {reason}")
            try:
                self.run_list(branch)
                outcomes.append(self.scope)
            except _Exit:
                pass  # a branch that exits leaves nothing for the commands after it
            finally:
                self.conditional.pop()
        merged = {}
        for name in set().union(*outcomes) if outcomes else ():
            values = [outcome.get(name) for outcome in outcomes]
            if all(v is not None for v in values) and all(_same(values[0], v) for v in values[1:]):
                merged[name] = values[0]
            else:
                merged[name] = Unknown(f"{name} is set inside {place}, {reason}", f"${name}")
        self.scope = merged if outcomes else before

    def run_if(self, node) -> Optional[bool]:
        clauses, else_body, start = node[1], node[2], node[3]
        undecided = []
        for condition, body in clauses:
            if undecided:
                undecided.append(body)
                continue
            self.in_condition += 1
            try:
                status = self.run_list(condition)
            finally:
                self.in_condition -= 1
            if status is True:
                return self.run_list(body)
            if status is None:
                undecided.append(body)
        if not undecided:
            return self.run_list(else_body) if else_body is not None else True
        branches = undecided + ([else_body] if else_body is not None else [])
        self.uncertain(branches, f"the 'if' at {self.where(start)}", "whose test planlint cannot decide",
                       none_taken=else_body is None)
        return None

    def run_for(self, node) -> Optional[bool]:
        name, words, body, start = node[1], node[2], node[3], node[4]
        values = None
        if words is not None:
            fields = [f for token in words for f in self.expand(token.parts)]
            if not any(f.unknown for f in fields) and self.unrolled + len(fields) <= MAX_LOOP:
                values = [Text(f.text, tuple(f.origins)) for f in fields]
        if values is None:
            self.scope[name] = Unknown(f"the variable of the loop at {self.where(start)}", f"${name}")
            self.uncertain([body], f"the loop at {self.where(start)}", "which planlint does not unroll")
            return None
        self.unrolled += len(values)
        status: Optional[bool] = True
        for value in values:
            self.scope[name] = value
            status = self.run_list(body)
        return status

    def run_case(self, node) -> Optional[bool]:
        subject, items, start = node[1], node[2], node[3]
        value = self.expand_one(subject.parts)
        if value.known:
            for patterns, body in items:
                for pattern in patterns:
                    text = self.expand_one(pattern.parts)
                    if not text.known:
                        value = None
                        break
                    if fnmatch.fnmatchcase(value.chars, text.chars):
                        return self.run_list(body)
                if value is None:
                    break
            else:
                return True
        self.uncertain([body for _, body in items], f"the 'case' at {self.where(start)}",
                       "whose word planlint cannot decide")
        return None

    # simple commands

    def run_simple(self, node) -> Optional[bool]:
        assignments, words, redirections, start = node[1], node[2], node[3], node[4]
        if not words:
            for token in assignments:
                self.assign(token)
            return True
        fields = []  # (field, token) for words; (None, token) for an array literal argument
        for token in words:
            if token.kind == "array":
                fields.append((None, token))
            else:
                fields.extend((f, token) for f in self.expand(token.parts))
        if not fields or fields[0][0] is None:
            return True
        head = fields[0][0]
        name = head.text if not head.unknown else ""
        if name in ("export", "declare", "typeset", "local", "readonly"):
            self.declare(fields[1:])
            return True
        if name == "unset":
            for f, _ in fields[1:]:
                if f is not None and not f.unknown:
                    self.scope.pop(f.text, None)
            return True
        if name in ("read", "mapfile", "readarray"):
            self.read_input(name, [f for f, _ in fields[1:] if f is not None], redirections)
            return True
        if name in ("exit", "return"):
            raise _Exit()
        if name in ("[", "test"):
            args = [f for f, _ in fields[1:] if f is not None]
            if name == "[" and args and args[-1].text == "]":
                args = args[:-1]
            return self.test([("op" if not f.unknown and f.text in ("-a", "-o", "!", "(", ")") else "word",
                               {"-a": "&&", "-o": "||"}.get(f.text, f.text), f.why()) for f in args])
        if name in ("true", ":"):
            return True
        if name == "false":
            return False
        if name in self.functions and self.depth < 16:
            self.depth += 1
            self.arguments.append([f.to_text() for f, _ in fields[1:] if f is not None])
            try:
                return self.run(self.functions[name])
            except _Exit:
                return None
            finally:
                self.arguments.pop()
                self.depth -= 1
        if name in ("source", "."):
            shown = fields[1][0].text if len(fields) > 1 and fields[1][0] is not None else "a file"
            self.script.problem(f"the script reads '{shown[:80]}', which planlint does not follow: what it sets is "
                                "unknown", fields[0][1].start, "assign the launch arguments in this script", "info")
            return True
        out = []
        for f, token in fields:
            if f is None:
                continue
            origin = next((o for o in f.origins if o >= 0), token.start)
            out.append(Word(f.text, origin, token.start, f.why()))
        self.script.commands.append(Command(out, start, "; ".join(self.conditional)))
        return None if self.in_condition else True

    def declare(self, fields: list) -> None:
        is_array = False
        for f, token in fields:
            if f is None:
                self.assign(token)
                continue
            m = _ASSIGNMENT.match(f.text)
            if f.text.startswith("-") and not f.unknown:
                is_array = is_array or "a" in f.text or "A" in f.text
            elif m and m.group(2) is None:
                name, append = m.group(1), bool(m.group(3))
                self.set_scalar(name, f.to_text().after(m.end()), append)
                self.assignments.append((token.start, token.end, name))
            elif _NAME.fullmatch(f.text) and is_array and f.text not in self.scope:
                self.scope[f.text] = Array(())

    def set_scalar(self, name: str, value: Text, append: bool) -> None:
        old = self.scope.get(name)
        self.step(len(old.chars) if isinstance(old, Text) else len(old.items) if isinstance(old, Array) else 0)
        if append and isinstance(old, Unknown):
            self.scope[name] = unknown_text(old.why, old.shown or f"${name}", -1) + value
        elif append and isinstance(old, Text):
            self.scope[name] = old + value
        elif append and isinstance(old, Array):
            items = list(old.items) or [EMPTY]
            items[-1] = items[-1] + value
            self.scope[name] = Array(tuple(items))
        else:
            self.scope[name] = value

    def assign(self, token: Token) -> None:
        if token.kind == "array":
            name, append = token.value.rstrip("+=").rstrip("="), token.value.endswith("+=")
            items = []
            for element in token.elements:
                items.extend(f.to_text() for f in self.expand(element.parts))
            old = self.scope.get(name)
            self.step(len(old.items) if isinstance(old, Array) else 0)
            if append and isinstance(old, Array):
                items = list(old.items) + items
            elif append and isinstance(old, Text):
                items = [old] + items
            elif append and isinstance(old, Unknown):
                items = [unknown_text(old.why, old.shown or f"${name}", token.start)] + items
            self.scope[name] = Array(tuple(items))
            self.assignments.append((token.start, token.end, name))
            return
        head = token.parts[0]
        m = _ASSIGNMENT.match(head[1])
        name, index, append = m.group(1), m.group(2), bool(m.group(3))
        rest = head[1][m.end():]
        parts = ([("lit", rest, head[2][m.end():], False)] if rest else []) + token.parts[1:]
        value = self.expand_one(parts, assignment=True)
        self.assignments.append((token.start, token.end, name))
        if index is not None:
            self.assign_element(name, index, value, token.start)
        else:
            self.set_scalar(name, value, append)

    def assign_element(self, name: str, index: str, value, at: int) -> None:
        old = self.scope.get(name)
        items = list(old.items) if isinstance(old, Array) else ([old] if isinstance(old, Text) else [])
        m = re.fullmatch(r"\[\s*(\d+)\s*\]", index)
        if not m or isinstance(old, Unknown) or int(m.group(1)) > len(items) + MAX_LOOP:
            self.scope[name] = Unknown(f"an element of {name} set at {self.where(at)}", f"${{{name}[@]}}")
            return
        position = int(m.group(1))
        items.extend([EMPTY] * (position + 1 - len(items)))
        items[position] = value
        self.scope[name] = Array(tuple(items))

    def read_input(self, builtin: str, args: list, redirections: list) -> None:
        """``read [-r] [-a NAME] [-d DELIM] NAME...`` and ``mapfile -t NAME`` from a here-string
        or a here-document (any other input is unknown)."""
        source = None
        for operator, target in redirections:
            if operator.value == "<<<" and target is not None:
                source = self.expand_one(target.parts)
            elif operator.value in ("<<", "<<-") and operator.heredoc is not None:
                source = self.expand_one(operator.heredoc, assignment=True)
        names, array_name, delimiter = [], None, "\n"
        words = [f.text for f in args]
        k = 0
        while k < len(words):
            word = words[k]
            if word.startswith("-") and len(word) > 1:
                with_value = "adinNptu" if builtin == "read" else "dnOsuCc"  # options that take a value
                takes = word[-1] if word[-1] in with_value else ""
                if takes and k + 1 < len(words):
                    if takes == "a":
                        array_name = words[k + 1]
                    elif takes == "d":
                        delimiter = words[k + 1][:1]
                    k += 2
                    continue
                k += 1
                continue
            names.append(word)
            k += 1
        if builtin in ("mapfile", "readarray"):
            array_name = names[-1] if names else "MAPFILE"
            names = []
        targets = [n for n in ([array_name] if array_name else []) + names if _NAME.fullmatch(n or "")]
        if source is None or not source.known:
            why = source.why if source is not None else "input planlint does not read"
            for target in targets:
                self.scope[target] = Unknown(why, f"${target}")
            return
        if builtin in ("mapfile", "readarray"):
            lines, chars, origins = [], [], []
            for char, origin in zip(source.chars, source.origins):
                if char == "\n":
                    lines.append(Text("".join(chars), tuple(origins)))
                    chars, origins = [], []
                else:
                    chars.append(char)
                    origins.append(origin)
            if chars:
                lines.append(Text("".join(chars), tuple(origins)))
            self.scope[array_name] = Array(tuple(lines))
            return
        if delimiter:
            cut = source.chars.find(delimiter)
            if cut >= 0:
                source = Text(source.chars[:cut], source.origins[:cut])
        pieces = _split_text(source)
        if array_name and _NAME.fullmatch(array_name):
            self.scope[array_name] = Array(tuple(pieces))
        for index, target in enumerate(n for n in names if _NAME.fullmatch(n)):
            if index == len(names) - 1:
                rest = pieces[index:]
                self.scope[target] = _join(rest) if rest else EMPTY
            else:
                self.scope[target] = pieces[index] if index < len(pieces) else EMPTY

    # expansion

    def expand(self, parts: list, split: bool = True) -> list[_Field]:
        out = _Fields()
        self.expand_into(parts, out, split)
        return out.done()

    def expand_one(self, parts: list, assignment: bool = False) -> Text:
        """A word's value without splitting (as an assignment's or a test's), its unknown parts
        as gaps."""
        out = _Fields()
        self.expand_into(parts, out, split=False, join=assignment)
        fields = out.done()
        return fields[0].to_text() if fields else EMPTY

    def expand_into(self, parts: list, out: _Fields, split: bool, join: bool = False) -> None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Stop("expansions nest deeper than planlint reads")
            self.step()
            for part in parts:
                kind = part[0]
                if kind == "lit":
                    out.add(part[1], part[2])
                    if part[3]:
                        out.field().quoted = True
                elif kind == "quotes":
                    out.field().quoted = True
                elif kind == "param":
                    self.parameter(part, out, split, join)
                elif kind == "arith":
                    value = self.arithmetic(part[1])
                    if value is None:
                        out.unknown(self.arith_unknown, self.text[part[3]:part[4]][:MAX_SHOWN], part[3])
                    else:
                        out.add(str(value), [part[3]] * len(str(value)))
                    if part[2]:
                        out.field().quoted = True
                elif kind == "cmd":
                    value = self.substitution(part)
                    if isinstance(value, Unknown):
                        out.unknown(value.why, self.text[part[3]:part[4]][:MAX_SHOWN], part[3])
                    elif part[2] or not split:
                        out.add_text(value)
                    else:
                        out.split_add(value)
                    if part[2]:
                        out.field().quoted = True
        finally:
            self.depth -= 1

    def substitution(self, part):
        """``$(cat <<EOF ... EOF)`` is its here-document; any other command's output is unknown."""
        body, start = part[1], part[3]
        m = re.match(r"\s*cat\s*<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2[ \t]*\r?\n", body)
        if m:
            body_start = start + 2 + m.end()  # the body follows "$(" and the first line
            cursor = m.end()
            while cursor <= len(body):
                line_end = body.find("\n", cursor)
                line_end = len(body) if line_end < 0 else line_end
                line = body[cursor:line_end]
                if (line.lstrip("\t") if m.group(1) else line).strip() == m.group(3):
                    end = start + 2 + max(cursor - 1, m.end())
                    if m.group(2):
                        return Text(self.text[body_start:end], tuple(range(body_start, end)))
                    return self.expand_one(Lexer(self.script).inner(body_start, end), assignment=True)
                cursor = line_end + 1
        command = body.split()[0] if body.split() else ""
        return Unknown(f"the output of the command '{command[:40]}'" if command else "a command's output")

    def lookup(self, name: str):
        """A variable's value (Text, Array, or Unknown for what comes from outside the
        script); None when it is unset."""
        if self.arguments and (name.isdigit() and name != "0" or name in ("@", "*", "#")):
            arguments = self.arguments[-1]
            if name in ("@", "*"):
                return Array(tuple(arguments))
            if name == "#":
                return Text(str(len(arguments)), (-1,) * len(str(len(arguments))))
            return arguments[int(name) - 1] if int(name) <= len(arguments) else None
        if name.isdigit() or name in ("@", "*", "#"):
            if name == "0":
                return Unknown("the script's own name", "$0")
            return Unknown(f"the script's argument ${name}" if name.isdigit() else "the script's arguments",
                           f"${name}")
        if name in ("?", "$", "!", "-"):
            return Unknown(f"the shell's ${name}", f"${name}")
        return self.scope.get(name)

    def parameter(self, part, out: _Fields, split: bool, join: bool) -> None:
        _, name, op, arg, quoted, start, end = part
        shown = self.text[start:end][:MAX_SHOWN]
        if op == "?bad":
            out.unknown(f"an expansion planlint cannot read ({shown})", shown, start)
            return
        length = name.startswith("#") and len(name) > 1
        indirect = name.startswith("!") and len(name) > 1
        bare = name[1:] if (length or indirect) else name
        index = None
        m = re.fullmatch(r"(.+?)\[(.*)\]", bare)
        if m:
            bare, index = m.group(1), m.group(2).strip()
        value = self.lookup(bare)
        if bare in ("@", "*") and index is None:
            index = bare  # "$@" is every argument, each its own word
        outside = value is None and not self.arguments
        if isinstance(value, Unknown) and op in (":-", "-", ":=", "=", ":+", "+") and \
                value.why.startswith(("the environment variable", "the script's argument")):
            value, outside = None, True  # where they are silent, a plain run gets the default
        if isinstance(value, Unknown):
            out.unknown(value.why, shown, start)
            return
        if indirect or op == "?other":
            out.unknown(f"an expansion planlint does not evaluate ({shown})", shown, start)
            return
        items = self.items(value, index)
        if items is None:
            out.unknown(f"an element of {bare} planlint does not evaluate ({shown})", shown, start)
            return
        unset = value is None or (index not in (None, "@", "*") and not items)
        empty = unset or all(not item.chars for item in items)
        if op in (":-", "-", ":=", "="):
            if unset if op in ("-", "=") else empty:
                if outside:
                    self.defaults.append((start, end, f"${bare}" if bare.isdigit() else bare))
                if op in (":=", "="):
                    self.scope[bare] = self.expand_one(arg or [], assignment=True)
                self.expand_into(arg or [], out, split and not quoted)
                if quoted:
                    out.field().quoted = True
                return
        elif op in (":+", "+"):
            if not (unset if op == "+" else empty):
                self.expand_into(arg or [], out, split and not quoted)
            if quoted:
                out.field().quoted = True
            return
        elif op in (":?", "?") and (unset if op == "?" else empty):
            raise _Exit()
        if value is None and not op and not length:
            out.unknown(f"the environment variable {bare}, which the script does not assign", shown, start)
            return
        if length:
            if index not in ("@", "*") and items and not items[0].known:
                out.unknown(items[0].why, shown, start)
                return
            count = str(len(items) if index in ("@", "*") else len(items[0].chars) if items else 0)
            out.add(count, [start] * len(count))
            return
        if index == "@" and not join:
            self.step(len(items))
            for number, item in enumerate(items):
                if number:
                    out.current = None
                if quoted or not split:
                    out.field().quoted = quoted or out.field().quoted
                    out.add_text(item)
                else:
                    out.split_add(item)
            return
        joined = _join(items)
        self.step(len(items) + len(joined.chars))
        if quoted or not split:
            out.add_text(joined)
            if quoted:
                out.field().quoted = True
        else:
            out.split_add(joined)

    @staticmethod
    def items(value, index: Optional[str]):
        """The texts an expansion of ``value`` gives: all of an array for [@] and [*], one
        element for a number; None for an index planlint does not evaluate."""
        if value is None:
            return []
        if isinstance(value, Text):
            return [value] if index in (None, "0", "@", "*") else []
        if index is None:
            return list(value.items[:1])
        if index in ("@", "*"):
            return list(value.items)
        if index.isdigit():
            position = int(index)
            return [value.items[position]] if position < len(value.items) else []
        return None

    # arithmetic and tests

    def arithmetic(self, parts: list) -> Optional[int]:
        """The value of an arithmetic expression; None (with ``arith_unknown``) when unknown."""
        self.arith_unknown = ""
        value = self.expand_one(parts, assignment=True)
        if not value.known:
            self.arith_unknown = value.why
            return None
        try:
            return _Arithmetic(value.chars, self).value()
        except _ArithmeticError as exc:
            self.arith_unknown = str(exc)
            return None

    def variable_number(self, name: str, depth: int = 0) -> int:
        value = self.lookup(name)
        if value is None:
            raise _ArithmeticError(f"the environment variable {name}, which the script does not assign")
        if isinstance(value, Unknown):
            raise _ArithmeticError(value.why)
        items = self.items(value, None) or [EMPTY]
        if not items[0].known:
            raise _ArithmeticError(items[0].why)
        text = items[0].chars.strip()
        if not text:
            return 0
        if re.fullmatch(r"[-+]?\d+", text):
            return int(text)
        if _NAME.fullmatch(text) and depth < 10:
            return self.variable_number(text, depth + 1)
        raise _ArithmeticError(f"{name} is '{text[:40]}', not a number")

    def test_items(self, tokens: list) -> list:
        items = []
        for token in tokens:
            if token.kind == "op":
                items.append(("op", token.value, ""))
                continue
            value = self.expand_one(token.parts)
            items.append(("word", value.chars, value.why if not value.known else ""))
        return items

    def test(self, items: list) -> Optional[bool]:
        try:
            return _TestParser(items).parse()
        except _Undecided:
            return None


class _Undecided(Exception):
    pass


class _ArithmeticError(Exception):
    pass


class _Arithmetic:
    """Integer arithmetic as ``$(( ))`` has it: + - * / % **, comparisons, && ||, !, unary
    minus, ?:, parentheses, and variables by name (after $ expansion)."""

    LEVELS = (("||",), ("&&",), ("==", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%"))
    MAX_NESTING = 30

    def __init__(self, text: str, interpreter: Interpreter):
        self.tokens = re.findall(r"\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<=|>=|==|!=|&&|\|\||[-+*/%()<>!?:]|\S", text)
        self.k = 0
        self.interpreter = interpreter
        self.nesting = 0

    def value(self) -> int:
        if not self.tokens:
            return 0
        result = self.ternary()
        if self.k != len(self.tokens):
            raise _ArithmeticError(f"an arithmetic expression planlint cannot read ('{self.tokens[self.k]}')")
        return result

    def peek(self) -> str:
        return self.tokens[self.k] if self.k < len(self.tokens) else ""

    def take(self) -> str:
        token = self.peek()
        self.k += 1
        return token

    def ternary(self) -> int:
        condition = self.binary(0)
        if self.peek() == "?":
            self.take()
            yes = self.ternary()
            if self.take() != ":":
                raise _ArithmeticError("an arithmetic '?' without ':'")
            no = self.ternary()
            return yes if condition else no
        return condition

    def binary(self, level: int) -> int:
        if level == len(self.LEVELS):
            return self.power()
        left = self.binary(level + 1)
        while self.peek() in self.LEVELS[level]:
            op = self.take()
            left = self.apply(op, left, self.binary(level + 1))
        return left

    @staticmethod
    def apply(op: str, a: int, b: int) -> int:
        if op in ("/", "%") and b == 0:
            raise _ArithmeticError("a division by zero")
        if op in ("/", "%"):
            quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # bash truncates toward zero
            result = quotient if op == "/" else a - b * quotient
        else:
            result = {"||": int(bool(a) or bool(b)), "&&": int(bool(a) and bool(b)), "==": int(a == b),
                      "!=": int(a != b), "<": int(a < b), "<=": int(a <= b), ">": int(a > b), ">=": int(a >= b),
                      "+": a + b, "-": a - b, "*": a * b}[op]
        if abs(result) >= 2 ** 63:
            raise _ArithmeticError("an arithmetic result beyond 64 bits")
        return result

    def power(self) -> int:
        base = self.unary()
        if self.peek() == "**":
            self.take()
            exponent = self.power()
            if not 0 <= exponent <= 63:
                raise _ArithmeticError("a power planlint does not evaluate")
            result = base ** exponent
            if abs(result) >= 2 ** 63:
                raise _ArithmeticError("an arithmetic result beyond 64 bits")
            return result
        return base

    def unary(self) -> int:
        token = self.peek()
        if token in ("-", "+", "!"):
            self.take()
            value = self.unary()
            return -value if token == "-" else (value if token == "+" else int(not value))
        return self.atom()

    def atom(self) -> int:
        self.nesting += 1
        try:
            if self.nesting > self.MAX_NESTING:
                raise _ArithmeticError("an arithmetic expression nested deeper than planlint reads")
            token = self.take()
            if token == "(":
                value = self.ternary()
                if self.take() != ")":
                    raise _ArithmeticError("an arithmetic '(' is not closed")
                return value
            if token.isdigit():
                if len(token) > 1 and token.startswith("0"):
                    if set(token) <= set("01234567"):
                        return int(token, 8)  # bash reads a leading 0 as octal
                    raise _ArithmeticError(f"'{token}' is not a number bash reads")
                return int(token)
            if _NAME.fullmatch(token):
                return self.interpreter.variable_number(token)
            raise _ArithmeticError(f"an arithmetic expression planlint cannot read ('{token or 'end'}')")
        finally:
            self.nesting -= 1


class _TestParser:
    """``[[ ]]`` and ``[ ]`` over expanded words: -z -n, = == != (a glob on the right),
    < >, -eq -ne -lt -le -gt -ge, !, && ||, parentheses. A test of the file system or a word
    whose value is unknown leaves the result undecided."""

    COMPARISONS = ("=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "=~")

    def __init__(self, items: list):
        self.items = items
        self.k = 0

    def parse(self) -> Optional[bool]:
        if not self.items:
            return False
        result = self.disjunction()
        if self.k != len(self.items):
            raise _Undecided()
        return result

    def peek(self):
        return self.items[self.k] if self.k < len(self.items) else None

    def at(self, value: str) -> bool:
        item = self.peek()
        return item is not None and item[1] == value and not item[2] and (item[0] == "op" or value in "!()")

    def disjunction(self):
        left = self.conjunction()
        while self.at("||"):
            self.k += 1
            right = self.conjunction()
            left = True if (left is True or right is True) else (None if None in (left, right) else False)
        return left

    def conjunction(self):
        left = self.negation()
        while self.at("&&"):
            self.k += 1
            right = self.negation()
            left = False if (left is False or right is False) else (None if None in (left, right) else True)
        return left

    def negation(self):
        if self.at("!"):
            self.k += 1
            value = self.negation()
            return None if value is None else not value
        if self.at("("):
            self.k += 1
            value = self.disjunction()
            if not self.at(")"):
                raise _Undecided()
            self.k += 1
            return value
        return self.primary()

    def word(self):
        item = self.peek()
        if item is None or item[0] != "word":
            raise _Undecided()
        self.k += 1
        return item

    def primary(self):
        first = self.word()
        following = self.peek()
        if following is not None and following[0] == "word" and not first[2] and len(first[1]) == 2 and \
                first[1][0] == "-" and (following[1] not in self.COMPARISONS or following[2]):
            operand = self.word()
            if first[1] in ("-z", "-n"):
                return None if operand[2] else (operand[1] == "") == (first[1] == "-z")
            return None  # -f, -d, -e, -x ...: the file system, which planlint does not look at
        if following is not None and not following[2] and (
                (following[0] == "word" and following[1] in self.COMPARISONS) or
                (following[0] == "op" and following[1] in ("<", ">"))):
            op = self.word()[1] if following[0] == "word" else self.items[self.k][1]
            if following[0] == "op":
                self.k += 1
            second = self.word()
            if first[2] or second[2] or op == "=~":
                return None
            a, b = first[1], second[1]
            if op in ("=", "==", "!="):
                same = fnmatch.fnmatchcase(a, b) if any(ch in b for ch in "*?[") else a == b
                return same if op != "!=" else not same
            if op in ("<", ">"):
                return a < b if op == "<" else a > b
            try:
                x, y = int(a.strip() or "0"), int(b.strip() or "0")
            except ValueError:
                return None
            return {"-eq": x == y, "-ne": x != y, "-lt": x < y, "-le": x <= y, "-gt": x > y, "-ge": x >= y}[op]
        return None if first[2] else first[1] != ""


# -- entry points ----------------------------------------------------------------------------------


def read_script(text: str) -> Script:
    """The commands a bash script would run, their words expanded as far as the script itself
    says, and Problems for what could not be read. Never raises on the script's text."""
    script = Script(text[:MAX_TEXT])
    if len(text) > MAX_TEXT:
        script.problem(f"the script is {len(text):,} characters; planlint reads the first {MAX_TEXT:,}", 0,
                       "check that this is a launch script")
    interpreter = Interpreter(script)
    try:
        tokens = Lexer(script).run()
        interpreter.run_list(Parser(tokens, Lexer(script)).program())
    except _Exit:
        pass
    except (_Stop, RecursionError) as stop:
        reason = str(stop) if isinstance(stop, _Stop) else "it nests deeper than planlint reads"
        script.problem(f"planlint stopped reading the script: {reason}", 0,
                       "simplify the script, or give the arguments in a file of their own")
    _name_variables(script, interpreter.assignments, interpreter.defaults)
    return script


def read_arguments(text: str) -> Script:
    """A file of arguments (flags on one or more lines, as a launcher's ``@args`` file): the
    words of every line, as one command."""
    script = read_script(text)
    words = [word for command in script.commands for word in command.words]
    script.commands = [Command(words, words[0].at)] if words else []
    return script


def _name_variables(script: Script, assignments: list, defaults: list) -> None:
    """Name, for each word, the variable whose assignment holds the word's first character, and
    the variable whose default gave it."""
    named = [_spans(assignments), _spans(defaults)]
    for command in script.commands:
        for index, word in enumerate(command.words):
            variable, default_of = (_containing(spans, word.origin) for spans in named)
            if variable or default_of:
                command.words[index] = Word(word.text, word.origin, word.at, word.unknown, variable, default_of)


def _spans(spans: list) -> tuple[list, list]:
    ordered = sorted(set(spans))
    return ordered, [span[0] for span in ordered]


def _containing(spans: tuple[list, list], offset: int) -> str:
    """The name of the innermost span holding ``offset`` (spans are nested or disjoint)."""
    ordered, starts = spans
    k = bisect.bisect_right(starts, offset) - 1
    while k >= 0 and k > bisect.bisect_right(starts, offset) - 1 - 64:
        start, end, name = ordered[k]
        if start <= offset < end:
            return name
        k -= 1
    return ""
