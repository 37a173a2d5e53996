"""ledger.record: the registers' records behave as the frozen dataclasses they replaced."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import date
from decimal import Decimal

import pytest

from ledger.community import Dated, Governance, Notice, Unit
from ledger.record import Record, field

DAY = date(2025, 1, 1)


def unit(**change: object) -> Unit:
    values: dict[str, object] = {
        "room": "1-1-101",
        "building": "1",
        "area": Decimal("100.00"),
        "owner_id": "O-1",
        "date": DAY,
        "meta": {"filename": "a.beancount", "lineno": 3},
    }
    values.update(change)
    return Unit(**values)  # type: ignore[arg-type]


def test_positional_and_keyword_construction_defaults_and_factories() -> None:
    positional = Unit("1-1-101", "1", Decimal("100.00"), "O-1", DAY, {})
    assert positional == unit() and positional.area == Decimal("100.00")
    notice = Notice("N-1", "AP-1", DAY, {})
    assert (notice.deadline, notice.entry) == (None, None)
    first, second = Governance(), Governance()
    first.stages["R-1"] = []
    assert second.stages == {} and isinstance(second.procedure, Dated)  # one factory call each
    with pytest.raises(TypeError):
        Unit("1-1-101", "1")  # type: ignore[call-arg]


def test_equality_hash_and_repr_leave_out_what_is_not_compared() -> None:
    a, b = unit(), unit(meta={"filename": "other.beancount", "lineno": 9})
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != unit(area=Decimal("99.00")) and a != "1-1-101"
    assert repr(a) == (
        "Unit(room='1-1-101', building='1', area=Decimal('100.00'), owner_id='O-1', "
        "date=datetime.date(2025, 1, 1))"
    )
    assert Notice("N", "A", DAY, {}, None, "entry") == Notice("N", "A", DAY, {"x": 1})


def test_frozen_unless_declared_mutable() -> None:
    record = unit()
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.room = "9-9-999"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del record.room  # type: ignore[misc]
    with pytest.raises(AttributeError):
        record.extra = 1  # type: ignore[attr-defined]  # slots: no other attribute
    governance = Governance()
    governance.carried_surplus = {"2024": Decimal(1)}
    with pytest.raises(TypeError):
        hash(governance)  # mutable and compared: unhashable


def test_copy_and_pickle() -> None:
    record = unit()
    for again in (copy.copy(record), copy.deepcopy(record), pickle.loads(pickle.dumps(record))):
        assert again == record and again.meta == record.meta and type(again) is Unit


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default"):

        class Bad(Record):
            a: int = field(default=1)
            b: int  # type: ignore[misc]
