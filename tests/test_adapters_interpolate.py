"""OmegaConf-style interpolation within one config, and the typed reads adapters build on it."""

from planlint.adapters import read_yaml
from planlint.adapters.interpolate import Interpolator
from planlint.adapters.reading import ConfigReader, as_number

DATA = {
    "run_name": "olmo-1b",
    "model": {"hidden_size": 4096, "ffn": "${multiply:4, ${.hidden_size}}", "seq": "${..data.seq_length}",
              "alias": "${model.hidden_size}", "layers": "${sum:${.hidden_size},-4064}"},
    "data": {"seq_length": 2048, "dir": "/data/${run_name}/train", "env": "${oc.env:DATA_DIR,/scratch}"},
    "loop_a": "${loop_b}", "loop_b": "${loop_a}",
    "missing": "${model.nope}",
    "unknown": "${path.choose:${oc.env:X,y}/a,/b}",
    "open": "${model.hidden_size",
    "escaped": "\\${not.a.ref}",
    "quoted": "${multiply:'3', 2}",
    "list": [10, 20, "${list.0}"],
    "launcher": "${training.model.hidden_size}",
}


def resolve(key, **kwargs):
    return Interpolator(DATA, **kwargs).resolve(key)


def test_references_absolute_relative_and_nested_resolvers():
    assert resolve("model.alias").value == 4096
    assert resolve("model.ffn").value == 16384  # NeMo's multiply resolver: 4 x hidden_size
    assert resolve("model.seq").value == 2048  # ..: the parent of the key's mapping
    assert resolve("model.layers").value == 32  # NeMo's sum: 4096 + -4064
    assert resolve("data.dir").value == "/data/olmo-1b/train"
    assert resolve("list.2").value == 10
    assert resolve("model.alias").references == ("model.hidden_size",)


def test_what_the_file_cannot_say_is_unresolved_with_the_reason():
    env = resolve("data.env")
    assert (env.resolved, env.value) == (False, None)
    assert env.reason == "the environment variable DATA_DIR (its default in the config: /scratch)"
    assert resolve("missing").reason == "model.nope is not in the config"
    assert resolve("loop_a").reason == "references nest deeper than 32 (a cycle?)"
    assert resolve("unknown").reason == "the resolver 'path.choose', which planlint does not know"
    assert resolve("open").reason == "an interpolation '${' is not closed"


def test_escapes_quotes_and_root_aliases():
    assert resolve("escaped").value == "${not.a.ref}"
    # a quoted argument stays a string: Python's '3' * 2
    assert resolve("quoted").value == "33"
    assert not resolve("launcher").resolved
    assert resolve("launcher", root_aliases=("training",)).value == 4096


def test_numbers_yaml_leaves_as_text():
    assert as_number("5e12") == 5e12
    assert as_number("1e-6") == 1e-6
    assert as_number("4_000") == 4000
    assert as_number(True) is None and as_number("7B") is None and as_number(float("nan")) is None


def test_reader_reports_unresolvable_and_mistyped_values_at_their_keys():
    text = "model:\n  d_model: ${oc.env:HIDDEN}\n  layers: twelve\n  heads: ${model.n}\n  n: 16\n"
    located, problems = read_yaml("c.yaml", text)
    reader = ConfigReader("test", "c.yaml", located, problems)
    assert reader.number("model.d_model", whole=True) is None
    assert reader.number("model.layers", whole=True) is None
    assert reader.number("model.heads", whole=True) == 16
    assert reader.number("model.absent", 7) == 7
    assert [(p.line, p.column, p.message) for p in reader.config.problems] == [
        (2, 3, "model.d_model depends on the environment variable HIDDEN, which this file cannot say"),
        (3, 3, "model.layers is 'twelve', not a whole number"),
    ]
