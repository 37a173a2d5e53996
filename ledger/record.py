"""Immutable records that are cheap to define: ``class Unit(Record): room: str …``.

A frozen :func:`dataclasses.dataclass` writes its methods (``__init__``, ``__repr__``,
``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``) with ``exec`` when its module is
imported, and ``slots=True`` builds the class twice: for the 34 registers of
:mod:`ledger.community` that was ~13 ms of every load, paid before the first entry is read
(docs/performance.md, "Rules overhead"). A :class:`Record` is declared the same way
(annotations, defaults, :func:`field`) and behaves the same:

* ``__slots__`` from the annotations; frozen unless declared ``class X(Record, frozen=False)``
  (assignment raises :class:`dataclasses.FrozenInstanceError`);
* ``X(a, b)`` or ``X(a=…, b=…)``, defaults and ``field(default_factory=…)``;
* equality between instances of the same class on the compared fields (``field(compare=False)``
  leaves one out of equality, hash and, with ``repr=False``, of ``repr``); frozen records hash
  on them, mutable ones are unhashable;
* ``repr`` as a dataclass's, ``copy`` and ``pickle``.

The shared methods live on :class:`Record`; only ``__init__`` is generated, once per class, when
its first instance is made (a ledger without objections never compiles ``Objection.__init__``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, ClassVar, dataclass_transform

__all__ = ["Record", "field"]

_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "MISSING"})()


class _Field:
    __slots__ = ("compare", "default", "factory", "repr")

    def __init__(
        self, default: Any, factory: Callable[[], Any] | None, compare: bool, repr: bool
    ) -> None:
        self.default, self.factory, self.compare, self.repr = default, factory, compare, repr


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field's default (or factory) and whether it is compared (equality, hash) and shown."""
    return _Field(default, default_factory, compare, repr)


def _no_key(record: Any) -> tuple[()]:
    return ()


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class _RecordType(type):
    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], frozen: bool = True
    ) -> _RecordType:
        names = [
            n
            for n, kind in namespace.get("__annotations__", {}).items()
            if not str(kind).startswith(("ClassVar", "typing.ClassVar"))
        ]
        specs = {}
        for n in names:  # a class attribute of a slot's name is not allowed: take it out
            value = namespace.pop(n, _MISSING)
            specs[n] = value if isinstance(value, _Field) else _Field(value, None, True, True)
        seen_default = False
        for n in names:
            has_default = specs[n].default is not _MISSING or specs[n].factory is not None
            if seen_default and not has_default:
                raise TypeError(f"{name}: field {n!r} without a default follows one with a default")
            seen_default = seen_default or has_default
        namespace["__slots__"] = tuple(names)
        namespace["__match_args__"] = tuple(names)
        if names:
            compared = [n for n in names if specs[n].compare]
            namespace["_fields"] = tuple(names)
            namespace["_specs"] = specs
            namespace["_shown"] = tuple(n for n in names if specs[n].repr)
            namespace["_frozen"] = frozen
            namespace["_key"] = attrgetter(*compared) if compared else _no_key
            if not frozen:
                namespace["__hash__"] = None  # mutable and compared: unhashable, as a dataclass
        return super().__new__(mcs, name, bases, namespace)


def _make_init(cls: Any) -> Callable[..., None]:
    """The class's ``__init__``, written once: positional or keyword, defaults, no checks."""
    params, body = [], []
    scope: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": _MISSING}
    for n in cls._fields:
        spec = cls._specs[n]
        if spec.factory is not None:
            scope[f"_factory_{n}"] = spec.factory
            params.append(f"{n}=_MISSING")
            body.append(f"    if {n} is _MISSING:\n        {n} = _factory_{n}()")
        elif spec.default is not _MISSING:
            scope[f"_default_{n}"] = spec.default
            params.append(f"{n}=_default_{n}")
        else:
            params.append(n)
        body.append(f"    _set(self, {n!r}, {n})" if cls._frozen else f"    self.{n} = {n}")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body) + "\n"
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


class Record(metaclass=_RecordType):
    """The base of a record class (see the module docstring)."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _specs: ClassVar[dict[str, _Field]] = {}
    _shown: ClassVar[tuple[str, ...]] = ()
    _frozen: ClassVar[bool] = True
    _key: ClassVar[Callable[..., Any]] = _no_key  # the compared fields' values

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        init = _make_init(cls)
        type.__setattr__(cls, "__init__", init)  # from now on, straight to it
        init(self, *args, **kwargs)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self._key(self) == self._key(other))

    def __hash__(self) -> int:
        return hash(self._key(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._shown)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self._frozen:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return type(self), tuple(getattr(self, n) for n in self._fields)
