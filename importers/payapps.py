"""WeChat Pay (微信支付) and Alipay (支付宝) bills: fees the manager collects by QR code.

When owners pay their fees by scanning the manager's WeChat or Alipay QR code, the money sits
in the manager's payment-app balance until it is remitted to the owners' bank account. The
ledger keeps it as a receivable from the manager, ``Assets:Clearing:Manager`` (DESIGN §2.1,
TF103), so that is the default account of both importers (``--account`` or an Open with
``account-number:`` equal to the bill's WeChat nickname / Alipay account overrides it).

The account is the **app balance** (WeChat 零钱 + 零钱通, Alipay 余额 + 余额宝): a row is
imported only when money entered or left that balance.

WeChat (CSV or XLSX, header found by content, 16 or 17 preamble lines; the first sheet of a
workbook that has the header is read)
    ``交易时间, 交易类型, 交易对方, 商品, 收/支, 金额(元), 支付方式, 当前状态, 交易单号, 商户单号, 备注``

    * 收入 (into the balance, or a refund to a bank card, which is skipped) and 支出 (paid from
      the balance; paid with a bank card is skipped) by ``支付方式``.
    * 中性交易 (``/``) by ``交易类型``: ``零钱提现`` leaves the balance, and its fee is in
      ``备注`` (``服务费¥0.10``): the row posts the net amount that reached the bank plus a fee
      posting, so the balance goes down by the gross; ``零钱充值`` and ``转入零钱通-来自<银行>``
      come in; ``零钱通转出-到<银行>`` goes out; moves between 零钱 and 零钱通 are internal and
      skipped; any other 中性 row (信用卡还款, 购买理财通 …) counts only when paid from the balance.
    * Refunds (``…-退款``) are their own rows in the bill, so the original and the refund are
      both kept and net to zero; rows whose status says 失败 or 已关闭 moved no money.
    * ``serial:`` is 交易单号 (tabs and spaces stripped).

Alipay (CSV, GBK or UTF-8, 24 preamble lines; columns mapped by name, so the older mobile order
and the web export's ``交易号 … 金额（元）`` work too)
    ``交易时间, 交易分类, 交易对方, 对方账号, 商品说明, 收/支, 金额, 收/付款方式, 交易状态, 交易订单号, 商家订单号, 备注``

    * 收入 and 支出 count when the 收/付款方式 is the balance (余额, 余额宝, or empty).
    * ``交易关闭`` rows moved no money (or were refunded in full): skipped, and so is the refund row
      of a closed order (its 交易订单号 is ``<original>_<refund>``).
    * A 不计收支 refund (``交易分类`` 退款 or 商品说明 ``退款-…``) of an order not closed in the file
      comes into the balance, and so does 余额宝 interest (``…收益发放``); other 不计收支 rows
      (moves between 余额 and 余额宝, fund sales) are internal.
    * ``serial:`` is 交易订单号.

Merchant accounts (商户号 / 商家), when the manager collects through a merchant QR code:

* :class:`WeChatMerchantImporter`: the WeChat Pay trade bill (``downloadbill``; every value
  prefixed with a backtick; summary block at the end): SUCCESS in for 应结订单金额 with its
  手续费 as a fee, REFUND out for 退款金额.
* :class:`AlipayMerchantImporter`: the Alipay 账务明细 (``#``-prefixed preamble and footer):
  收入金额 minus 支出金额, with the balance after the last row as a ``balance`` assertion.

The payer's note (商品 / 商品说明 / 备注, e.g. ``收款方备注:二维码收款付款方留言:3-1-1001 物业费``)
becomes the memo, where the import rules find the room number (``unit:``). An id that Excel
turned into scientific notation (``4.00123E+27``) cannot be de-duplicated and is a row error,
like a date or amount that does not parse: ``file:row: column: reason``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import ClassVar

from importers.base import SourceImporter
from importers.readers import (
    EMPTY_MARKS,
    Header,
    Row,
    Sheet,
    cell_text,
    find_header,
    norm_label,
    parse_amount,
    parse_date,
    preamble_values,
    read_table,
)
from importers.records import RowError, Skipped, SourceError, Statement, StatementRow

CLEARING_ACCOUNT = "Assets:Clearing:Manager"
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_FEE = re.compile(r"服务费\s*[¥￥]?\s*(\d+(?:\.\d+)?)")
_TIME = re.compile(r"(\d{1,2}:\d{2}(?::\d{2})?)")


def labels(*names: str) -> tuple[str, ...]:
    """Header labels as :func:`importers.readers.norm_label` compares them."""
    return tuple(norm_label(name) for name in names)


_n = labels


def locate_header(
    sheets: Sequence[Sheet], aliases: Mapping[str, Sequence[str]], required: Sequence[str]
) -> Header | None:
    """The header row of the first sheet that has every ``required`` field's column."""
    for sheet in sheets:
        header = find_header(
            sheet, aliases, lambda columns: all(name in columns for name in required)
        )
        if header is not None:
            return header
    return None


def sniff_table(
    filepath: str, aliases: Mapping[str, Sequence[str]], required: Sequence[str], rows: int = 40
) -> bool:
    """``identify`` for a table source: the first ``rows`` rows hold such a header. Never raises."""
    try:
        sheets = read_table(filepath)
    except (SourceError, OSError, ValueError):
        return False
    for sheet in sheets:
        header = find_header(
            sheet, aliases, lambda columns: all(name in columns for name in required), scan=rows
        )
        if header is not None:
            return True
    return False


def clean_serial(value: object) -> str:
    """A source id as text: tabs, spaces and placeholders dropped. Raises ``ValueError`` for an
    id that a spreadsheet rewrote in scientific notation (its digits are lost)."""
    if isinstance(value, float):
        text = repr(value)
        if text.endswith(".0"):
            text = text[:-2]
    else:
        text = _text(value)
    if " " in text or "\t" in text or "\u3000" in text:
        text = re.sub(r"[\s\u3000]+", "", text)
    if text in ("/", "-", "--"):
        return ""
    if _SCIENTIFIC.match(text):
        raise ValueError(
            f"id in scientific notation ({text}): a spreadsheet lost its digits; export the file again (ids as text)"
        )
    return text


def number_repeats(rows: Sequence[StatementRow]) -> list[StatementRow]:
    """Rows whose ``serial`` repeats one seen earlier in the same file get ``#2``, ``#3`` …
    (numbered in file order, so a re-import gives the same keys): a serial should be unique,
    and two rows sharing one (a masked sample, a bill edited by hand) are still two rows."""
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        if row.serial:
            count = seen.get(row.serial, 0) + 1
            seen[row.serial] = count
            if count > 1:
                row = replace(row, serial=f"{row.serial}#{count}")
        out.append(row)
    return out


_FIELDS = (
    "time", "kind", "counterparty", "counter_account", "goods", "direction", "amount", "method", "status",
    "serial", "merchant_serial", "note",
)  # fmt: skip
_STRIP = " \t\r\n\u3000\u00a0\ufeff"
_PLAIN_AMOUNT = re.compile(r"^[¥￥]?(\d{1,15}(?:\.\d{1,2})?)$")
_FEN = Decimal("0.01")


def _text(value: object) -> str:
    """``cell_text`` with a fast path for the common case, a text cell."""
    if type(value) is str:
        text = value.strip(_STRIP)
        return "" if text in EMPTY_MARKS else text
    return cell_text(value)


def _quick_date(text: str) -> date | None:
    """``YYYY-MM-DD[ HH:MM:SS]`` without a regex (the bills' own format); None otherwise."""
    if (
        len(text) >= 10
        and text[4] == "-"
        and text[7] == "-"
        and (len(text) == 10 or text[10] == " ")
    ):
        try:
            return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            return None
    return None


def _texts(cells: Sequence[object]) -> tuple[str, ...]:
    return tuple(cell_text(c) for c in cells)


class _Bad(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field_name, reason


@dataclass
class _Record:
    """One data row of a bill, parsed but not yet judged."""

    row: int
    day: date
    time: str
    amount: Decimal
    direction: str
    kind: str
    counterparty: str
    counter_account: str
    goods: str
    method: str
    status: str
    serial: str
    merchant_serial: str
    note: str


class _AppTable(SourceImporter):
    """A payment-app table: header found by ``aliases`` with every ``required`` field."""

    default_account = CLEARING_ACCOUNT
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    preamble_labels: ClassVar[dict[str, tuple[str, ...]]] = {}

    def _locate(self, sheets: Sequence[Sheet]) -> Header | None:
        return locate_header(sheets, self.aliases, self.required)

    def identify(self, filepath: str) -> bool:
        return sniff_table(filepath, self.aliases, self.required)

    def _open(self, filepath: str, what: str) -> tuple[Header, Statement, dict[str, str]]:
        """The table's header, an empty statement and the preamble's values (account …)."""
        header = self._locate(read_table(filepath))
        if header is None:
            raise SourceError(filepath, f"no {self.importer_name} {what} ({self.needs})")
        statement = Statement(file=filepath, kind=self.importer_name, rows=[])
        statement.date_column = header.label("time")
        return header, statement, preamble_values(header.preamble, self.preamble_labels)

    def _reject(
        self, statement: Statement, header: Header, row: Row, field: str, reason: str
    ) -> None:
        """A rejected row: ``file:row: column: reason`` with its cells."""
        statement.errors.append(
            RowError(statement.file, row.number, header.label(field), reason, _texts(row.cells))
        )


class _PayAppImporter(_AppTable):
    """Shared reading of WeChat and Alipay bills: header by content, one record per row."""

    def read(self, filepath: str) -> Statement:
        header, statement, values = self._open(filepath, "bill header")
        statement.account_number = values.get("account") or None
        records: list[_Record] = []
        columns = [header.columns.get(name, -1) for name in _FIELDS]
        for row in header.data_rows():
            cells = row.cells
            width = len(cells)
            raw = [cells[col] if 0 <= col < width else None for col in columns]
            texts = [_text(value) for value in raw]
            if not any(texts) and not row.error:
                continue
            first = texts[0] if columns[0] == 0 else (_text(cells[0]) if cells else "")
            if first.startswith(("-", "#")):
                break  # a closing separator or the summary block of older exports
            statement.rows_read += 1
            if row.error:
                self._reject(statement, header, row, self.required[0], row.error)
                continue
            try:
                records.append(self._record(row.number, raw, texts))
            except _Bad as bad:
                self._reject(statement, header, row, bad.field, bad.reason)
        moved = []
        for record in records:
            if record.amount == 0:
                statement.skipped.append(Skipped(record.row, "moved no money (0.00)"))
            else:
                moved.append(record)
        rows = self._judge(moved, statement)
        statement.rows = number_repeats(rows)  # a rejected row never takes the good ones along
        return statement

    @staticmethod
    def _record(number: int, raw: list[object], texts: list[str]) -> _Record:
        """One row's cells (in ``_FIELDS`` order) parsed; raises :class:`_Bad` naming the field."""
        (
            time_text,
            kind,
            counterparty,
            counter_account,
            goods,
            direction,
            amount_text,
            method,
            status,
            _,
            _,
            note,
        ) = texts
        day = _quick_date(time_text)
        if day is None:
            try:
                day = parse_date(raw[0])
            except ValueError as exc:
                raise _Bad("time", str(exc)) from None
        match = _PLAIN_AMOUNT.match(amount_text) if type(raw[6]) is str else None
        if match is not None:
            amount: Decimal | None = Decimal(match.group(1)).quantize(_FEN)
        else:
            try:
                amount = parse_amount(raw[6])
            except ValueError as exc:
                raise _Bad("amount", str(exc)) from None
        if amount is None:
            raise _Bad("amount", "missing")
        if amount < 0:
            raise _Bad("amount", f"negative amount {amount}: the direction belongs in 收/支")
        try:
            serial = clean_serial(raw[9])
        except ValueError as exc:
            raise _Bad("serial", str(exc)) from None
        try:
            merchant_serial = clean_serial(raw[10])
        except ValueError as exc:
            raise _Bad("merchant_serial", str(exc)) from None
        if len(time_text) >= 19 and time_text[13] == ":":
            clock = time_text[11:19]
        else:
            time_match = _TIME.search(time_text)
            clock = time_match.group(1) if time_match else ""
        return _Record(
            row=number,
            day=day,
            time=clock,
            amount=amount,
            direction=direction,
            kind=kind,
            counterparty=counterparty,
            counter_account=counter_account,
            goods=goods,
            method=method,
            status=status,
            serial=serial,
            merchant_serial=merchant_serial,
            note=note,
        )

    def _judge(self, records: list[_Record], statement: Statement) -> list[StatementRow]:
        """Decide each record's direction (or skip it) and make the statement rows."""
        raise NotImplementedError

    @staticmethod
    def _row(
        record: _Record, sign: int, memo_parts: Sequence[str], fee: Decimal | None = None
    ) -> StatementRow:
        amount = record.amount - (fee or Decimal(0))
        parts: list[str] = []
        for part in memo_parts:
            if part and part not in parts:
                parts.append(part)
        memo = " ".join(parts)
        extra = {"type": record.kind, "method": record.method, "status": record.status}
        if record.time:
            extra["time"] = record.time
        if record.merchant_serial:
            extra["merchant-order"] = record.merchant_serial
        return StatementRow(
            row=record.row,
            date=record.day,
            amount=amount if sign > 0 else -amount,
            counterparty=record.counterparty,
            counter_account=record.counter_account,
            memo=memo,
            serial=record.serial or None,
            fee=fee or None,
            extra={k: v for k, v in extra.items() if v},
        )


# --------------------------------------------------------------------------------------------
# WeChat

_WECHAT_WALLET = frozenset({"", "零钱", "零钱通"})


class WeChatImporter(_PayAppImporter):
    """微信支付账单明细 (CSV or XLSX) of the account the manager collects fees with."""

    importer_name = "wechat"
    needs = "header row with 交易时间, 交易类型, 收/支, 金额(元), 交易单号"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "time": _n("交易时间"),
        "kind": _n("交易类型"),
        "counterparty": _n("交易对方"),
        "goods": _n("商品"),
        "direction": _n("收/支"),
        "amount": _n("金额(元)", "金额"),
        "method": _n("支付方式"),
        "status": _n("当前状态"),
        "serial": _n("交易单号"),
        "merchant_serial": _n("商户单号"),
        "note": _n("备注"),
    }
    required: ClassVar[tuple[str, ...]] = ("time", "kind", "direction", "amount", "serial")
    preamble_labels: ClassVar[dict[str, tuple[str, ...]]] = {"account": ("微信昵称",)}

    def _judge(self, records: list[_Record], statement: Statement) -> list[StatementRow]:
        rows = []
        for record in records:
            sign, fee = self.sign(record)
            if not sign:
                statement.skipped.append(Skipped(record.row, self.skip_reason(record)))
                continue
            if fee is not None and fee > record.amount:
                statement.errors.append(
                    RowError(
                        statement.file,
                        record.row,
                        "备注",
                        f"fee {fee} exceeds the amount {record.amount}",
                    )
                )
                continue
            note = "" if _FEE.search(record.note) else record.note
            rows.append(self._row(record, sign, (record.kind, record.goods, note), fee))
        return rows

    @staticmethod
    def skip_reason(record: _Record) -> str:
        """Why :meth:`sign` leaves a row out (for the import summary)."""
        if "失败" in record.status or "已关闭" in record.status:
            return "failed or closed: no money moved"
        if record.direction in ("收入", "支出"):
            return "paid with a bank card, not through the WeChat balance"
        if record.kind.startswith(("转入零钱通", "零钱通转出")):
            return "moved between 零钱 and 零钱通 (inside the balance)"
        return "did not touch the WeChat balance"

    @staticmethod
    def sign(record: _Record) -> tuple[int, Decimal | None]:
        """+1 into the WeChat balance, -1 out of it, 0 not touching it; and the fee taken."""
        if "失败" in record.status or "已关闭" in record.status:
            return 0, None
        method = record.method
        if method.endswith(")"):
            method = re.sub(r"\(.*\)$", "", method)
        wallet = method in _WECHAT_WALLET
        if record.direction == "收入":
            return (1 if wallet else 0), None
        if record.direction == "支出":
            return (-1 if wallet else 0), None
        kind = record.kind
        if "提现" in kind:
            match = _FEE.search(record.note)
            fee = Decimal(match.group(1)).quantize(Decimal("0.01")) if match else None
            return -1, fee
        if kind.startswith("转入零钱通"):
            return (0 if kind.endswith("来自零钱") else 1), None
        if kind.startswith("零钱通转出"):
            return (0 if kind.endswith("到零钱") else -1), None
        if "充值" in kind:
            return 1, None
        return (-1 if wallet else 0), None


# --------------------------------------------------------------------------------------------
# Alipay

_ALIPAY_WALLET = frozenset({"", "余额", "余额宝", "账户余额", "支付宝余额"})


class AlipayImporter(_PayAppImporter):
    """支付宝交易明细 (CSV; the 2023+ personal export, the older mobile and web layouts)."""

    importer_name = "alipay"
    needs = "header row with 交易时间, 交易对方, 收/支, 金额, 交易订单号 (or 交易号)"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "time": _n("交易时间", "交易创建时间", "付款时间"),
        "kind": _n("交易分类", "类型", "交易来源地"),
        "counterparty": _n("交易对方"),
        "counter_account": _n("对方账号"),
        "goods": _n("商品说明", "商品名称"),
        "direction": _n("收/支"),
        "amount": _n("金额", "金额(元)"),
        "method": _n("收/付款方式"),
        "status": _n("交易状态"),
        "serial": _n("交易订单号", "交易号"),
        "merchant_serial": _n("商家订单号"),
        "note": _n("备注"),
    }
    #: 交易对方 too: a 京东 bill has 交易时间, 收/支, 金额 and 交易订单号 but 商户名称 instead
    required: ClassVar[tuple[str, ...]] = ("time", "direction", "amount", "serial", "counterparty")
    preamble_labels: ClassVar[dict[str, tuple[str, ...]]] = {"account": ("支付宝账户", "账号")}

    def _judge(self, records: list[_Record], statement: Statement) -> list[StatementRow]:
        closed = {r.serial for r in records if r.serial and "交易关闭" in r.status}
        rows = []
        for record in records:
            sign = self.sign(record, closed)
            if sign:
                rows.append(self._row(record, sign, (record.goods, record.note)))
            else:
                statement.skipped.append(Skipped(record.row, self.skip_reason(record, closed)))
        return rows

    @classmethod
    def skip_reason(cls, record: _Record, closed: set[str]) -> str:
        """Why :meth:`sign` leaves a row out (for the import summary)."""
        if "交易关闭" in record.status or "失败" in record.status:
            return "closed or failed: no money moved"
        if record.direction in ("收入", "支出"):
            return "paid with a bank card or credit, not through the Alipay balance"
        if cls.is_refund(record) and record.serial.split("_", 1)[0] in closed:
            return "refund of a closed order (they cancel out)"
        return "did not touch the Alipay balance (不计收支)"

    @staticmethod
    def is_refund(record: _Record) -> bool:
        return record.kind == "退款" or record.goods.startswith("退款")

    @classmethod
    def sign(cls, record: _Record, closed: set[str]) -> int:
        """+1 into the Alipay balance, -1 out of it, 0 not touching it."""
        if "交易关闭" in record.status or "失败" in record.status:
            return 0
        method = re.sub(r"[(（].*[)）]$", "", record.method)
        wallet = method in _ALIPAY_WALLET or method.startswith("余额")
        if record.direction == "收入":
            return 1 if wallet else 0
        if record.direction == "支出":
            return -1 if wallet else 0
        if cls.is_refund(record):
            original = record.serial.split("_", 1)[0]
            if original in closed:
                return 0  # the closed order and its refund cancel out
            return 1 if wallet else 0
        if "收益发放" in record.goods and wallet:
            return 1  # 余额宝 interest paid into the balance
        return 0


# --------------------------------------------------------------------------------------------
# Merchant accounts (商户号 / 商家): the manager collects through a merchant QR code


def _mtext(value: object) -> str:
    """A merchant-bill cell: WeChat prefixes every value with a backtick."""
    return _text(value).lstrip("`").strip()


def _exact(text: str, field_name: str) -> Decimal | None:
    """An exact decimal (fees have 5 places): at least 2 places kept, never rounded."""
    text = text.replace(",", "").lstrip("¥￥")
    if not text:
        return None
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text, re.ASCII):
        raise _Bad(field_name, f"not an amount: {text!r}")
    value = Decimal(text).normalize()
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(Decimal("0.01"))
    return value


class _MerchantImporter(_AppTable):
    """Shared table reading of merchant bills (no wallet logic: every row is the account's)."""

    def read(self, filepath: str) -> Statement:
        header, statement, values = self._open(filepath, "header")
        statement.account_number = (values.get("account") or "").strip("[]") or None
        columns = list(header.columns.items())
        for row in header.data_rows():
            cells = row.cells
            texts = {
                name: (_mtext(cells[col]) if col < len(cells) else "") for name, col in columns
            }
            first = _mtext(cells[0]) if cells else ""
            if not any(texts.values()) and not row.error:
                continue
            if self.is_trailer(first):
                break
            statement.rows_read += 1
            if row.error:
                self._reject(statement, header, row, self.required[0], row.error)
                continue
            try:
                parsed = self.parse(row.number, texts)
            except _Bad as bad:
                self._reject(statement, header, row, bad.field, bad.reason)
                continue
            if parsed is None:
                statement.skipped.append(Skipped(row.number, self.skip_reason(texts)))
            elif parsed.amount == 0 and not parsed.fee:
                statement.skipped.append(Skipped(row.number, "moved no money (0.00)"))
            else:
                statement.rows.append(parsed)
        statement.rows = number_repeats(statement.rows)  # bad rows never take good ones along
        self.finish(statement)
        return statement

    def skip_reason(self, texts: dict[str, str]) -> str:
        """Why :meth:`parse` left a row out."""
        status = texts.get("status", "")
        return f"{status}: no money moved" if status else "no money moved"

    def is_trailer(self, first: str) -> bool:
        return first.startswith("#")

    def parse(self, number: int, texts: dict[str, str]) -> StatementRow | None:
        raise NotImplementedError

    def finish(self, statement: Statement) -> None:
        """Hook after a clean read (closing balance …)."""

    @staticmethod
    def day(texts: dict[str, str], name: str = "time") -> date:
        day = _quick_date(texts[name].replace("/", "-")) if texts[name][4:5] in "-/" else None
        if day is None:
            try:
                day = parse_date(texts[name])
            except ValueError as exc:
                raise _Bad(name, str(exc)) from None
        return day

    @staticmethod
    def serial(texts: dict[str, str], name: str) -> str:
        try:
            return clean_serial(texts.get(name, ""))
        except ValueError as exc:
            raise _Bad(name, str(exc)) from None


class WeChatMerchantImporter(_MerchantImporter):
    """微信支付商户平台 交易账单 (``downloadbill``, every value prefixed with a backtick).

    ``SUCCESS`` rows come in for 应结订单金额 with their 手续费 (exact, up to 5 places) as a
    fee; ``REFUND`` rows go out for 退款金额 (serial: 微信退款单号); other states (NOTPAY,
    CLOSED, REVOKED) moved no money. The summary block (``总交易单数`` …) ends the table.
    ``serial:`` is 微信订单号; the memo is 商品名称 and 商户数据包 (where a mini-program puts
    the room). A bill re-saved through Excel (ids shown as ``4.00123E+27``) is rejected row by
    row: export it again."""

    importer_name = "wechat-merchant"
    needs = "header row with 交易时间, 微信订单号, 交易状态, 应结订单金额, 手续费"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "time": _n("交易时间"),
        "order": _n("微信订单号"),
        "merchant_order": _n("商户订单号"),
        "user": _n("用户标识"),
        "status": _n("交易状态"),
        "currency": _n("货币种类"),
        "settled": _n("应结订单金额"),
        "refund_id": _n("微信退款单号"),
        "merchant_refund": _n("商户退款单号"),
        "refunded": _n("退款金额"),
        "goods": _n("商品名称"),
        "attach": _n("商户数据包"),
        "fee": _n("手续费"),
    }
    required: ClassVar[tuple[str, ...]] = ("time", "order", "status", "settled", "fee")

    def is_trailer(self, first: str) -> bool:
        return first.startswith(("#", "总交易单数"))

    def parse(self, number: int, texts: dict[str, str]) -> StatementRow | None:
        day = self.day(texts)
        status = texts["status"].upper()
        order = self.serial(texts, "order")
        fee = _exact(texts["fee"], "fee")
        currency = {"CNY": "CNY", "": "CNY", "人民币": "CNY"}.get(
            texts.get("currency", "").upper(), texts.get("currency", "").upper()
        )
        memo = " ".join(p for p in (texts.get("goods", ""), texts.get("attach", "")) if p)
        if status == "SUCCESS":
            amount = _exact(texts["settled"], "settled")
            if amount is None:
                raise _Bad("settled", "missing")
            serial = order
        elif status == "REFUND":
            refunded = _exact(texts.get("refunded", ""), "refunded")
            if refunded is None:
                raise _Bad("refunded", "missing")
            amount = -abs(refunded)
            refund_id = self.serial(texts, "refund_id") or self.serial(texts, "merchant_refund")
            serial = refund_id or f"refund:{order}"
        else:
            return None
        if not serial:
            raise _Bad("order", "missing")
        extra = {"order": order, "status": status}
        if texts.get("merchant_order"):
            extra["merchant-order"] = texts["merchant_order"]
        return StatementRow(
            row=number,
            date=day,
            amount=amount,
            currency=currency or "CNY",
            memo=memo,
            serial=serial,
            fee=fee or None,
            extra=extra,
        )


class AlipayMerchantImporter(_MerchantImporter):
    """支付宝商家 账务明细 (``#支付宝账务明细查询``): one row per movement of the merchant balance.

    收入金额（+元） minus 支出金额（-元） (written ``-23.45`` or ``23.45``) is the movement;
    ``serial:`` is 账务流水号; 账户余额 after the last movement becomes the closing balance. Fee
    rows (业务类型 收费) are ordinary outgoing rows, categorised by the import rules."""

    importer_name = "alipay-merchant"
    needs = "header row with 账务流水号, 发生时间, 收入金额（+元）, 支出金额（-元）"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "serial": _n("账务流水号"),
        "business": _n("业务流水号"),
        "merchant_order": _n("商户订单号"),
        "goods": _n("商品名称"),
        "time": _n("发生时间"),
        "counter_account": _n("对方账号"),
        "income": _n("收入金额（+元）", "收入金额"),
        "expense": _n("支出金额（-元）", "支出金额"),
        "balance": _n("账户余额（元）", "账户余额"),
        "kind": _n("业务类型"),
        "note": _n("备注"),
    }
    required: ClassVar[tuple[str, ...]] = ("serial", "time", "income", "expense")
    preamble_labels: ClassVar[dict[str, tuple[str, ...]]] = {"account": ("#账号", "账号")}

    def parse(self, number: int, texts: dict[str, str]) -> StatementRow | None:
        day = self.day(texts)
        income = _exact(texts["income"], "income") or Decimal(0)
        expense = _exact(texts["expense"], "expense") or Decimal(0)
        amount = abs(income) - abs(expense)
        balance = _exact(texts.get("balance", ""), "balance")
        serial = self.serial(texts, "serial")
        if not serial:
            raise _Bad("serial", "missing")
        memo = " ".join(
            p for p in (texts.get("kind", ""), texts.get("goods", ""), texts.get("note", "")) if p
        )
        extra = {"time": texts["time"][11:19]}
        if texts.get("business"):
            extra["business"] = texts["business"]
        return StatementRow(
            row=number,
            date=day,
            amount=amount if amount.as_tuple().exponent <= -2 else amount.quantize(Decimal("0.01")),  # type: ignore[operator]
            counter_account=texts.get("counter_account", ""),
            memo=memo,
            serial=serial,
            balance=balance,
            extra={k: v for k, v in extra.items() if v},
        )

    def finish(self, statement: Statement) -> None:
        dated = sorted(
            (row.date, row.extra.get("time", ""), i, row)
            for i, row in enumerate(statement.rows)
            if row.balance is not None
        )
        if dated:
            last = dated[-1][3]
            statement.closing_balance, statement.closing_date = last.balance, last.date
            chain = [item[3] for item in dated]
            if len(chain) == len(statement.rows) and all(
                after.balance == before.balance + after.amount  # type: ignore[operator]
                for before, after in itertools.pairwise(chain)
            ):
                first = chain[0]
                statement.opening_balance = first.balance - first.amount  # type: ignore[operator]
