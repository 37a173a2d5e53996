"""Bad data never raises: any cell content gives rows or row errors, never an exception."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.payapps import AlipayImporter, WeChatImporter
from importers.records import RowError, SourceError
from importers.registers import ApprovalRegisterImporter, VoteRegisterImporter

CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "/",
            "¥12.30",
            "-5",
            "4.00123E+27",
            "2025-02-30 10:00:00",
            "收入",
            "支出",
            "零钱",
            "1e5",
            "NaN",
            "Infinity",
            "１２",
        ]
    ),
)

CASES = [
    (
        WeChatImporter,
        [
            "交易时间",
            "交易类型",
            "交易对方",
            "商品",
            "收/支",
            "金额(元)",
            "支付方式",
            "当前状态",
            "交易单号",
            "商户单号",
            "备注",
        ],
    ),
    (
        AlipayImporter,
        [
            "交易时间",
            "交易分类",
            "交易对方",
            "对方账号",
            "商品说明",
            "收/支",
            "金额",
            "收/付款方式",
            "交易状态",
            "交易订单号",
            "商家订单号",
            "备注",
        ],
    ),
    (ApprovalRegisterImporter, ["审批编号", "角色", "签批人", "日期", "金额", "币种", "事由"]),
    (VoteRegisterImporter, ["决议编号", "房号", "表决意见", "日期"]),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from(CASES),
    rows=st.lists(st.lists(CELL, min_size=1, max_size=13), min_size=1, max_size=4),
)
def test_random_rows_never_raise(case, rows) -> None:  # type: ignore[no-untyped-def]
    importer_class, header = case
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell.replace("\x00", "") for cell in row])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        importer = importer_class()
        try:
            statement = importer.read(str(path))
        except SourceError:
            return  # a file-level refusal (no header found, missing column) is a valid answer
        assert all(isinstance(error, RowError) and error.row >= 2 for error in statement.errors)
        if not statement.errors:
            importer.build(statement, str(path))
