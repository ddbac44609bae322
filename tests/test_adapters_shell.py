"""The bash reader under launch scripts: what each construct expands to, where each word was
written, and what stays unknown (with why)."""

from __future__ import annotations

import random
import textwrap

import pytest

from planlint.adapters.shell import read_arguments, read_script


def words(script, index=-1):
    return [w.text for w in script.commands[index].words]


def at(script, word):
    return script.position(word.origin)


def test_arrays_variables_defaults_and_continuations():
    script = read_script(textwrap.dedent("""\
        #!/bin/bash
        LAYERS=${LAYERS:-32}
        HIDDEN=4096
        ARGS=(
            --num-layers $LAYERS   # a comment inside the array
            --hidden-size "$HIDDEN" \\
            --name 'two words'
        )
        ARGS+=(--swiglu)
        torchrun --nproc_per_node 8 \\
            pretrain_gpt.py "${ARGS[@]}" --seq-length $((4 * 1024))
        """))
    assert script.problems == []
    assert words(script) == ["torchrun", "--nproc_per_node", "8", "pretrain_gpt.py", "--num-layers", "32",
                             "--hidden-size", "4096", "--name", "two words", "--swiglu", "--seq-length", "4096"]
    w = script.commands[0].words
    # a value is where it was written: 32 in the default of line 2, 4096 on line 3
    assert at(script, w[5]) == (2, 18) and w[5].variable == "LAYERS"
    assert w[5].default_of == "LAYERS"  # the environment may set LAYERS
    assert at(script, w[7]) == (3, 8) and w[7].variable == "HIDDEN"
    assert at(script, w[4]) == (5, 5) and w[4].variable == "ARGS"
    assert at(script, w[9]) == (7, 13)
    assert at(script, w[11]) == (11, 34)
    assert at(script, w[12]) == (11, 47) and w[12].variable == ""  # $((...)) is where it is written


def test_unquoted_expansion_splits_quoted_keeps():
    script = read_script(textwrap.dedent("""\
        FP8=("--fp8-format hybrid" "--fp8-amax-history-len 1024")
        echo ${FP8[@]}
        echo "${FP8[@]}"
        echo "${FP8[*]}"
        SPACED="a  b"
        echo $SPACED "$SPACED" x${SPACED}y
        EMPTY=
        echo $EMPTY "$EMPTY" ${#FP8[@]} ${#SPACED}
        """))
    assert words(script, 0) == ["echo", "--fp8-format", "hybrid", "--fp8-amax-history-len", "1024"]
    assert words(script, 1) == ["echo", "--fp8-format hybrid", "--fp8-amax-history-len 1024"]
    assert words(script, 2) == ["echo", "--fp8-format hybrid --fp8-amax-history-len 1024"]
    assert words(script, 3) == ["echo", "a", "b", "a  b", "xa", "by"]
    assert words(script, 4) == ["echo", "", "2", "4"]  # $EMPTY unquoted is no word at all


def test_known_parts_of_a_partly_unknown_value_split_as_bash_splits_them():
    script = read_script(textwrap.dedent("""\
        DATA=$ENV_DIR/x
        ARGS="--num-layers 32 --data-path $DATA --lr ${LR}"
        A=("--tokenizer $TOK" --seq 2)
        torchrun pretrain_gpt.py $ARGS "${A[@]}" ${A[@]}
        """))
    assert [(w.text, bool(w.unknown)) for w in script.commands[0].words] == [
        ("torchrun", False), ("pretrain_gpt.py", False), ("--num-layers", False), ("32", False),
        ("--data-path", False), ("$ENV_DIR/x", True), ("--lr", False), ("${LR}", True),
        ("--tokenizer $TOK", True), ("--seq", False), ("2", False),  # quoted: the element stays one word
        ("--tokenizer", False), ("$TOK", True), ("--seq", False), ("2", False)]
    by_text = {w.text: w for w in script.commands[0].words}
    assert by_text["$ENV_DIR/x"].unknown == "the environment variable ENV_DIR, which the script does not assign"
    assert at(script, by_text["--lr"]) == (2, 41)


def test_here_strings_here_documents_and_read():
    script = read_script(textwrap.dedent("""\
        read -r -a PARALLEL <<< "--tensor-model-parallel-size 4 --pipeline-model-parallel-size 2"
        read -r -d '' DATA <<'EOF'
        0.7 /data/web
        0.3 /data/code
        EOF
        MORE=$(cat <<EOF
        --lr ${LR:-3e-4}
        EOF
        )
        mapfile -t LINES <<< "one
        two"
        echo "${PARALLEL[@]}" $DATA $MORE "${LINES[1]}"
        """))
    assert script.problems == []
    assert words(script) == ["echo", "--tensor-model-parallel-size", "4", "--pipeline-model-parallel-size", "2",
                             "0.7", "/data/web", "0.3", "/data/code", "--lr", "3e-4", "two"]
    by_text = {w.text: w for w in script.commands[0].words}
    assert at(script, by_text["/data/web"]) == (3, 5)
    assert at(script, by_text["3e-4"]) == (7, 12) and by_text["3e-4"].default_of == "LR"


def test_decidable_tests_choose_the_branch():
    script = read_script(textwrap.dedent("""\
        DTYPE="fp8"
        TOKENIZER=${3:-"MOCK"}
        ARGS=()
        if [[ "$DTYPE" == "fp8" ]]; then
            ARGS+=(--fp8-format hybrid)
        elif [ "$DTYPE" = bf16 ]; then
            ARGS+=(--bf16)
        fi
        if [[ "$TOKENIZER" == "MOCK" ]] || [[ -z "$TOKENIZER" ]]; then ARGS+=(--mock-data)
        else ARGS+=(--data-path x); fi
        case "$DTYPE" in
          bf16) ARGS+=(--bf16) ;;
          fp8|fp4) ARGS+=(--bf16 --fp8) ;;
        esac
        (( 2 > 1 )) && ARGS+=(--two)
        [ -n "" ] && ARGS+=(--never)
        for size in 1 2; do ARGS+=(--size-$size); done
        echo "${ARGS[@]}"
        """))
    assert script.problems == []
    assert words(script) == ["echo", "--fp8-format", "hybrid", "--mock-data", "--bf16", "--fp8", "--two", "--size-1",
                             "--size-2"]
    assert script.commands[-1].conditional == ""


def test_undecidable_tests_make_what_they_set_unknown():
    script = read_script(textwrap.dedent("""\
        LAYERS=32
        SAME=1
        if [ -f /etc/cluster ]; then
            LAYERS=40
            SAME=1
            torchrun pretrain_gpt.py --num-layers $LAYERS
        fi
        echo $LAYERS $SAME $UNSET $1 $(hostname) ${NODES:-2}
        """))
    inside, after = script.commands
    assert inside.conditional == "it is inside the 'if' at line 3, whose test planlint cannot decide"
    assert [w.text for w in inside.words][-1] == "40"  # inside the branch, the branch's value
    texts = [(w.text, w.unknown) for w in after.words]
    assert texts == [
        ("echo", ""),
        ("$LAYERS", "LAYERS is set inside the 'if' at line 3, whose test planlint cannot decide"),
        ("1", ""),  # both outcomes agree
        ("$UNSET", "the environment variable UNSET, which the script does not assign"),
        ("$1", "the script's argument $1"),
        ("$(hostname)", "the output of the command 'hostname'"),
        ("2", ""),
    ]
    assert after.words[-1].default_of == "NODES"


def test_functions_take_their_arguments():
    script = read_script(textwrap.dedent("""\
        ARGS=(--num-layers 24 --name "a b")
        launch() {
            local nodes=$1
            shift
            torchrun --nnodes "$nodes" pretrain_gpt.py "$@"
        }
        launch 4 "${ARGS[@]}"
        """))
    # shift is not modelled, so "$@" still holds 4; the flags keep their positions
    assert words(script) == ["torchrun", "--nnodes", "4", "pretrain_gpt.py", "4", "--num-layers", "24", "--name", "a b"]
    assert at(script, script.commands[-1].words[6]) == (1, 20)


def test_arithmetic():
    script = read_script(textwrap.dedent("""\
        GPUS=8; NODES=16; TP=2
        echo $(( GPUS * NODES / TP )) $((2**10)) $(( (7 - 10) / 2 )) $(( 7 % 3 )) $((010)) $((MISSING + 1)) $((1/0))
        """))
    texts = [(w.text, w.unknown) for w in script.commands[0].words]
    assert texts[:6] == [("echo", ""), ("64", ""), ("1024", ""), ("-1", ""), ("1", ""), ("8", "")]
    assert texts[6] == ("$((MISSING + 1))", "the environment variable MISSING, which the script does not assign")
    assert texts[7] == ("$((1/0))", "a division by zero")


def test_argument_files_are_one_command():
    script = read_arguments("--num-layers 12 \\\n  --hidden-size 768  # GPT-2 small\n--seq-length 1024\n")
    assert words(script, 0) == ["--num-layers", "12", "--hidden-size", "768", "--seq-length", "1024"]
    assert at(script, script.commands[0].words[4]) == (3, 1)


@pytest.mark.parametrize("text, message, position", [
    ('torchrun x.py --lr "3e-4\n--bf16\n', "a double quote is not closed: bash stops reading the script here", (1, 20)),
    ("echo 'unclosed\n", "a single quote is not closed: bash stops reading the script here", (1, 6)),
    ("A=(--x 1\n--y 2\n", "the array A=( is not closed: bash stops reading the script here", (1, 1)),
    ("if true; then echo\n", "'if' is not closed by 'fi': bash stops reading the script here", (1, 1)),
    ("echo ${X\n", "a parameter expansion ${ is not closed: bash stops reading the script here", (1, 6)),
    ("echo $(date\n", "a command substitution $( is not closed: bash stops reading the script here", (1, 6)),
    ("cat <<EOF\nbody\n", "the here-document is not closed by a line 'EOF'", (1, 5)),
])
def test_broken_syntax_is_reported_at_its_position(text, message, position):
    script = read_script(text)
    assert [(p.message, (p.line, p.column)) for p in script.problems][:1] == [(message, position)]


def _hostile_inputs():
    rng = random.Random(20240613)
    alphabet = "$(){}[]\"'`\\|&;<>\n #=-+*!?:%abcXYZ012_@"
    yield "empty", ""
    yield "only a comment", "# nothing\n"
    yield "deep ifs", "if true; then\n" * 300 + "echo\n" + "fi\n" * 300
    yield "deep subshells", "(" * 3000 + "echo" + ")" * 3000
    yield "deep braces", "echo " + "${X:-" * 3000 + "}" * 3000
    yield "deep arithmetic", "echo $((" + "(" * 2000 + "1" + ")" * 2000 + "))"
    yield "unclosed everything", "echo \"$( ${ $(( `"
    yield "10,000 lines", "".join(f"A{i}=$((A{i - 1} + 1)) # {i}\n" if i else "A0=0\n" for i in range(10_000))
    yield "long literal", "echo '" + "x" * 500_000 + "'"
    yield "many arrays", "".join(f"A+=(--flag-{i} {i})\n" for i in range(5_000)) + 'echo "${A[@]}"\n'
    yield "recursive function", "f() { f; }\nf\n"
    yield "endless loop", "while true; do A+=(x); done\nfor ((;;)); do :; done\n"
    yield "CR line ends", "A=1\r\necho $A\r\n"
    yield "NUL and controls", "echo a\x00b\x01\x7f\n"
    for n in range(20):
        yield f"random {n}", "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4000)))


@pytest.mark.parametrize("name, text", list(_hostile_inputs()), ids=[n for n, _ in _hostile_inputs()])
def test_hostile_scripts_never_raise_and_report_inside_the_file(name, text):
    script = read_script(text)
    lines = text.split("\n")
    for problem in script.problems:
        assert 1 <= problem.line <= len(lines)
        assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1
    for command in script.commands:
        for word in command.words:
            assert 0 <= word.origin <= len(text)


def test_a_runaway_script_stops_with_a_problem():
    many_steps = read_script("for i in " + "x " * 999 + "; do " + "A=1; " * 60 + "done\n")
    long_array = read_script("for i in " + "x " * 999 + "; do A+=(" + "--flag value " * 500 + "); done\n")
    for script in (many_steps, long_array):
        assert [p.message for p in script.problems] == [
            "planlint stopped reading the script: the script runs more than 50,000 steps"]
