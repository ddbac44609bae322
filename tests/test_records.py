"""planlint.records: every value type in planlint behaves as the dataclass it stands for.

Each record class is rebuilt from its fields with ``dataclasses.make_dataclass`` (the
twin: generated methods, same fields, same arguments) and the two are driven alike: the
signature, construction by keyword and by position and each way it can fail, what the
instance holds and in which order, repr, equality, hash, frozenness and the class's
dataclass parameters. A difference fails with the class and the call that showed it.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import pytest

import planlint
from planlint import records
from planlint.records import record

_SHARED = {records._init, records._repr, records._eq, records._hash, records._frozen_setattr,
           records._frozen_delattr}
_GENERATED = {"__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__match_args__",
              "__dataclass_fields__", "__dataclass_params__", "__record__", "__signature__", "__dict__",
              "__weakref__"}


def _all_modules():
    names = ["planlint"]
    for info in pkgutil.walk_packages(planlint.__path__, "planlint."):
        names.append(info.name)
    return [importlib.import_module(name) for name in names if not name.endswith("__main__")]


def _classes_with_fields():
    seen = {}
    for module in _all_modules():
        for value in vars(module).values():
            if isinstance(value, type) and "__dataclass_fields__" in value.__dict__ and value.__module__.startswith(
                    "planlint"):
                seen[f"{value.__module__}.{value.__qualname__}"] = value
    return seen


CLASSES = _classes_with_fields()


def test_every_dataclass_in_planlint_is_a_record():
    """A plain ``@dataclass`` compiles its methods when its module is imported: on the check path
    that is start-up time (see planlint/records.py). Use ``planlint.records.record``."""
    assert len(CLASSES) > 40
    assert [name for name, cls in CLASSES.items() if "__record__" not in cls.__dict__] == []


def _twin(cls: type) -> type:
    """The class as ``@dataclass`` with the same arguments makes it."""
    fields = []
    for f in dataclasses.fields(cls):
        options = dict(init=f.init, repr=f.repr, hash=f.hash, compare=f.compare, metadata=f.metadata,
                       kw_only=f.kw_only)
        if f.default is not dataclasses.MISSING:
            options["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            options["default_factory"] = f.default_factory
        fields.append((f.name, f.type, dataclasses.field(**options)))
    names = {f.name for f in dataclasses.fields(cls)}
    namespace = {key: value for key, value in cls.__dict__.items()
                 if key not in _GENERATED and key not in names and not any(value is f for f in _SHARED)}
    for key in ("__init__", "__repr__", "__eq__", "__hash__"):  # methods the class wrote itself stay
        if key in cls.__dict__ and not any(cls.__dict__[key] is f for f in _SHARED) and cls.__dict__[key] is not None:
            namespace[key] = cls.__dict__[key]
    twin = dataclasses.make_dataclass(cls.__name__, fields, namespace=namespace,
                                      frozen=cls.__dataclass_params__.frozen)
    twin.__qualname__ = cls.__qualname__
    for method in ("__init__", "__repr__", "__eq__", "__setattr__", "__delattr__"):
        function = twin.__dict__.get(method)
        if function is not None and hasattr(function, "__qualname__"):
            function.__qualname__ = f"{cls.__qualname__}.{method}"
    return twin


class _Value:
    """A stand-in field value: hashable, equal only to itself, with a readable repr."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<{self.name}>"


def _outcome(call):
    """What a call did: ("ok", value) or (exception type, message)."""
    try:
        return "ok", call()
    except Exception as exc:  # noqa: BLE001 - the point is to compare whatever happens
        return type(exc), str(exc)


def _state(instance) -> list:
    return list(vars(instance).items())


def _same(cls, twin, args=(), kwargs=None, what=""):
    kwargs = kwargs or {}
    ours, theirs = _outcome(lambda: cls(*args, **dict(kwargs))), _outcome(lambda: twin(*args, **dict(kwargs)))
    if ours[0] != "ok" or theirs[0] != "ok":
        assert ours == theirs, f"{cls.__qualname__}: {what}"
        return None
    a, b = ours[1], theirs[1]
    assert _state(a) == _state(b), f"{cls.__qualname__}: {what}: fields set"
    assert repr(a) == repr(b), f"{cls.__qualname__}: {what}: repr"
    return a, b


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_a_record_behaves_as_its_dataclass_twin(name):
    cls = CLASSES[name]
    twin = _twin(cls)
    assert str(inspect.signature(cls)) == str(inspect.signature(twin))
    for flag in ("init", "repr", "eq", "order", "unsafe_hash", "frozen"):
        assert getattr(cls.__dataclass_params__, flag) == getattr(twin.__dataclass_params__, flag), flag
    assert cls.__match_args__ == twin.__match_args__
    assert (cls.__hash__ is None) == (twin.__hash__ is None)

    fields = [f for f in dataclasses.fields(cls) if f.init]
    required = [f for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    positional = [f for f in fields if not f.kw_only]
    given = {f.name: _Value(f.name) for f in required}
    everything = {f.name: _Value(f.name) for f in fields}

    built = _same(cls, twin, kwargs=given, what="required fields only")
    _same(cls, twin, kwargs=everything, what="every field")
    _same(cls, twin, kwargs={**given, "not_a_field": 1}, what="an unexpected keyword")
    for f in required:
        _same(cls, twin, kwargs={k: v for k, v in given.items() if k != f.name}, what=f"without {f.name}")
    _same(cls, twin, args=tuple(everything[f.name] for f in positional),
          kwargs={f.name: everything[f.name] for f in fields if f.kw_only}, what="positionally")
    _same(cls, twin, args=tuple(everything[f.name] for f in positional) + (1,),
          kwargs={f.name: everything[f.name] for f in fields if f.kw_only}, what="one positional too many")
    if positional:
        first = positional[0].name
        _same(cls, twin, args=(everything[first],), kwargs={**given, first: everything[first]},
              what="a positional field given twice")
    if built is None:  # __post_init__ refuses stand-in values, alike in both (checked above)
        return
    a, b = built
    again = cls(**given)
    assert (a == again) == (b == twin(**given))
    assert (a == b) is False and (a != b) is True  # different classes are never equal, as with dataclasses
    assert _outcome(lambda: hash(a)) == _outcome(lambda: hash(b))
    assert _outcome(lambda: hash(a)) == _outcome(lambda: hash(again))
    field_name = fields[0].name if fields else "anything"

    def frozenness(instance):
        return (_outcome(lambda: setattr(instance, field_name, _Value("changed")))[0],
                _outcome(lambda: delattr(instance, field_name))[0],
                _outcome(lambda: setattr(instance, "not_a_field", 1))[0])

    assert frozenness(a) == frozenness(b), f"{name}: frozenness"


# -- the features planlint's classes do not all use, on classes made for the purpose ------------

def _pair(body: str, **arguments):
    """The same class body as a record and as a dataclass."""
    namespace = {"dataclasses": dataclasses, "field": dataclasses.field, "__name__": __name__}
    exec(f"class Sample:\n{body}", namespace)  # noqa: S102 - test input written here
    ours = record(**arguments)(namespace["Sample"])
    namespace = {"dataclasses": dataclasses, "field": dataclasses.field, "__name__": __name__}
    exec(f"class Sample:\n{body}", namespace)  # noqa: S102
    theirs = dataclasses.dataclass(**arguments)(namespace["Sample"])
    return ours, theirs


BODIES = {
    "defaults and factories": "    a: int\n    b: int = 2\n    c: list = field(default_factory=list)\n",
    "not in init": "    a: int\n    b: int = field(default=5, init=False)\n    c: list = field(default_factory=list, init=False)\n",
    "not shown, not compared": "    a: int\n    b: int = field(default=0, repr=False, compare=False)\n",
    "hashed apart from compared": "    a: int\n    b: int = field(default=0, hash=False)\n",
    "post init": "    a: int\n    def __post_init__(self):\n        if self.a < 0:\n            raise ValueError('negative')\n",
    "own repr and eq": "    a: int\n    def __repr__(self):\n        return 'mine'\n    def __eq__(self, other):\n        return True\n",
    "own hash": "    a: int\n    def __hash__(self):\n        return 7\n",
    "keyword-only field": "    a: int\n    b: int = field(default=1, kw_only=True)\n    c: int = field(kw_only=True, default=3)\n",
    "class variable": "    a: int\n    limit: dataclasses.ClassVar[int] = 3\n",
}


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("kw_only", [False, True])
@pytest.mark.parametrize("body", sorted(BODIES))
def test_record_features_behave_as_dataclasses(body, frozen, kw_only):
    ours, theirs = _pair(BODIES[body], frozen=frozen, kw_only=kw_only)
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    calls = [((), {"a": 1}), ((), {"a": 1, "b": 2}), ((1,), {}), ((1, 2), {}), ((1, 2, 3, 4), {}),
             ((), {}), ((1,), {"a": 1}), ((), {"a": 1, "zz": 2}), ((), {"a": -1}), ((1, 2, 3, 4), {"c": 3}),
             ((), {"a": 1, "b": 2, "c": 3})]
    for args, kwargs in calls:
        a, b = _outcome(lambda: ours(*args, **kwargs)), _outcome(lambda: theirs(*args, **kwargs))
        assert a[0] == b[0], (body, args, kwargs, a, b)
        if a[0] != "ok":
            assert a[1] == b[1], (body, args, kwargs)
            continue
        x, y = a[1], b[1]
        assert _state(x) == _state(y) and repr(x) == repr(y)
        assert (x == ours(*args, **kwargs)) == (y == theirs(*args, **kwargs))
        assert (ours.__hash__ is None) == (theirs.__hash__ is None)
        assert _outcome(lambda: hash(x)) == _outcome(lambda: hash(y))
        assert _outcome(lambda: setattr(x, "a", 9))[0] == _outcome(lambda: setattr(y, "a", 9))[0]
        assert _outcome(lambda: setattr(x, "new", 9))[0] == _outcome(lambda: setattr(y, "new", 9))[0]
        assert _outcome(lambda: delattr(x, "a"))[0] == _outcome(lambda: delattr(y, "a"))[0]
    for flag in ("init", "repr", "eq", "frozen"):
        assert getattr(ours.__dataclass_params__, flag) == getattr(theirs.__dataclass_params__, flag)
    assert ours.__match_args__ == theirs.__match_args__


def test_record_helpers_of_dataclasses_work():
    ours, theirs = _pair(BODIES["defaults and factories"], frozen=True)
    x, y = ours(1), theirs(1)
    assert dataclasses.is_dataclass(x) and dataclasses.asdict(x) == dataclasses.asdict(y)
    assert dataclasses.replace(x, b=5) == ours(1, 5)
    assert dataclasses.astuple(x) == dataclasses.astuple(y)


def test_a_recursive_value_repr_stops_as_dataclasses_does():
    ours, theirs = _pair("    a: object = None\n")
    x, y = ours(), theirs()
    x.a, y.a = [x], [y]
    assert repr(x) == repr(y) == "Sample(a=[...])"


@pytest.mark.parametrize("body, message", [
    ("    a: int = 1\n    b: int\n", "non-default argument 'b' follows default argument"),
    ("    a: dataclasses.InitVar[int]\n", "record Sample declares InitVar 'a': records take fields only"),
    ("    a: list = []\n", "mutable default <class 'list'> for field a is not allowed: use default_factory"),
])
def test_a_record_refuses_what_it_cannot_be(body, message):
    namespace = {"dataclasses": dataclasses, "field": dataclasses.field, "__name__": __name__}
    exec(f"class Sample:\n{body}", namespace)  # noqa: S102
    with pytest.raises((TypeError, ValueError)) as caught:
        record(namespace["Sample"])
    assert str(caught.value) == message


def test_a_record_does_not_inherit_from_a_dataclass():
    @dataclasses.dataclass
    class Base:
        a: int = 0

    with pytest.raises(TypeError, match="inherits from a dataclass"):
        @record
        class Child(Base):
            b: int = 1


def test_a_frozen_record_refuses_its_own_setattr():
    with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__ in class Sample"):
        _pair("    a: int\n    def __setattr__(self, name, value):\n        pass\n", frozen=True)


def test_record_takes_only_the_arguments_it_implements():
    with pytest.raises(TypeError):
        record(order=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        record(slots=True)  # type: ignore[call-arg]


def test_an_undocumented_record_gets_the_docstring_dataclasses_writes():
    ours, theirs = _pair(BODIES["defaults and factories"], frozen=True)
    assert ours.__doc__ == theirs.__doc__ == "Sample(a: 'int', b: 'int' = 2, c: 'list' = <factory>)"
