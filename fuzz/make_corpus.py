"""Write the seed corpus fuzz/corpus/: real plans and hostile inputs.

    python fuzz/make_corpus.py

Real plans: every example in examples/ and every plan embedded in tests/cases/*.yaml.
Hostile inputs: alias bombs, deep nesting, byte-order marks, other encodings, line-ending
variants, tabs, NUL bytes, invalid UTF-8, YAML tags, merge keys, numbers out of range and a
file over the size bound. The output is deterministic: rerunning it rewrites the same files.
"""

from __future__ import annotations

import glob
import os
import re

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "corpus")

PLAN = """\
planlint: 1
name: seed
goal: assistant
model:
  params: 1.3B
  layers: 24
  d_model: 2048
  heads: 16
data:
  train_tokens: 40B
  unique_tokens: 60B
  mix:
    - {source: code, share: 55%, unique_tokens: 30B}
    - {source: docs, share: 45%}
compute:
  flops: 3e21
  gpu_hours: 8000
  accelerator: a100-80gb
serving:
  precision: int8
  accelerator: a10g
  batch_size: 8
  usd_per_gpu_hour: 1.00
  max_usd_per_million_tokens: 0.50
"""


def hostile() -> dict[str, bytes]:
    plan = PLAN.encode()
    seeds: dict[str, bytes] = {}

    # alias expansion
    lol = ["planlint: 1", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lol += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    seeds["billion-laughs.yaml"] = ("\n".join(lol) + "\n").encode()
    bomb = ["planlint: 1", "k0: &k0 {a: 1, b: 2}"]
    bomb += [f"k{i}: &k{i} {{x: *k{i - 1}, y: *k{i - 1}, <<: *k{i - 1}}}" for i in range(1, 30)]
    seeds["mapping-alias-bomb.yaml"] = ("\n".join(bomb) + "\n").encode()
    seeds["recursive-alias.yaml"] = b"planlint: 1\nname: &n [*n]\nmodel: &m {params: *m}\n"
    seeds["undefined-alias.yaml"] = plan.replace(b"params: 1.3B", b"params: *nowhere")

    # nesting
    seeds["deep-brackets.yaml"] = b"planlint: 1\nx: " + b"[" * 10_000 + b"]" * 10_000 + b"\n"
    seeds["deep-braces.yaml"] = b"planlint: 1\nx: " + b"{a: " * 5_000 + b"1" + b"}" * 5_000 + b"\n"
    seeds["deep-unclosed.yaml"] = b"planlint: 1\nx: " + b"[{" * 5_000 + b"\n"
    # a BOM inside the text sends it to the pure-Python parser, quadratic in open levels
    seeds["deep-after-inner-bom.yaml"] = "x-a: \ufeff\nplanlint: 1\nx: ".encode() + b"[{" * 5_000 + b"\n"
    seeds["deep-block.yaml"] = (b"planlint: 1\n" + b"".join(b"  " * i + b"k:\n" for i in range(300))
                                + b"  " * 300 + b"v\n")
    seeds["deep-sequence.yaml"] = (b"planlint: 1\nx:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 200))
                                   + b"  " * 200 + b"- 1\n")

    # encodings and line endings
    seeds["bom.yaml"] = b"\xef\xbb\xbf" + plan
    seeds["bom-only.yaml"] = b"\xef\xbb\xbf"
    seeds["double-bom.yaml"] = b"\xef\xbb\xbf\xef\xbb\xbf" + plan
    seeds["crlf.yaml"] = plan.replace(b"\n", b"\r\n")
    seeds["bom-crlf.yaml"] = b"\xef\xbb\xbf" + plan.replace(b"\n", b"\r\n")
    seeds["cr-only.yaml"] = plan.replace(b"\n", b"\r")
    seeds["mixed-line-ends.yaml"] = b"".join(line + (b"\r\n", b"\n", b"\r")[i % 3]
                                             for i, line in enumerate(plan.splitlines()))
    seeds["nel-ls-ps.yaml"] = (PLAN.replace("\n", "\u0085", 3).replace("\n", "\u2028", 3)
                               .replace("\n", "\u2029", 3).encode())
    seeds["no-final-newline.yaml"] = plan.rstrip(b"\n")
    seeds["utf16-le.yaml"] = PLAN.encode("utf-16")  # with its BOM
    seeds["utf16-be.yaml"] = b"\xfe\xff" + PLAN.encode("utf-16-be")
    seeds["utf16-no-bom.yaml"] = PLAN.encode("utf-16-le")
    seeds["utf32.yaml"] = PLAN.encode("utf-32")
    seeds["latin1.yaml"] = PLAN.replace("name: seed", "name: café").encode("latin-1")
    seeds["invalid-utf8.yaml"] = plan.replace(b"name: seed", b"name: \xc3\x28\xa0\xa1\xf0\x28\x8c\xbc")
    seeds["truncated-utf8.yaml"] = plan + b"x-note: \xe2\x82"
    seeds["overlong-utf8.yaml"] = plan + b"x-note: \xc0\xaf\xed\xa0\x80\n"
    seeds["non-bmp.yaml"] = PLAN.replace("name: seed", "name: seed\nx-\U0001f680: \U0001f680\U0001f4a5").replace(
        "  train_tokens: 40B", "  train_tokens: 40B # \U0001f600").encode()
    seeds["non-bmp-before-key.yaml"] = (
        "planlint: 1\nname: x\nmodel: {\U0001f680: 1, params: 175B}\ndata: {é: 1, train_tokens: 300B}\n").encode()
    seeds["nul-byte.yaml"] = plan.replace(b"name: seed", b"name: se\x00ed")
    seeds["nul-after-multibyte.yaml"] = "planlint: 1\nname: ééé\x00\n".encode()
    seeds["control-chars.yaml"] = plan.replace(b"name: seed", b"name: \x1b[31mred\x1b[0m\x07")
    seeds["c1-controls.yaml"] = PLAN.replace("name: seed", "name: \u009b31m\u0080").encode()
    seeds["bidi-and-zero-width.yaml"] = PLAN.replace("name: seed", "name: \u202eevil\u200b\ufeff").encode()
    seeds["surrogate-escape.yaml"] = plan.replace(b"name: seed", b'name: "\\ud800\\udfff\\U0010ffff"')

    # tabs and indentation
    seeds["tabs-in-values.yaml"] = plan.replace(b"params: 1.3B", b"params:\t1.3B\t").replace(
        b"name: seed", b"name:\tseed")
    seeds["tab-indent.yaml"] = plan.replace(b"\n  ", b"\n\t")
    seeds["tab-before-key.yaml"] = plan.replace(b"model:\n", b"model:\n\t  ")
    seeds["bad-indent.yaml"] = plan.replace(b"\n  params", b"\n   params").replace(b"\n  train", b"\n train")

    # tags and YAML features
    seeds["python-tags.yaml"] = plan + (
        b"x-a: !!python/object/apply:os.system ['touch /tmp/planlint-fuzz-pwned']\n"
        b"x-b: !!python/object:builtins.dict {a: 1}\n"
        b"x-c: !!python/name:os.system\n"
        b"x-d: !!python/tuple [1, 2]\n"
        b"x-e: !!binary aGVsbG8=\n"
        b"x-f: !!set {a, b}\n"
        b"x-g: !!omap [a: 1]\n"
        b"x-h: !custom {a: 1}\n"
        b"x-i: !<tag:example.com,2000:x> 1\n"
    )
    seeds["tagged-quantities.yaml"] = plan.replace(b"params: 1.3B", b"params: !!int 1.3B").replace(
        b"flops: 3e21", b"flops: !!float abc").replace(b"gpu_hours: 8000", b"gpu_hours: !!str 8000")
    seeds["merge-keys.yaml"] = (
        b"x-base: &base {params: 1.3B, layers: 24}\nx-data: &data {train_tokens: 40B}\n"
        b"planlint: 1\nname: merged\nmodel:\n  <<: *base\n  d_model: 2048\ndata:\n  <<: [*data, {unique_tokens: 60B}]\n"
        b"compute:\n  <<: *nothing\nserving:\n  <<: 5\n"
    )
    seeds["anchors-everywhere.yaml"] = (
        b"planlint: &v 1\nname: &n x\nmodel: &m {params: &p 1B}\ndata: {train_tokens: *p, unique_tokens: *p}\n"
        b"x-copy: *m\nx-list: [*v, *n, *m, *p]\n*n : dup\n"
    )
    seeds["complex-keys.yaml"] = plan + b"? [a, b]\n: 1\n? {c: d}\n: 2\n[e]: 3\n"
    seeds["multi-document.yaml"] = plan + b"---\n" + plan + b"...\n---\n"
    seeds["directives.yaml"] = b"%YAML 1.1\n%TAG ! tag:example.com,2000:\n---\n" + plan
    seeds["duplicate-keys.yaml"] = plan + plan.replace(b"planlint: 1\n", b"")
    seeds["block-scalars.yaml"] = plan.replace(b"name: seed", b"name: |\n  multi\n  line\n\n\t\ntail")
    seeds["quoted-everything.yaml"] = plan.replace(b"1.3B", b'"1.3B"').replace(b"40B", b"'40B'").replace(
        b"a100-80gb", b'"a100\\x2d80gb"')
    seeds["flow-plan.yaml"] = (b'{"planlint": 1, "name": "flow", "model": {"params": 1e9}, '
                               b'"data": {"train_tokens": 2e10, "mix": [{"source": "a", "share": 1}]}}')
    seeds["empty.yaml"] = b""
    seeds["only-comment.yaml"] = b"# nothing here\n"
    seeds["only-document-markers.yaml"] = b"---\n...\n"
    seeds["top-level-list.yaml"] = b"- planlint: 1\n- name: x\n"
    seeds["top-level-scalar.yaml"] = b"planlint\n"
    seeds["suppressions.yaml"] = plan.replace(
        b"  train_tokens: 40B", b"  train_tokens: 40B  # planlint: disable=PL101 -- why") + (
        b"# planlint: disable-file=PL201,PL301\n# planlint: disable=\n# planlint: disable=NOPE999\n"
        b"# planlint: disable=PL101,,\n")

    # numbers
    seeds["huge-ints.yaml"] = plan.replace(b"params: 1.3B", b"params: " + b"9" * 400).replace(
        b"train_tokens: 40B", b"train_tokens: 1" + b"0" * 5000).replace(b"batch_size: 8", b"batch_size: " + b"7" * 30)
    seeds["huge-floats.yaml"] = plan.replace(b"params: 1.3B", b"params: 1e308").replace(
        b"train_tokens: 40B", b"train_tokens: 1e309").replace(b"flops: 3e21", b"flops: 1.7976931348623157e308")
    seeds["tiny-floats.yaml"] = plan.replace(b"params: 1.3B", b"params: 5e-324").replace(
        b"train_tokens: 40B", b"train_tokens: 1e-400")
    seeds["nan-inf.yaml"] = plan.replace(b"params: 1.3B", b"params: .nan").replace(
        b"train_tokens: 40B", b"train_tokens: .inf").replace(b"flops: 3e21", b"flops: -.inf").replace(
        b"usd_per_gpu_hour: 1.00", b"usd_per_gpu_hour: .NaN")
    seeds["negative.yaml"] = plan.replace(b"params: 1.3B", b"params: -1.3B").replace(
        b"train_tokens: 40B", b"train_tokens: -40B").replace(b"gpu_hours: 8000", b"gpu_hours: -8000").replace(
        b"batch_size: 8", b"batch_size: -8").replace(b"share: 55%", b"share: -55%")
    seeds["zeros.yaml"] = plan.replace(b"params: 1.3B", b"params: 0").replace(
        b"train_tokens: 40B", b"train_tokens: 0").replace(
        b"flops: 3e21", b"flops: 0").replace(b"batch_size: 8", b"batch_size: 0").replace(b"layers: 24", b"layers: 0")
    seeds["odd-number-forms.yaml"] = plan.replace(b"params: 1.3B", b"params: 0x1F_FFFF").replace(
        b"train_tokens: 40B", b"train_tokens: 1_0:00:00").replace(b"flops: 3e21", b"flops: 0o777").replace(
        b"gpu_hours: 8000", b"gpu_hours: 0b1010").replace(b"share: 55%", b"share: 55.%").replace(
        b"usd_per_gpu_hour: 1.00", b"usd_per_gpu_hour: $1e3").replace(b"layers: 24", b"layers: 24.0")
    seeds["quantity-garbage.yaml"] = plan.replace(b"params: 1.3B", b"params: 1.3BB").replace(
        b"train_tokens: 40B", b"train_tokens: B40").replace(b"share: 55%", b"share: 55%%").replace(
        b"flops: 3e21", b"flops: 3e21e").replace(b"gpu_hours: 8000", b"gpu_hours: 8,000")
    seeds["bools-and-nulls.yaml"] = plan.replace(b"params: 1.3B", b"params: yes").replace(
        b"train_tokens: 40B", b"train_tokens: ~").replace(b"flops: 3e21", b"flops: null").replace(
        b"name: seed", b"name: no")
    seeds["moe.yaml"] = plan.replace(b"  params: 1.3B\n", b"  params: 47B\n  active_params: 13B\n")

    # sizes
    mix = b"".join(b"    - {source: s%d, share: 0.0001}\n" % i for i in range(10_000))
    seeds["big-mix.yaml"] = plan.replace(b"  mix:\n", b"  mix:\n" + mix)
    seeds["long-line.yaml"] = plan.replace(b"name: seed", b"name: " + b"x" * 200_000)
    seeds["many-lines.yaml"] = plan + b"#\n" * 100_000
    filler = b"# " + b"padding " * 12 + b"\n"
    seeds["over-size-limit.yaml"] = plan + filler * (1_048_576 // len(filler) + 100)  # just over 1 MiB
    return seeds


def real_plans() -> dict[str, bytes]:
    seeds = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.yaml"))):
        with open(path, "rb") as handle:
            seeds["example-" + os.path.basename(path)] = handle.read()
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        for case in data["cases"]:
            slug = re.sub(r"[^A-Za-z0-9_-]+", "-", case["name"])
            seeds[f"case-{data['rule']}-{slug}.yaml"] = case["plan"].encode("utf-8")
    return seeds


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    seeds = {**real_plans(), **hostile()}
    for name in os.listdir(OUT):
        if name not in seeds:
            os.remove(os.path.join(OUT, name))
    for name, raw in seeds.items():
        with open(os.path.join(OUT, name), "wb") as handle:
            handle.write(raw)
    print(f"wrote {len(seeds)} seeds to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
