"""Property-fee system exports (HC 小区物业管理系统 / java110 and look-alikes).

Two kinds of file, both XLSX or CSV with the header found by content:

**Fee-payment history** (:class:`FeeSystemImporter`): HC's 房屋缴费历史 template
(``importFeeDetail.xlsx``) and its 缴费明细表 export. One row per payment of a unit's fee item
for a period::

    房屋 | 收费项目 | 缴费周期 | 开始时间 | 结束时间 | 缴费时间 | 应缴金额 | 实缴金额 | 收银员 | 备注
    1-1-1001 | 物业费 | 12 | 42370 | 42736 | 42736 | 1000 | 1000 | 张三 | 手工导入

(the export's ``订单号, 房号, 费用项, 费用开始时间, 费用结束时间, 应收金额, 实收金额, 支付方式``
are aliases; dates may be Excel serial numbers, date cells or ``YYYY-MM-DD``; only the mapped
columns are read, so HC's instructions beside the data do not matter). Each row gives:

* a **billing** transaction on the period's first day: ``Assets:Receivable:Fees`` (with
  ``unit:``) against ``Income:Fees:Property`` (``Income:Fees:Parking`` for an item that
  names 停车/车位), for 应缴金额;
* a **collection** transaction on 缴费时间: the collecting account against
  ``Assets:Receivable:Fees`` (``unit:``), for 实缴金额. The money went to the manager's cashier
  (收银员), so the collecting account is ``Assets:Clearing:Manager`` unless ``--account`` (or
  an Open with ``account-number: "hc"``) says otherwise. What was billed and not paid stays
  receivable (arrears).
* A payment made **before its period starts** is a prepayment: the collection credits
  ``Liabilities:Prepaid:Fees`` (``unit:``), and the billing on the first day of the period
  takes the bill out of the prepayment first (``Liabilities:Prepaid:Fees`` debit), the rest
  (if any) to the receivable. A row with 实缴金额 0 (an export's unpaid bill) may leave
  缴费时间 empty: it gives the billing only.

Metadata: ``fee-item:``, ``fee-period: "2016-01-01/2017-01-01"`` (start inclusive, end as
written), ``cashier:``; ``serial:`` is ``hc-bill:<room>:<item>:<start>:<end>`` for the bill
and the export's 订单号 (else ``hc-pay:<room>:<item>:<start>:<end>:<paid on>``) for the
payment, so re-importing adds nothing.

**Master data** (:class:`FeeMasterImporter`): HC's ``hc.xlsx`` community import workbook.
Sheet 房屋信息 (``房屋编号, 楼栋编号, 单元编号, 建筑面积, 业主编号, 费用开始时间``) gives one
``custom "tf-unit" "<楼栋>-<单元>-<房屋>" area owner`` per room, dated by its first 费用开始时间;
sheet 业主信息 (``业主名称, 业主编号``) gives ``custom "tf-owner" owner name``, dated by the
owner's first unit. Owner ids are ``O-`` + the HC owner number zero-padded to four digits
(``1`` → ``O-0001``), the ledger's convention. Phone and ID-card numbers are not imported.

A bad row (room not ``building-entrance-room``, a date or amount that does not parse, a
missing required cell) stops the file with ``file:row: column: reason``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from beancount.core import amount as bc_amount
from beancount.core import data

from importers.base import (
    RECEIVABLE_FEES,
    SERIAL_KEY,
    Item,
    SourceImporter,
    clean_text,
    entry_items,
)
from importers.payapps import labels as _n
from importers.payapps import locate_header, sniff_table
from importers.readers import (
    cell_text,
    parse_date,
    read_table,
)
from importers.records import SourceError, Statement
from importers.registers import (
    ROOM_RE,
    RegisterImporter,
    RegisterStatement,
    owner_entry,
    parse_area,
    parse_records,
    unit_entry,
)
from importers.registers import BadCell as _Bad

CLEARING_ACCOUNT = "Assets:Clearing:Manager"
PROPERTY_INCOME = "Income:Fees:Property"
PARKING_INCOME = "Income:Fees:Parking"
PREPAID_FEES = "Liabilities:Prepaid:Fees"
ACCOUNT_NUMBER = "hc"
_IDENTIFY_ROWS = 20


def _posting(
    account: str, number: Decimal, meta: dict[str, Any] | None = None, currency: str = "CNY"
) -> data.Posting:
    return data.Posting(
        account, bc_amount.Amount(number, currency), None, None, None, dict(meta) if meta else None
    )


def income_account(item: str) -> str:
    """The income account of a fee item: parking items to Parking, the rest to Property."""
    return (
        PARKING_INCOME
        if re.search(r"停车|车位|车库|parking", item, re.IGNORECASE)
        else PROPERTY_INCOME
    )


_date = RegisterImporter.day


def _money(values: dict[str, Any], name: str) -> Decimal:
    number = RegisterImporter.money(values, name)
    if number < 0:
        raise _Bad(name, f"negative amount {number}")
    return number


class FeeSystemImporter(SourceImporter):
    """HC 房屋缴费历史 / 缴费明细表: billing and collection per unit and fee item."""

    importer_name = "fee-system"
    needs = "header row with 房屋 (房号), 收费项目 (费用项), 开始时间, 结束时间, 缴费时间, 应缴金额, 实缴金额"
    default_account = CLEARING_ACCOUNT
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "room": _n("房屋", "房号", "房屋编号"),
        "item": _n("收费项目", "费用项", "费用项目"),
        "months": _n("缴费周期", "付费周期(月)"),
        "start": _n("开始时间", "费用开始时间"),
        "end": _n("结束时间", "费用结束时间"),
        "paid_on": _n("缴费时间"),
        "billed": _n("应缴金额", "应收金额", "应付金额"),
        "paid": _n("实缴金额", "实收金额", "实付金额"),
        "cashier": _n("收银员", "操作员工"),
        "order": _n("订单号", "缴费id"),
        "method": _n("支付方式"),
        "note": _n("备注"),
    }
    required: ClassVar[tuple[str, ...]] = (
        "room",
        "item",
        "start",
        "end",
        "paid_on",
        "billed",
        "paid",
    )

    def identify(self, filepath: str) -> bool:
        return sniff_table(filepath, self.aliases, self.required, rows=_IDENTIFY_ROWS)

    def read(self, filepath: str) -> Statement:
        header = locate_header(read_table(filepath), self.aliases, self.required)
        if header is None:
            raise SourceError(filepath, f"no fee-payment header ({self.needs})")
        statement = RegisterStatement(
            file=filepath, kind=self.importer_name, rows=[], account_number=ACCOUNT_NUMBER
        )
        parse_records(header, statement, self._parse)
        return statement

    @staticmethod
    def _parse(values: dict[str, Any]) -> dict[str, Any]:
        room = cell_text(values.get("room"))
        if not room:
            raise _Bad("room", "missing")
        if not ROOM_RE.match(room):
            raise _Bad("room", f"not a room id building-entrance-room (1-1-1001): {room!r}")
        item = cell_text(values.get("item"))
        if not item:
            raise _Bad("item", "missing")
        start, end = _date(values, "start"), _date(values, "end")
        if end < start:
            raise _Bad("end", f"period ends {end} before it starts {start}")
        paid = _money(values, "paid")
        # an unpaid bill (arrears in an export) has no payment day
        paid_on = _date(values, "paid_on") if paid or cell_text(values.get("paid_on")) else None
        order = cell_text(values.get("order"))
        if order and re.fullmatch(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+", order):
            raise _Bad(
                "order", f"id in scientific notation ({order}): export the file again as text"
            )
        return {
            "room": room,
            "item": clean_text(item),
            "start": start,
            "end": end,
            "paid_on": paid_on,
            "billed": _money(values, "billed"),
            "paid": paid,
            "cashier": clean_text(cell_text(values.get("cashier"))),
            "order": order,
            "method": clean_text(cell_text(values.get("method"))),
        }

    def items(self, statement: Statement, account: str, filepath: str) -> list[Item]:
        """One item per fee row (its bill and its payment), keyed by their serials."""
        return entry_items(self.build(statement, filepath))

    def build(self, statement: Statement, filepath: str) -> list[data.Directive]:
        account = self.statement_account(statement)
        entries: list[data.Directive] = []
        seen: dict[str, int] = {}
        for number, x in getattr(statement, "records", []):
            key = f"{x['room']}:{x['item']}:{x['start']}:{x['end']}"
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            suffix = f"#{occurrence + 1}" if occurrence else ""
            period = f"{x['start']}/{x['end']}"
            meta = {"fee-item": x["item"], "fee-period": period}
            unit_meta = {"unit": x["room"]}
            narration = f"{x['item']} {period}"
            # paid before the period starts: a prepayment until the bill falls due
            prepaid = bool(x["paid"]) and x["paid_on"] is not None and x["paid_on"] < x["start"]
            applied = min(x["paid"], x["billed"]) if prepaid else Decimal(0)
            if x["billed"]:
                bill_meta = data.new_metadata(filepath, number)
                bill_meta[SERIAL_KEY] = f"hc-bill:{key}{suffix}"
                bill_meta.update(meta)
                postings = []
                if applied:
                    postings.append(_posting(PREPAID_FEES, applied, unit_meta))
                if x["billed"] - applied:
                    postings.append(_posting(RECEIVABLE_FEES, x["billed"] - applied, unit_meta))
                postings.append(_posting(income_account(x["item"]), -x["billed"]))
                entries.append(
                    data.Transaction(
                        bill_meta,
                        x["start"],
                        self.flag,
                        None,
                        f"应收 {narration}",
                        data.EMPTY_SET,
                        data.EMPTY_SET,
                        postings,
                    )
                )
            if x["paid"]:
                pay_meta = data.new_metadata(filepath, number)
                pay_meta[SERIAL_KEY] = (
                    f"hc-order:{x['order']}"
                    if x["order"]
                    else f"hc-pay:{key}:{x['paid_on']}{suffix}"
                )
                pay_meta.update(meta)
                if x["cashier"]:
                    pay_meta["cashier"] = x["cashier"]
                if x["method"]:
                    pay_meta["method"] = x["method"]
                credited = PREPAID_FEES if prepaid else RECEIVABLE_FEES
                entries.append(
                    data.Transaction(
                        pay_meta,
                        x["paid_on"],
                        self.flag,
                        None,
                        f"实收 {narration}",
                        data.EMPTY_SET,
                        data.EMPTY_SET,
                        [
                            _posting(account, x["paid"]),
                            _posting(credited, -x["paid"], unit_meta),
                        ],
                    )
                )
        return entries


class FeeMasterImporter(SourceImporter):
    """HC ``hc.xlsx`` master data: rooms (房屋信息) and owners (业主信息) → tf-unit, tf-owner."""

    importer_name = "fee-system-master"
    needs = "a sheet 房屋信息 with 房屋编号, 楼栋编号, 单元编号, 建筑面积, 业主编号"
    room_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "room": _n("房屋编号"),
        "building": _n("楼栋编号"),
        "entrance": _n("单元编号"),
        "area": _n("建筑面积"),
        "owner": _n("业主编号"),
        "since": _n("费用开始时间"),
    }
    owner_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "name": _n("业主名称", "业主姓名"),
        "owner": _n("业主编号"),
        "number": _n("编号"),
    }

    def identify(self, filepath: str) -> bool:
        return sniff_table(
            filepath,
            self.room_aliases,
            ("room", "building", "entrance", "area", "owner"),
            rows=_IDENTIFY_ROWS,
        )

    moves_money = False

    def account(self, filepath: str) -> data.Account:
        return "Equity:Registers"  # not used: master data posts nothing

    def items(self, statement: Statement, account: str, filepath: str) -> list[Item]:
        # owners (业主信息) and rooms (房屋信息) are rows of two sheets
        return entry_items(
            self.build(statement, filepath), sheet=lambda e: str(getattr(e, "type", ""))
        )

    def read(self, filepath: str) -> Statement:
        sheets = read_table(filepath)
        rooms = locate_header(
            sheets, self.room_aliases, ("room", "building", "entrance", "area", "owner")
        )
        if rooms is None:
            raise SourceError(filepath, f"no room sheet ({self.needs})")
        statement = RegisterStatement(file=filepath, kind=self.importer_name, rows=[])
        parse_records(rooms, statement, self._room)
        owners = locate_header(
            [s for s in sheets if s is not rooms.sheet], self.owner_aliases, ("name",)
        )
        if owners is not None:
            parse_records(owners, statement, self._owner)
        return statement

    @staticmethod
    def owner_id(value: object) -> str:
        text = cell_text(value)
        if re.fullmatch(r"\d+", text):
            return f"O-{int(text):04d}"
        if not text:
            raise _Bad("owner", "missing")
        return text

    def _room(self, values: dict[str, Any]) -> dict[str, Any]:
        parts = []
        for name in ("building", "entrance", "room"):
            text = cell_text(values.get(name))
            if not re.fullmatch(r"[0-9A-Za-z]+", text):
                raise _Bad(
                    name, f"not a building/entrance/room number: {text!r}" if text else "missing"
                )
            parts.append(text)
        area = parse_area(values.get("area"))
        if isinstance(area, str):
            raise _Bad("area", area)
        since_text = cell_text(values.get("since")).split("#", 1)[0]
        since = None
        if since_text:
            try:
                since = parse_date(since_text)
            except ValueError as exc:
                raise _Bad("since", str(exc)) from None
        return {
            "kind": "unit",
            "room": "-".join(parts),
            "area": area,
            "owner": self.owner_id(values.get("owner")),
            "since": since,
        }

    def _owner(self, values: dict[str, Any]) -> dict[str, Any]:
        name = clean_text(cell_text(values.get("name")))
        if not name:
            raise _Bad("name", "missing")
        number = values.get("owner") if cell_text(values.get("owner")) else values.get("number")
        return {"kind": "owner", "owner": self.owner_id(number), "name": name}

    def build(self, statement: Statement, filepath: str) -> list[data.Directive]:
        records: list[tuple[int, dict[str, Any]]] = getattr(statement, "records", [])
        units = [(n, x) for n, x in records if x["kind"] == "unit"]
        dated = [x["since"] for _, x in units if x["since"] is not None]
        if not dated:
            raise SourceError(
                filepath, "no 费用开始时间 in the room sheet: the units cannot be dated"
            )
        first = min(dated)
        since_by_owner: dict[str, date] = {}
        for _, x in units:
            day = x["since"] or first
            since_by_owner[x["owner"]] = min(day, since_by_owner.get(x["owner"], day))
        entries: list[data.Directive] = []
        for number, x in records:
            if x["kind"] == "owner":
                day = since_by_owner.get(x["owner"], first)
                entries.append(owner_entry(filepath, number, day, x["owner"], x["name"]))
        for number, x in units:
            day = x["since"] or first
            entries.append(unit_entry(filepath, number, day, x["room"], x["area"], x["owner"]))
        return entries
