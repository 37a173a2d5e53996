"""Chinese corporate (对公) and personal bank statements: XLSX, XLS and CSV.

The header row is found by its column names within the first 50 rows of any sheet (so the
bank's name, the file's name and the preamble's length do not matter); the preamble above it
is read for the account number, the opening and closing balances; trailing total lines
(合计, 以上数据仅供参考 …) end the table. Amount conventions (INDEX.md §4): separate
debit/credit columns (借方/贷方, 支出/收入, 转出/转入, 付款/收款, 取出/存入, in either order,
with or without "/元" and full-width brackets), one amount with a direction column
(借贷标志, 收支标识, 收入/支出标志 …), or one signed amount (positive = in; on a credit-card
bill, recognised by its 卡末四位 column, positive = spending). 借方 = money out of the account.
CCB's two-row header (发生额/元 over 借方 | 贷方) is merged.

Each row becomes a :class:`~importers.records.StatementRow` with the bank's serial number when
the statement has one (交易流水号, 账户明细编号-交易流水号 …; else a content serial). The
closing balance (the balance column after the last movement, or the preamble's closing
balance) becomes a ``balance`` assertion.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from importers.base import SourceImporter
from importers.readers import (
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


def _n(*labels: str) -> tuple[str, ...]:
    return tuple(norm_label(label) for label in labels)


#: field → header labels, in priority order (normalised with ``norm_label``).
ALIASES: dict[str, tuple[str, ...]] = {
    "date": _n(
        "交易日期",
        "记账日期",
        "记账日",
        "交易日",
        "账务日期",
        "会计日期",
        "入账日期",
        "日期",
        "交易时间",
        "时间",
    ),
    "credit": _n(
        "记账金额(收入)",
        "交易金额(收入)",
        "贷方发生额(收入)",
        "贷方发生额",
        "贷方金额(收入)",
        "贷方金额",
        "贷方",
        "贷",
        "收入金额",
        "收入",
        "转入金额",
        "收款金额",
        "存入金额",
        "存入",
        "贷记金额",
    ),
    "debit": _n(
        "记账金额(支出)",
        "交易金额(支出)",
        "借方发生额(支取)",
        "借方发生额",
        "借方金额(支出)",
        "借方金额",
        "借方",
        "借",
        "支出金额",
        "支出",
        "转出金额",
        "付款金额",
        "取出金额",
        "取出",
        "借记金额",
    ),
    "amount": _n("发生额", "结算金额", "入账金额", "交易金额", "金额", "记账金额", "人民币金额"),
    "direction": _n(
        "借贷标志",
        "借/贷",
        "借贷",
        "收支标识",
        "收支标志",
        "收入/支出标志",
        "收入/支出",
        "收/支",
        "交易方向",
        "借贷方向",
    ),
    "balance": _n("余额", "账户余额", "本次余额", "交易后余额", "联机余额", "当前余额"),
    "counterparty": _n(
        "对方户名",
        "对方单位",
        "对方单位名称",
        "对方名称",
        "对方账户名称",
        "对方账号名称",
        "对方账户名",
        "对方户名称",
        "交易对方",
        "对手信息",
        "交易对手名称",
        "收(付)方名称",
    ),
    "counter_account": _n(
        "对方账号", "对方账户", "对方账户号", "交易对手账号", "收(付)方账号", "对方卡号/账号"
    ),
    "serial": _n(
        "交易流水号",
        "账户明细编号-交易流水号",
        "银行流水号",
        "流水号",
        "核心流水号",
        "交易参考号",
        "交易编号",
        "交易日志号",
        "日志号",
        "企业流水号",
    ),
    "currency": _n("币种", "记账币种", "交易币种", "交易货币", "币别", "货币"),
    "own_account": _n("本方账号", "账号", "交易账号"),
    "time": _n("交易时间", "交易时间戳"),
    "payer_account": _n("付款人账号", "付款账号", "名义付款人账号"),
    "payee_account": _n("收款人账号", "收款账号", "名义收款人账号"),
    "card": _n("卡末四位", "卡号末四位", "卡号后四位"),
    "payer_name": _n("付款人名称", "付款户名", "名义付款人名称"),
    "payee_name": _n("收款人名称", "收款户名", "名义收款人名称"),
}
#: Columns whose non-empty values together make the memo (payer's note first).
MEMO_LABELS: tuple[str, ...] = _n(
    "附言",
    "交易附言",
    "客户附言",
    "用途",
    "交易用途",
    "备注",
    "摘要",
    "交易摘要",
    "业务摘要",
    "交易说明",
    "交易描述",
    "个性化信息",
    "回单个性化信息",
    "扩展摘要",
    "交易类型",
)
#: The lower row of a two-row header.
SUB_LABELS: tuple[str, ...] = _n("借方", "贷方", "借", "贷", "支出", "收入", "借方金额", "贷方金额")
#: First-cell texts that end the table.
TRAILER_MARKS: tuple[str, ...] = (
    "合计",
    "总计",
    "小计",
    "以上数据",
    "本页",
    "人民币合计",
    "共计",
    "借方笔数",
    "贷方笔数",
)
PREAMBLE_LABELS: dict[str, tuple[str, ...]] = {
    "account_number": (
        "账号",
        "查询账号",
        "账户号",
        "账户号码",
        "存款账号",
        "银行账号",
        "本方账号",
        "卡号",
        "账　　号",
    ),
    "account_name": ("户名", "账户名称", "户  名", "单位名称"),
    "opening": ("期初余额", "上日余额", "对账单初期余额", "起始余额"),
    "closing": ("期末余额", "对账单余额", "本期余额"),
    "currency": ("币种", "币　　种", "账户币种"),
}
OUT_FLAGS = ("借", "支", "出", "付", "d", "dr", "-")
IN_FLAGS = ("贷", "收", "入", "存", "c", "cr", "+")
CURRENCIES = {
    "人民币": "CNY",
    "本币": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "156": "CNY",
    "01": "CNY",
    "美元": "USD",
    "美金": "USD",
    "usd": "USD",
    "港币": "HKD",
    "港元": "HKD",
    "hkd": "HKD",
    "欧元": "EUR",
    "eur": "EUR",
    "日元": "JPY",
    "jpy": "JPY",
    "英镑": "GBP",
    "gbp": "GBP",
    "澳元": "AUD",
    "澳大利亚元": "AUD",
    "aud": "AUD",
    "加元": "CAD",
    "加拿大元": "CAD",
    "cad": "CAD",
    "新加坡元": "SGD",
    "sgd": "SGD",
    "瑞士法郎": "CHF",
    "chf": "CHF",
}
#: Words after a currency name that say cash or remittance (美元 现汇, 人民币 钞): not part of it.
_CURRENCY_SUFFIX = re.compile(r"(现汇|现钞|钞户|汇户|钞|汇|账户|户|[(（][^)）]*[)）])+$")
#: Columns only payment-platform bills have (a 京东 or Alipay bill is no bank statement).
PAYMENT_APP_LABELS = frozenset(
    norm_label(label)
    for label in ("收/付款方式", "支付方式", "交易订单号", "商家订单号", "商户单号")
)
#: First-cell texts of notes below the table (说明 | 交易明细涉及您的个人隐私…).
NOTE_MARKS: tuple[str, ...] = (
    "说明",
    "注:",
    "注：",
    "备注:",
    "备注：",
    "温馨提示",
    "特别提示",
    "声明",
    "打印",
    "制表",
    "经办",
    "客户签章",
    "银行签章",
    "交易明细涉及",
)


def accepts(columns: dict[str, int]) -> bool:
    """A bank-statement header: a date and one amount convention."""
    if "date" not in columns:
        return False
    return ("credit" in columns and "debit" in columns) or "amount" in columns


def _merge_date_time(columns: dict[str, int]) -> None:
    if columns.get("time") == columns.get("date"):
        columns.pop("time", None)


@dataclass(frozen=True)
class Located:
    header: Header
    memo_columns: tuple[int, ...]
    date_columns: tuple[int, ...] = ()  # every date-like column, in priority order


def locate(sheets: Sequence[Sheet]) -> Located | None:
    """The bank-statement header in the first sheet that has one (a payment platform's bill,
    whose header has an order number or a payment-method column, is not one)."""
    for sheet in sheets:
        header = find_header(sheet, ALIASES, accepts, SUB_LABELS)
        if header is not None and not PAYMENT_APP_LABELS.intersection(header.labels):
            _merge_date_time(header.columns)
            taken = set(header.columns.values())
            memo = tuple(
                col
                for label in MEMO_LABELS
                for col, text in enumerate(header.labels)
                if text == label and col not in taken
            )
            dates = tuple(
                dict.fromkeys(
                    col
                    for label in ALIASES["date"]
                    for col, text in enumerate(header.labels)
                    if text == label
                )
            )
            return Located(header, memo, dates)
    return None


class BankStatementImporter(SourceImporter):
    """Any bank statement table with a date and an amount convention (see the module doc)."""

    importer_name: ClassVar[str] = "bank-statement"
    needs: ClassVar[str] = (
        "a header row with a date column (交易日期/记账日期/交易时间 …) and either debit and credit "
        "columns (借方/贷方, 支出/收入 …) or an amount column (发生额/交易金额 …)"
    )
    default_account: ClassVar[str | None] = "Assets:Bank:Trust"

    def fallback_account(self) -> str | None:
        rules = self.context.rules
        if rules is not None and rules.default_account:
            return rules.default_account
        return self.default_account

    def identify(self, filepath: str) -> bool:
        try:
            sheets = read_table(filepath)
        except (SourceError, OSError):
            return False
        return locate(sheets) is not None

    def read(self, filepath: str) -> Statement:
        sheets = read_table(filepath)
        located = locate(sheets)
        if located is None:
            raise SourceError(
                filepath, f"no bank-statement header row in the first rows: needs {self.needs}"
            )
        return parse_statement(located, self.importer_name, self.currency)


def parse_statement(located: Located, kind: str, default_currency: str = "CNY") -> Statement:
    header = located.header
    sheet = header.sheet
    cols = header.columns
    statement = Statement(file=sheet.file, kind=kind, rows=[])
    statement.date_column = header.label("date")
    pre = preamble_values(header.preamble, PREAMBLE_LABELS)
    statement.account_number = pre.get("account_number")
    stated = currency_code(pre.get("currency", "")) or preamble_currency(header.preamble)
    if stated:
        statement.currency, statement.currency_source = stated, "preamble"
    else:
        statement.currency = default_currency
    for key in ("opening", "closing"):
        if key in pre:
            try:
                value = parse_amount(pre[key])
            except ValueError:
                value = None
            if key == "opening":
                statement.opening_balance = value
            else:
                statement.closing_balance = value
    rows: list[StatementRow] = []
    width_needed = max(cols.values()) + 1
    own_col = cols.get("own_account")
    for row in header.data_rows():
        if row.error:
            statement.rows_read += 1
            texts = tuple(cell_text(c) for c in row.cells)
            statement.errors.append(
                RowError(sheet.file, row.number, "(whole row)", row.error, texts)
            )
            continue
        first = ""
        for value in row.cells:  # the first non-empty cell (most rows: the first cell)
            if value is not None and value != "":
                first = cell_text(value)
                if first:
                    break
        if not first:
            continue
        if first.startswith(TRAILER_MARKS) or first[0] == "#":
            break
        if first.startswith(NOTE_MARKS) or _is_note(row, header):
            continue  # a note below (or between) the rows: 说明 | 交易明细涉及您的个人隐私…
        statement.rows_read += 1
        parsed = _parse_row(row, header, located, statement, width_needed, default_currency)
        if isinstance(parsed, RowError):
            statement.errors.append(parsed)
            continue
        if parsed is None:
            statement.skipped.append(Skipped(row.number, "moved no money (0.00)"))
            continue
        rows.append(parsed)
        if not statement.account_number and own_col is not None and own_col < len(row.cells):
            statement.account_number = cell_text(row.cells[own_col]) or None
    statement.rows = rows
    if not stated and "currency" in cols:
        found = {r.currency for r in rows}
        if len(found) == 1:
            statement.currency = found.pop()
            statement.currency_source = "column"
    elif stated and "currency" in cols:
        statement.currency_source = "preamble"
    if rows:
        _closing(statement)
    return statement


def currency_code(text: str) -> str:
    """The ISO code of a currency as a statement writes it (美元, 美元 现汇, USD, 人民币 …); ""
    when the text names none."""
    key = _CURRENCY_SUFFIX.sub("", norm_label(text))
    if not key:
        return ""
    if key in CURRENCIES:
        return CURRENCIES[key]
    if key.isascii() and key.isalpha() and len(key) == 3:
        return key.upper()
    return ""


def preamble_currency(rows: Sequence[Row]) -> str:
    """A currency stated alone in a preamble cell (``美元 现汇`` without a 币种 label)."""
    for row in rows:
        for cell in row.cells:
            text = cell_text(cell)
            if text and len(text) <= 12:
                code = currency_code(text)
                if code and (not text.isascii() or norm_label(text) in CURRENCIES):
                    return code
    return ""


def _is_note(row: Row, header: Header) -> bool:
    """A row that is text below the table, not a movement: at most two cells, no date and no
    amount where the columns hold them."""
    cells = row.cells
    filled = 0
    for cell in cells:  # most rows are movements: leave as soon as a third cell has content
        if cell is not None and cell != "" and cell_text(cell):
            filled += 1
            if filled > 2:
                return False
    for name in ("date", "amount", "credit", "debit"):
        col = header.columns.get(name)
        if col is None or col >= len(cells):
            continue
        text = cell_text(cells[col])
        if not text:
            continue
        try:
            if name == "date":
                parse_date(cells[col])
            else:
                parse_amount(cells[col])
        except ValueError:
            continue
        return False
    return True


def _currency(text: str, default: str) -> str:
    return currency_code(text) or default


def _parse_row(
    row: Row,
    header: Header,
    located: Located,
    statement: Statement,
    width: int,
    default_currency: str,
) -> StatementRow | RowError | None:
    memo_columns = located.memo_columns
    cols = header.columns
    cells = row.cells
    file = header.sheet.file

    def cell(name: str) -> object:
        col = cols.get(name)
        return cells[col] if col is not None and col < len(cells) else None

    def error(name: str, reason: str) -> RowError:
        return RowError(
            file, row.number, header.label(name), reason, tuple(cell_text(c) for c in cells)
        )

    if len(cells) < width and all(not cell_text(c) for c in cells[len(cells) :]):
        missing = sorted(
            (
                name
                for name, col in cols.items()
                if col >= len(cells) and name in ("date", "amount", "credit", "debit", "direction")
            ),
            key=lambda name: cols[name],
        )
        if missing:
            return error(missing[0], "missing (the row has fewer columns than the header)")
    date_cell = cell("date")
    if not cell_text(date_cell):  # the preferred date column is empty: the next one that is not
        for col in located.date_columns:
            if col < len(cells) and cell_text(cells[col]):
                date_cell = cells[col]
                break
    try:
        day = parse_date(date_cell)
    except ValueError as exc:
        return error("date", str(exc))
    try:
        credit = parse_amount(cell("credit")) if "credit" in cols and "debit" in cols else None
    except ValueError as exc:
        return error("credit", str(exc))
    try:
        debit = parse_amount(cell("debit")) if "credit" in cols and "debit" in cols else None
    except ValueError as exc:
        return error("debit", str(exc))
    if "credit" in cols and "debit" in cols:
        if credit is None and debit is None:
            if "amount" not in cols:
                return error("credit", "missing: neither debit nor credit amount")
        else:
            amount = (credit or Decimal(0)) - (debit or Decimal(0))
            if not amount and not (credit or debit):
                return None  # 0.00 / 0.00: a row that moved no money (rate change, notice)
            return _finish(
                row, header, memo_columns, day, amount, cell, default_currency, statement
            )
    try:
        value = parse_amount(cell("amount"))
    except ValueError as exc:
        return error("amount", str(exc))
    if value is None:
        return error("amount", "missing")
    if "direction" in cols:
        flag = norm_label(cell("direction"))
        if flag.startswith(OUT_FLAGS):
            value = -abs(value)
        elif flag.startswith(IN_FLAGS):
            value = abs(value)
        else:
            return error(
                "direction",
                f"unknown direction {cell_text(cell('direction'))!r} (expected 借/贷 or 支出/收入)",
            )
    elif "card" in cols:
        value = -value  # a credit-card bill: a positive amount is spending (money out)
    return _finish(row, header, memo_columns, day, value, cell, default_currency, statement)


def _finish(
    row: Row,
    header: Header,
    memo_columns: tuple[int, ...],
    day: date,
    amount: Decimal,
    cell: Callable[[str], object],
    default_currency: str,
    statement: Statement,
) -> StatementRow:
    balance: Decimal | None
    try:
        balance = parse_amount(cell("balance")) if "balance" in header.columns else None
    except ValueError:
        balance = None  # masked balances (xx,yyyy.zz): the row is fine, no assertion from it
    if (
        "direction" not in header.columns
        and "credit" not in header.columns
        and statement.account_number
    ):
        own = _digits(statement.account_number)
        if own and _digits(cell_text(cell("payer_account"))) == own:
            amount = -abs(amount)
        elif own and _digits(cell_text(cell("payee_account"))) == own:
            amount = abs(amount)
    memo_parts: list[str] = []
    for col in memo_columns:
        if col < len(row.cells):
            text = cell_text(row.cells[col])
            if text and text not in memo_parts:
                memo_parts.append(text)
    counterparty = cell_text(cell("counterparty"))
    counter_account = cell_text(cell("counter_account"))
    if not counterparty and not counter_account:  # payer/payee layouts (BOC, CDB)
        side = "payee" if amount < 0 else "payer"
        counterparty = cell_text(cell(f"{side}_name"))
        counter_account = cell_text(cell(f"{side}_account"))
    serial = cell_text(cell("serial")) or None
    currency = _currency(cell_text(cell("currency")), statement.currency or default_currency)
    return StatementRow(
        row=row.number,
        date=day,
        amount=amount,
        currency=currency,
        # payers, their accounts and memos repeat: one string each (a large statement's rows
        # are held until they are de-duplicated)
        counterparty=sys.intern(counterparty),
        counter_account=sys.intern(counter_account),
        memo=sys.intern(" ".join(memo_parts)),
        serial=serial,
        balance=balance,
    )


def _closing(statement: Statement) -> None:
    """The closing balance: the balance after the latest movement (files may list newest
    first: the running balances tell which way), else the preamble's closing balance."""
    rows = statement.rows
    last: StatementRow | None = None
    if all(r.balance is not None for r in rows):
        ascending = _chain_ok(rows)
        descending = _chain_ok(list(reversed(rows)))
        if ascending and not descending:
            last = rows[-1]
        elif descending and not ascending:
            last = rows[0]
        elif ascending and descending:
            last = rows[-1] if rows[-1].date >= rows[0].date else rows[0]
        else:
            last = _last_of_day(rows)
        chained = ascending or descending
    else:
        chained = False
    if last is not None and last.balance is not None:
        statement.closing_balance = last.balance
        statement.closing_date = max(r.date for r in rows)
        if statement.opening_balance is None and chained:
            # the running balances add up: the balance before the first row is the opening
            first = rows[0] if last is rows[-1] else rows[-1]
            statement.opening_balance = (first.balance or Decimal(0)) - first.amount
    elif statement.closing_balance is not None:
        statement.closing_date = max(r.date for r in rows)


def _last_of_day(rows: Sequence[StatementRow]) -> StatementRow | None:
    """The last movement of the statement's last day when the rows are not in booking order
    (same-day rows sorted some other way): the row whose balance, less the day's movements,
    is the balance some row of that day started from. None when no row fits (a balance
    column that does not add up asserts nothing)."""
    day = max(r.date for r in rows)
    today = [r for r in rows if r.date == day]
    total = sum((r.amount for r in today), Decimal(0))
    starts = {r.balance - r.amount for r in today if r.balance is not None}
    fits = [r for r in today if r.balance is not None and r.balance - total in starts]
    return fits[0] if len(fits) == 1 else None


def _digits(text: str | None) -> str:
    return re.sub(r"[\s\-\u3000]", "", text or "")


def _chain_ok(rows: Sequence[StatementRow]) -> bool:
    for before, after in itertools.pairwise(rows):
        assert before.balance is not None and after.balance is not None
        if before.balance + after.amount != after.balance:
            return False
    return True


def statement_dates(statement: Statement) -> tuple[date, date] | None:
    if not statement.rows:
        return None
    days = [r.date for r in statement.rows]
    return min(days), max(days)
