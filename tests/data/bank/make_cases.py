"""Write the bank-export shapes of issue 13 (invented data, our own files, MIT like the project).

- ``CIB_personal_footer.xlsx``: a 兴业银行 personal-account export: a key/value preamble with
  期初余额, 支出/收入 columns, and the privacy note below the rows
  (``说明 | 交易明细涉及您的个人隐私…``), which is not a row.
- ``CIB_personal_usd.xlsx``: the same bank's export of a US-dollar account, whose currency
  stands only in the preamble (``美元 现汇``, no 币种 label).

Run ``python tests/data/bank/make_cases.py`` to rewrite them, then regenerate the expected
``.beancount`` files on purpose (``TRUSTFUND_REGENERATE=1 pytest tests/importers_core -k golden``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
HEADER = [
    "交易日期",
    "交易时间",
    "摘要",
    "支出",
    "收入",
    "余额",
    "对方户名",
    "对方账号",
    "交易渠道",
    "备注",
]
NOTE = "交易明细涉及您的个人隐私，请妥善保管。本明细仅供参考，以银行系统记录为准。"


def _write(name: str, preamble: list[list[object]], opening: Decimal, rows: list[tuple]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "交易明细"
    for line in preamble:
        sheet.append(line)
    sheet.append(HEADER)
    balance = opening
    for day, clock, memo, amount, party, account in rows:
        amount = Decimal(amount)
        balance += amount
        sheet.append(
            [
                day,
                clock,
                memo,
                f"{-amount:,.2f}" if amount < 0 else "",
                f"{amount:,.2f}" if amount > 0 else "",
                f"{balance:,.2f}",
                party,
                account,
                "网上银行",
                "",
            ]
        )
    sheet.append([])
    sheet.append(["说明", NOTE])
    book.save(HERE / name)


def main() -> None:
    _write(
        "CIB_personal_footer.xlsx",
        [
            ["兴业银行个人账户交易明细"],
            ["账户名称", "信义小区业主委员会(临时)", "账号", "6229 0800 0000 1234"],
            ["币种", "人民币", "起止日期", "2026-01-01 至 2026-01-31"],
            ["期初余额", "5,000.00", "期末余额", "6,260.00"],
        ],
        Decimal("5000.00"),
        [
            ("2026-01-04", "09:12:40", "3-1-1001 1月物业费", "1580.00", "张三", "6222020000001111"),
            ("2026-01-09", "16:20:03", "转账", "-320.00", "洁美保洁服务有限公司", "3300112233"),
        ],
    )
    _write(
        "CIB_personal_usd.xlsx",
        [
            ["兴业银行个人账户交易明细"],
            ["账户名称", "信义小区业主委员会(临时)", "账号", "6229 0800 0000 9876"],
            ["美元 现汇", "", "起止日期", "2026-01-01 至 2026-01-31"],
        ],
        Decimal("1200.00"),
        [
            ("2026-01-06", "10:00:00", "结息", "1.20", "", ""),
            ("2026-01-20", "11:30:00", "汇款", "-200.00", "某外币收款人", "US0012345"),
        ],
    )


if __name__ == "__main__":
    main()
