"""planlint's value types: dataclasses whose methods are shared, not generated per class.

``dataclasses.dataclass`` writes the source of each class's ``__init__``, ``__repr__``,
``__eq__`` and ``__hash__`` (and, when frozen, ``__setattr__`` and ``__delattr__``) and
compiles every one. On CPython 3.11 that is 0.4 to 1 ms a class, and the 48 classes a
one-plan ``check`` defines spent 30 ms of its 150 ms in it: more than the linting. A
``record`` hands the class to ``dataclasses`` for everything but that code (fields,
defaults, ``field()``, ``fields()``, ``replace()``, ``asdict()``, ``is_dataclass()``, the
mutable-default check, ``__match_args__``, pydantic's reading of the class) and gives it
the same few methods every record shares, which read the fields the class declares.

A record behaves as ``@dataclass`` with the same arguments: ``tests/test_records.py``
holds every record in planlint to its dataclass twin (signature, construction and its
errors, repr, equality, hash, frozenness, ``__dataclass_params__``). What ``record`` does
not take (``order``, ``slots``, ``InitVar`` and the rest) it refuses, or the twin test
fails, so nothing is silently half-supported.
"""

from __future__ import annotations

import dataclasses
import sys
from reprlib import recursive_repr

_MISSING = dataclasses.MISSING
_INITVAR = dataclasses._FIELD_INITVAR  # noqa: the kind dataclasses gives an InitVar pseudo-field

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - Python 3.10 has none: there a type checker sees records as plain classes
    def dataclass_transform(**_):
        return lambda function: function


class _Layout:
    """What the shared methods read about one record class, worked out once when it is made."""

    __slots__ = ("owner", "names", "positional", "keyword_only", "accepted", "order", "defaults", "factories",
                 "required", "shown", "compared", "hashed", "post_init", "assign")

    def __init__(self, cls: type, frozen: bool):
        fields = dataclasses.fields(cls)
        self.owner = cls
        self.names = frozenset(f.name for f in fields)
        initialised = [f for f in fields if f.init]
        self.positional = tuple(f.name for f in initialised if not f.kw_only)
        self.keyword_only = tuple(f.name for f in initialised if f.kw_only)
        self.accepted = frozenset(self.positional + self.keyword_only)
        # every field __init__ sets, in the order a dataclass's __init__ sets them (a field outside
        # __init__ with a plain default is left to the class attribute that holds it)
        self.order = tuple(f.name for f in fields if f.init or f.default_factory is not _MISSING)
        self.defaults = {f.name: f.default for f in fields if f.default is not _MISSING}
        self.factories = {f.name: f.default_factory for f in fields if f.default_factory is not _MISSING}
        self.required = tuple(f.name for f in initialised
                              if f.default is _MISSING and f.default_factory is _MISSING)
        self.shown = tuple(f.name for f in fields if f.repr)
        self.compared = tuple(f.name for f in fields if f.compare)
        self.hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        self.post_init = hasattr(cls, "__post_init__")
        self.assign = object.__setattr__ if frozen else setattr
        seen_default = False
        for f in (f for f in initialised if not f.kw_only):  # dataclasses checks this when it writes __init__
            if f.default is not _MISSING or f.default_factory is not _MISSING:
                seen_default = True
            elif seen_default:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")


def _names(kind: str, names: list[str]) -> str:
    """CPython's wording: "missing 2 required positional arguments: 'a' and 'b'"."""
    quoted = [repr(n) for n in names]
    if len(quoted) == 1:
        listed = quoted[0]
    else:
        listed = ", ".join(quoted[:-1]) + (", and " if len(quoted) > 2 else " and ") + quoted[-1]
    return f"{len(names)} required {kind} argument{'s' if len(names) > 1 else ''}: {listed}"


def _too_many(where: str, layout: _Layout, args: int, kwargs: dict) -> str:
    """CPython's wording, ``self`` counted: "takes from 2 to 4 positional arguments but 5 were given"."""
    given, most = args + 1, len(layout.positional) + 1
    least = most - sum(1 for name in layout.positional if name in layout.defaults or name in layout.factories)
    takes, plural = (f"from {least} to {most}", True) if least != most else (str(most), most != 1)
    keyword_only = sum(1 for name in kwargs if name in layout.keyword_only)
    also = (f" positional argument{'s' if given != 1 else ''} (and {keyword_only} keyword-only "
            f"argument{'s' if keyword_only != 1 else ''})") if keyword_only else ""
    verb = "was" if given == 1 and not keyword_only else "were"
    return f"{where} takes {takes} positional argument{'s' if plural else ''} but {given}{also} {verb} given"


def _init(self, *args, **kwargs):
    layout: _Layout = self.__record__
    where = f"{layout.owner.__qualname__}.__init__()"
    if args:
        filled = layout.positional[:len(args)]
        for name in kwargs:  # in the order Python checks a call's keywords
            if name not in layout.accepted:
                raise TypeError(f"{where} got an unexpected keyword argument {name!r}")
            if name in filled:
                raise TypeError(f"{where} got multiple values for argument {name!r}")
        if len(args) > len(layout.positional):
            raise TypeError(_too_many(where, layout, len(args), kwargs))
        kwargs.update(zip(layout.positional, args))
    elif not layout.accepted.issuperset(kwargs):
        unexpected = next(name for name in kwargs if name not in layout.accepted)
        raise TypeError(f"{where} got an unexpected keyword argument {unexpected!r}")
    missing = [name for name in layout.required if name not in kwargs]
    if missing:
        positional = [name for name in missing if name in layout.positional]
        kind, names = ("positional", positional) if positional else ("keyword-only", missing)
        raise TypeError(f"{where} missing {_names(kind, names)}")
    # attribute by attribute, as the generated __init__ does (object.__setattr__ when frozen):
    # writing self.__dict__ would give every instance a dict of its own instead of the values
    # CPython keeps inline, shared-keys, about 100 bytes more each
    assign = layout.assign
    for name in layout.order:
        if name in kwargs:
            assign(self, name, kwargs[name])
        elif name in layout.factories:
            assign(self, name, layout.factories[name]())
        else:
            assign(self, name, layout.defaults[name])
    if layout.post_init:
        self.__post_init__()


@recursive_repr()
def _repr(self) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record__.shown)
    return f"{type(self).__qualname__}({shown})"


def _eq(self, other):
    if other.__class__ is self.__class__:
        names = self.__record__.compared
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)
    return NotImplemented


def _hash(self) -> int:
    return hash(tuple(getattr(self, name) for name in self.__record__.hashed))


def _frozen_setattr(self, name, value):
    layout: _Layout = self.__record__
    if type(self) is layout.owner or name in layout.names:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _frozen_delattr(self, name):
    layout: _Layout = self.__record__
    if type(self) is layout.owner or name in layout.names:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


class _Signature:
    """``inspect.signature(record)``: the one its dataclass twin's ``__init__`` would have, made
    when asked (help(), IDEs), not when the class is."""

    def __get__(self, instance, owner):
        import inspect

        if instance is not None:
            raise AttributeError("__signature__")
        empty = inspect.Parameter.empty
        parameters = []
        for f in dataclasses.fields(owner):
            if not f.init:
                continue
            default = f.default if f.default is not _MISSING else (
                _FACTORY if f.default_factory is not _MISSING else empty)
            kind = inspect.Parameter.KEYWORD_ONLY if f.kw_only else inspect.Parameter.POSITIONAL_OR_KEYWORD
            parameters.append(inspect.Parameter(f.name, kind, default=default, annotation=f.type))
        return inspect.Signature(parameters, return_annotation=None)


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"  # as dataclasses shows a default_factory


_FACTORY = _Factory()
_SIGNATURE = _Signature()
_OWN = {"__init__": _init, "__repr__": _repr, "__eq__": _eq}


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls=None, /, *, frozen: bool = False, kw_only: bool = False):
    """``@record``, ``@record(frozen=True)``, ``@record(kw_only=True)``: ``@dataclass`` with
    those arguments, made without generating code."""

    def wrap(cls):
        if any(dataclasses.is_dataclass(base) for base in cls.__mro__[1:]):
            raise TypeError(f"record {cls.__name__} inherits from a dataclass: records do not (their frozenness "
                            "and fields would be checked against a class dataclasses did not make)")
        for name in ("__setattr__", "__delattr__") if frozen else ():
            if name in cls.__dict__:  # as dataclasses says it
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
        documented = bool(cls.__dict__.get("__doc__"))
        if not documented:  # dataclasses would write one from a signature it cannot see yet
            cls.__doc__ = cls.__name__
        cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, kw_only=kw_only)
        pseudo = cls.__dataclass_fields__.keys() - {f.name for f in dataclasses.fields(cls)}
        initvars = [name for name in pseudo if cls.__dataclass_fields__[name]._field_type is _INITVAR]
        if initvars:
            raise TypeError(f"record {cls.__name__} declares InitVar {initvars[0]!r}: records take fields only")
        cls.__record__ = _Layout(cls, frozen)
        cls.__signature__ = _SIGNATURE
        if not documented:  # as dataclasses writes it: "Point(x: int, y: int = 0)"
            import inspect

            cls.__doc__ = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
        for name, method in _OWN.items():
            if name not in cls.__dict__:  # a method the class writes itself wins, as with dataclasses
                setattr(cls, name, method)
        own_hash = cls.__dict__.get("__hash__", _MISSING)
        explicit_hash = not (own_hash is _MISSING or (own_hash is None and "__eq__" in cls.__dict__))
        if frozen:
            cls.__setattr__ = _frozen_setattr
            cls.__delattr__ = _frozen_delattr
        if not explicit_hash:
            cls.__hash__ = _hash if frozen else None  # as dataclasses: eq without frozen is unhashable
        params = cls.__dataclass_params__  # what the class now is, for readers such as pydantic
        params.init = params.repr = params.eq = True
        params.frozen = frozen
        return cls

    return wrap if cls is None else wrap(cls)
