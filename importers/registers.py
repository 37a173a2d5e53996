"""Registers the committee keeps in a spreadsheet: approvals, resolutions, votes, notices,
emergencies and units.

Each register is a CSV (UTF-8 or GB18030) or XLSX table whose header row is found by its
column names (Chinese, or the English alias; case, spaces and full-width brackets do not
matter; extra columns are ignored). Each row becomes one ``tf-*`` directive (DESIGN.md §3)
dated by the row's date and pointing back at ``file:row``. Templates of every register are in
``tests/data/sources/registers/``.

Approval register (审批登记), one row per sign-off → ``custom "tf-approval" id role name amount``

    ==========  ===============================  ==============================================
    column      English alias                    value
    ==========  ===============================  ==============================================
    审批编号    id, approval                     ``AP-2025-031``
    角色        role                             committee / 业委会, manager / 物业,
                                                 supervisor / 监事会 (监督)
    签批人      name, signer                     the person who signed
    日期        date                             ``2025-03-03``, ``2025/3/3``, an Excel date
    金额        amount                           approved amount (``1,200.00``, ``¥1200``)
    币种        currency (optional)              default CNY
    事由        purpose (optional)               kept as ``purpose:`` metadata
    ==========  ===============================  ==============================================

Resolution register (决议登记) → ``custom "tf-resolution" id matter title scope`` (+ ``tf-close``)

    ==========  ===============================  ==============================================
    决议编号    id, resolution                   ``R-2025-01``
    事项        matter                           use-maintenance-fund / 使用维修资金,
                                                 raise-maintenance-fund / 筹集维修资金,
                                                 rebuild / 改建重建, change-use / 改变用途,
                                                 or any other matter name (kept as written)
    标题        title                            ``3号楼电梯更换``
    范围        scope (optional)                 buildings ``3`` or ``1,2`` (、，; accepted);
                                                 empty = the whole community
    日期        date                             the day the vote opens
    截止日期    close (optional)                 the day the vote closes → ``tf-close``
    ==========  ===============================  ==============================================

Vote register (表决登记), one row per unit → ``custom "tf-vote" resolution unit choice``

    ==========  ===============================  ==============================================
    决议编号    resolution                       ``R-2025-01``
    房号        unit, room                       ``3-1-101``
    表决意见    choice, vote                     yes / 同意 / 赞成, no / 反对 / 不同意,
                                                 abstain / 弃权
    日期        date                             the day the vote was cast
    ==========  ===============================  ==============================================

    An owner's name column, if present, is ignored: the ledger keys votes by unit.

Unit register (房屋登记) → ``custom "tf-unit" room area owner`` (+ ``tf-owner`` with a name)

    ==========  ===============================  ==============================================
    房号        room, unit                       ``3-1-101`` (building-entrance-room)
    面积        area                             m², positive (``89.50``)
    业主编号    owner                            ``O-0001``
    业主        owner_name (optional)            → ``custom "tf-owner" id name``
    日期        date                             from when the line holds
    ==========  ===============================  ==============================================

Notice register (公示登记) → ``custom "tf-notice" id approval``

    ==========  ===============================  ==============================================
    公示编号    id, notice                       ``N-2025-004``
    审批编号    approval                         the approval the notice announces
    公示日期    date                             the day the notice was posted (日期 too)
    ==========  ===============================  ==============================================

Emergency register (应急登记) → ``custom "tf-emergency" id hazard confirmation``

    ==========  ===============================  ==============================================
    应急编号    id, emergency                    ``E-2025-01``
    险情类型    hazard                           a type from the ``tf-hazard`` list
                                                 (``elevator-fault``)
    确认        confirmation                     the authority's confirmation (街道办确认函 …)
    日期        date                             the day of the emergency
    ==========  ===============================  ==============================================

De-duplication is by natural key (``serial:`` on each directive): approval id + role + date,
resolution id, close of a resolution, resolution + unit for a vote, notice id, emergency id,
room + date, owner + date.
Re-importing a register adds only its new rows. A row with an empty required cell, a date or
amount that does not parse, an unknown role or choice, or an id that Excel turned into
scientific notation (``4.00123E+27``) stops the file with ``file:row: column: reason``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from beancount.core import amount as bc_amount
from beancount.core import data
from beancount.parser.grammar import ValueType

from importers.base import SERIAL_KEY, Item, SourceImporter, entry_items
from importers.payapps import clean_serial, locate_header, sniff_table
from importers.payapps import labels as _n
from importers.readers import (
    Header,
    Sheet,
    cell_text,
    parse_amount,
    parse_date,
    read_table,
)
from importers.records import RowError, SourceError, Statement

_IDENTIFY_ROWS = 30
ROOM_RE = re.compile(r"^\d+-\d+-[0-9A-Za-z]+$")
ROLES = {
    "committee": "committee", "业委会": "committee", "业主委员会": "committee", "委员会": "committee",
    "manager": "manager", "物业": "manager", "物业公司": "manager", "物业服务企业": "manager", "管理人": "manager",
    "supervisor": "supervisor", "监事会": "supervisor", "监督": "supervisor", "监事": "supervisor",
}  # fmt: skip
CHOICES = {
    "yes": "yes", "同意": "yes", "赞成": "yes", "y": "yes",
    "no": "no", "反对": "no", "不同意": "no", "n": "no",
    "abstain": "abstain", "弃权": "abstain",
}  # fmt: skip
MATTERS = {
    "使用维修资金": "use-maintenance-fund", "使用专项维修资金": "use-maintenance-fund", "维修资金使用": "use-maintenance-fund",
    "筹集维修资金": "raise-maintenance-fund", "筹集专项维修资金": "raise-maintenance-fund", "续筹维修资金": "raise-maintenance-fund",
    "改建重建": "rebuild", "重建": "rebuild", "改建、重建建筑物": "rebuild",
    "改变用途": "change-use", "改变共有部分用途": "change-use", "经营共有部分": "change-use",
}  # fmt: skip


def custom_entry(
    filepath: str, row: int, day: date, name: str, values: Sequence[Any], serial: str, **meta: str
) -> data.Custom:
    """A ``custom`` directive as the parser would make it, pointing at ``filepath:row``."""
    entry_meta = data.new_metadata(filepath, row)
    entry_meta[SERIAL_KEY] = serial
    entry_meta.update({key: value for key, value in meta.items() if value})
    typed = [ValueType(value, type(value)) for value in values]
    return data.Custom(entry_meta, day, name, typed)


def owner_entry(filepath: str, row: int, day: date, owner: str, name: str) -> data.Custom:
    """``tf-owner``, keyed by owner and day (a re-import adds it once)."""
    return custom_entry(filepath, row, day, "tf-owner", (owner, name), f"owner:{owner}:{day}")


def unit_entry(
    filepath: str, row: int, day: date, room: str, area: Decimal, owner: str
) -> data.Custom:
    """``tf-unit``, keyed by room and day (a re-import adds it once)."""
    return custom_entry(filepath, row, day, "tf-unit", (room, area, owner), f"unit:{room}:{day}")


class BadCell(Exception):
    """A cell a parser rejects: the field (column) and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


_Bad = BadCell


@dataclass
class RegisterStatement(Statement):
    """A register read: ``records`` holds each good row's (row number, parsed fields)."""

    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def parse_records(
    header: Header, statement: RegisterStatement, parse: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    """``parse`` every non-empty data row (its mapped cells, field → cell) into
    ``statement.records``; a row it rejects (:class:`_Bad`) or that did not decode becomes a
    :class:`RowError` naming the row and the column."""
    for row in header.data_rows():
        cells = list(row.cells)
        values = {
            name: cells[col] if col < len(cells) else None for name, col in header.columns.items()
        }
        if not any(cell_text(v) for v in values.values()) and not row.error:
            continue
        statement.rows_read += 1
        texts = tuple(cell_text(c) for c in cells)
        if row.error:
            statement.errors.append(
                RowError(
                    statement.file,
                    row.number,
                    header.label(next(iter(header.columns))),
                    row.error,
                    texts,
                )
            )
            continue
        try:
            statement.records.append((row.number, parse(values)))
        except _Bad as bad:
            statement.errors.append(
                RowError(statement.file, row.number, header.label(bad.field), bad.reason, texts)
            )


class RegisterImporter(SourceImporter):
    """A table of records (not money): each row is parsed into directives by :meth:`row_entries`."""

    aliases: ClassVar[dict[str, tuple[str, ...]]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    #: fields that must be present in the header for ``identify`` (a subset of ``required``)
    signature: ClassVar[tuple[str, ...]] = ()

    def _locate(self, sheets: Sequence[Sheet]) -> Header | None:
        return locate_header(sheets, self.aliases, self.signature)

    def identify(self, filepath: str) -> bool:
        return sniff_table(filepath, self.aliases, self.signature, rows=_IDENTIFY_ROWS)

    moves_money = False

    def account(self, filepath: str) -> data.Account:
        return "Equity:Registers"  # not used: registers post nothing

    def items(self, statement: Statement, account: str, filepath: str) -> list[Item]:
        """One item per register row, keyed by its directives' natural keys."""
        return entry_items(self.build(statement, filepath))

    def read(self, filepath: str) -> Statement:
        """Check and parse every row (``records``); ``rows`` stays empty: a register moves no money."""
        header = self._locate(read_table(filepath))
        if header is None:
            raise SourceError(filepath, f"no {self.importer_name} header ({self.needs})")
        missing = [name for name in self.required if name not in header.columns]
        if missing:
            raise SourceError(
                filepath,
                "missing column(s): " + ", ".join(self.aliases[m][0] for m in missing),
                row=header.row_number,
            )
        statement = RegisterStatement(file=filepath, kind=self.importer_name, rows=[])
        parse_records(header, statement, self.parse_row)
        return statement

    def parse_row(self, values: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def build(self, statement: Statement, filepath: str) -> list[data.Directive]:
        """Every directive of the register (no de-duplication)."""
        entries: list[data.Directive] = []
        for number, parsed in getattr(statement, "records", []):
            entries.extend(self.row_entries(number, parsed["date"], parsed, filepath))
        return entries

    def row_entries(
        self, row: int, day: date, x: dict[str, Any], filepath: str
    ) -> list[data.Directive]:
        """The directives of one parsed row."""
        raise NotImplementedError

    # -- cell parsers (raise _Bad with the field name) --------------------------------------
    @staticmethod
    def text(values: dict[str, Any], name: str, required: bool = True) -> str:
        text = cell_text(values.get(name))
        if required and not text:
            raise _Bad(name, "missing")
        return text

    @staticmethod
    def ident(values: dict[str, Any], name: str, required: bool = True) -> str:
        try:
            text = clean_serial(values.get(name))
        except ValueError as exc:
            raise _Bad(name, str(exc)) from None
        if required and not text:
            raise _Bad(name, "missing")
        if '"' in text or "\\" in text:
            raise _Bad(name, f"an id cannot contain quotes or backslashes: {text!r}")
        return text

    @staticmethod
    def day(values: dict[str, Any], name: str = "date") -> date:
        try:
            return parse_date(values.get(name))
        except ValueError as exc:
            raise _Bad(name, str(exc)) from None

    @staticmethod
    def money(values: dict[str, Any], name: str) -> Decimal:
        try:
            number = parse_amount(values.get(name))
        except ValueError as exc:
            raise _Bad(name, str(exc)) from None
        if number is None:
            raise _Bad(name, "missing")
        return number

    @staticmethod
    def room(values: dict[str, Any], name: str) -> str:
        room = RegisterImporter.ident(values, name)
        if not ROOM_RE.match(room):
            raise _Bad(name, f"not a room id building-entrance-room (3-1-101): {room!r}")
        return room


# --------------------------------------------------------------------------------------------


class ApprovalRegisterImporter(RegisterImporter):
    """审批登记: one sign-off per row → ``tf-approval``."""

    importer_name = "approval-register"
    needs = "header row with 审批编号 (id), 角色 (role), 签批人 (name), 日期 (date), 金额 (amount)"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "id": _n("审批编号", "审批单号", "approval", "id", "approval_id"),
        "role": _n("角色", "签批角色", "role"),
        "name": _n("签批人", "姓名", "name", "signer"),
        "date": _n("日期", "签批日期", "date"),
        "amount": _n("金额", "批准金额", "amount"),
        "currency": _n("币种", "currency"),
        "purpose": _n("事由", "用途", "purpose", "memo"),
    }
    required: ClassVar[tuple[str, ...]] = ("id", "role", "name", "date", "amount")
    signature: ClassVar[tuple[str, ...]] = ("id", "role", "amount")

    def parse_row(self, values: dict[str, Any]) -> dict[str, Any]:
        approval = self.ident(values, "id")
        raw_role = self.text(values, "role")
        role = ROLES.get(raw_role.lower())
        if role is None:
            raise _Bad(
                "role", f"{raw_role!r} is not committee/业委会, manager/物业 or supervisor/监事会"
            )
        name = self.text(values, "name")
        day = self.day(values)
        amount = self.money(values, "amount")
        if amount <= 0:
            raise _Bad("amount", f"an approved amount must be positive, not {amount}")
        currency = (self.text(values, "currency", required=False) or "CNY").upper()
        currency = {"人民币": "CNY", "RMB": "CNY", "元": "CNY"}.get(currency, currency)
        if not re.fullmatch(r"[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]", currency):
            raise _Bad("currency", f"not a currency code: {currency!r}")
        purpose = self.text(values, "purpose", required=False)
        return {
            "date": day,
            "id": approval,
            "role": role,
            "name": name,
            "amount": amount,
            "currency": currency,
            "purpose": purpose,
        }

    def row_entries(
        self, row: int, day: date, x: dict[str, Any], filepath: str
    ) -> list[data.Directive]:
        units = bc_amount.Amount(x["amount"], x["currency"])
        serial = f"approval:{x['id']}:{x['role']}:{day}"
        return [
            custom_entry(
                filepath,
                row,
                day,
                "tf-approval",
                (x["id"], x["role"], x["name"], units),
                serial,
                purpose=x["purpose"],
            )
        ]


class ResolutionRegisterImporter(RegisterImporter):
    """决议登记: one resolution per row → ``tf-resolution`` and, with a close date, ``tf-close``."""

    importer_name = "resolution-register"
    needs = "header row with 决议编号 (id), 事项 (matter), 标题 (title), 日期 (date)"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "id": _n("决议编号", "id", "resolution"),
        "matter": _n("事项", "表决事项", "matter"),
        "title": _n("标题", "名称", "title"),
        "scope": _n("范围", "列支范围", "楼栋", "scope", "buildings"),
        "date": _n("日期", "开始日期", "date", "open"),
        "close": _n("截止日期", "结束日期", "close", "closed"),
    }
    required: ClassVar[tuple[str, ...]] = ("id", "matter", "title", "date")
    signature: ClassVar[tuple[str, ...]] = ("id", "matter", "title")

    def parse_row(self, values: dict[str, Any]) -> dict[str, Any]:
        resolution = self.ident(values, "id")
        raw_matter = self.text(values, "matter")
        matter = MATTERS.get(raw_matter, raw_matter)
        if not re.fullmatch(r"[a-z][a-z0-9-]*", matter):
            known = ", ".join(sorted(set(MATTERS.values())))
            raise _Bad(
                "matter",
                f"{raw_matter!r} is not a known matter ({known}) nor an English matter name",
            )
        title = self.text(values, "title")
        scope_raw = self.text(values, "scope", required=False)
        buildings = [b for b in re.split(r"[,，、;；\s]+", scope_raw) if b]
        for building in buildings:
            if not re.fullmatch(r"[0-9A-Za-z]+", building):
                raise _Bad(
                    "scope", f"buildings must be numbers separated by commas, not {scope_raw!r}"
                )
        day = self.day(values)
        close = None
        if cell_text(values.get("close")):
            close = self.day(values, "close")
            if close < day:
                raise _Bad("close", f"closes {close} before it opens {day}")
        return {
            "date": day,
            "id": resolution,
            "matter": matter,
            "title": title,
            "scope": ",".join(buildings),
            "close": close,
        }

    def row_entries(
        self, row: int, day: date, x: dict[str, Any], filepath: str
    ) -> list[data.Directive]:
        out: list[data.Directive] = [
            custom_entry(
                filepath,
                row,
                day,
                "tf-resolution",
                (x["id"], x["matter"], x["title"], x["scope"]),
                f"resolution:{x['id']}",
            )
        ]
        if x["close"] is not None:
            out.append(
                custom_entry(filepath, row, x["close"], "tf-close", (x["id"],), f"close:{x['id']}")
            )
        return out


class VoteRegisterImporter(RegisterImporter):
    """表决登记: one unit's vote per row → ``tf-vote``."""

    importer_name = "vote-register"
    needs = "header row with 决议编号 (resolution), 房号 (unit), 表决意见 (choice), 日期 (date)"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "resolution": _n("决议编号", "resolution"),
        "unit": _n("房号", "房屋", "unit", "room"),
        "choice": _n("表决意见", "意见", "choice", "vote"),
        "date": _n("日期", "表决日期", "date"),
    }
    required: ClassVar[tuple[str, ...]] = ("resolution", "unit", "choice", "date")
    signature: ClassVar[tuple[str, ...]] = ("resolution", "unit", "choice")

    def parse_row(self, values: dict[str, Any]) -> dict[str, Any]:
        resolution = self.ident(values, "resolution")
        unit = self.room(values, "unit")
        raw_choice = self.text(values, "choice")
        choice = CHOICES.get(raw_choice.lower())
        if choice is None:
            raise _Bad("choice", f"{raw_choice!r} is not yes/同意, no/反对 or abstain/弃权")
        return {"date": self.day(values), "resolution": resolution, "unit": unit, "choice": choice}

    def row_entries(
        self, row: int, day: date, x: dict[str, Any], filepath: str
    ) -> list[data.Directive]:
        serial = f"vote:{x['resolution']}:{x['unit']}"
        return [
            custom_entry(
                filepath, row, day, "tf-vote", (x["resolution"], x["unit"], x["choice"]), serial
            )
        ]


class NoticeRegisterImporter(RegisterImporter):
    """公示登记: a public notice of a large payment per row → ``tf-notice``."""

    importer_name = "notice-register"
    needs = "header row with 公示编号 (id), 审批编号 (approval), 日期 (date)"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "id": _n("公示编号", "notice", "id"),
        "approval": _n("审批编号", "approval"),
        "date": _n("公示日期", "日期", "date"),
    }
    required: ClassVar[tuple[str, ...]] = ("id", "approval", "date")
    signature: ClassVar[tuple[str, ...]] = ("id", "approval", "date")

    def parse_row(self, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "date": self.day(values),
            "id": self.ident(values, "id"),
            "approval": self.ident(values, "approval"),
        }

    def row_entries(
        self, row: int, day: date, x: dict[str, Any], filepath: str
    ) -> list[data.Directive]:
        return [
            custom_entry(
                filepath, row, day, "tf-notice", (x["id"], x["approval"]), f"notice:{x['id']}"
            )
        ]


class EmergencyRegisterImporter(RegisterImporter):
    """应急登记: an emergency use of the maintenance fund per row → ``tf-emergency``."""

    importer_name = "emergency-register"
    needs = "header row with 应急编号 (id), 险情类型 (hazard), 确认 (confirmation), 日期 (date)"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "id": _n("应急编号", "emergency", "id"),
        "hazard": _n("险情类型", "hazard"),
        "confirmation": _n("确认", "确认文件", "确认情况", "confirmation"),
        "date": _n("日期", "date"),
    }
    required: ClassVar[tuple[str, ...]] = ("id", "hazard", "confirmation", "date")
    signature: ClassVar[tuple[str, ...]] = ("id", "hazard", "confirmation")

    def parse_row(self, values: dict[str, Any]) -> dict[str, Any]:
        hazard = self.text(values, "hazard")
        if not re.fullmatch(r"[a-z][a-z0-9-]*", hazard):
            raise _Bad(
                "hazard",
                f"a hazard type is an English name from the tf-hazard list (elevator-fault), not {hazard!r}",
            )
        return {
            "date": self.day(values),
            "id": self.ident(values, "id"),
            "hazard": hazard,
            "confirmation": self.text(values, "confirmation"),
        }

    def row_entries(
        self, row: int, day: date, x: dict[str, Any], filepath: str
    ) -> list[data.Directive]:
        values = (x["id"], x["hazard"], x["confirmation"])
        return [custom_entry(filepath, row, day, "tf-emergency", values, f"emergency:{x['id']}")]


class UnitRegisterImporter(RegisterImporter):
    """房屋登记: room, area, owner → ``tf-unit`` (and ``tf-owner`` when a name is given)."""

    importer_name = "unit-register"
    needs = "header row with 房号 (room), 面积 (area), 业主编号 (owner), 日期 (date)"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "room": _n("房号", "房屋", "room", "unit"),
        "area": _n("面积", "建筑面积", "area"),
        "owner": _n("业主编号", "owner", "owner_id"),
        "owner_name": _n("业主", "业主姓名", "业主名称", "owner_name", "name"),
        "date": _n("日期", "date"),
    }
    required: ClassVar[tuple[str, ...]] = ("room", "area", "owner", "date")
    signature: ClassVar[tuple[str, ...]] = ("room", "area", "owner")

    def parse_row(self, values: dict[str, Any]) -> dict[str, Any]:
        room = self.room(values, "room")
        area = parse_area(values.get("area"))
        if isinstance(area, str):
            raise _Bad("area", area)
        owner = self.ident(values, "owner")
        name = self.text(values, "owner_name", required=False)
        return {
            "date": self.day(values),
            "room": room,
            "area": area,
            "owner": owner,
            "owner_name": name,
        }

    def row_entries(
        self, row: int, day: date, x: dict[str, Any], filepath: str
    ) -> list[data.Directive]:
        out: list[data.Directive] = []
        if x["owner_name"]:
            out.append(owner_entry(filepath, row, day, x["owner"], x["owner_name"]))
        out.append(unit_entry(filepath, row, day, x["room"], x["area"], x["owner"]))
        return out


def parse_area(value: object) -> Decimal | str:
    """An area in m² (2 decimals kept as written, floats through their repr); a reason string
    when it is not a positive number."""
    if isinstance(value, float):
        text = repr(value)
    else:
        text = cell_text(value).replace(",", "").removesuffix("㎡").removesuffix("m2").strip()
    if not text:
        return "missing"
    try:
        area = Decimal(text)
    except InvalidOperation:
        return f"not an area: {text!r}"
    if not area.is_finite() or area <= 0:
        return f"an area must be positive, not {text}"
    return area.quantize(Decimal("0.01")) if area.as_tuple().exponent > -2 else area  # type: ignore[operator]
