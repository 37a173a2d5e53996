"""WeChat and Alipay bills: direction rules, fees, refunds, row errors (small inline files)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from beancount.core import amount, data

from importers.base import ImportContext
from importers.payapps import AlipayImporter, WeChatImporter
from importers.rules import Rules

WECHAT_HEAD = (
    "微信支付账单明细,,,,,,,,,,\n"
    "微信昵称：[物业收款],,,,,,,,,,\n"
    "----------------------微信支付账单明细列表--------------------,,,,,,,,,,\n"
    "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n"
)
ALIPAY_HEAD = (
    "------------------------------------------------------------------------------------\n"
    "支付宝账户：2088000000000001\n"
    "------------------------支付宝支付科技有限公司  电子客户回单------------------------\n"
    "交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def postings(entries: list[data.Directive], account: str) -> Decimal:
    total = Decimal(0)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account == account and posting.units is not None:
                    total += posting.units.number or 0
    return total


def test_wechat_qr_collection_goes_to_the_room_in_the_payers_note(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bill.csv",
        WECHAT_HEAD
        + "2025-03-02 09:15:00,二维码收款,张先生,收款方备注:二维码收款付款方留言:3-1-101 3月物业费,收入,¥268.50,零钱,已收钱,10000001\t,/\t,/\n",
    )
    importer = WeChatImporter(ImportContext(rules=Rules(default_account="Assets:Bank:Trust")))
    assert importer.identify(path)
    statement = importer.read(path)
    assert statement.errors == []
    assert statement.account_number == "物业收款"
    (entry,) = importer.build(statement, path)
    assert isinstance(entry, data.Transaction)
    assert entry.meta["serial"] == "10000001"
    assert entry.meta["lineno"] == 5  # the row as a person counts it
    # the rules' bank default does not apply: app money is held by the manager
    assert entry.postings[0].account == "Assets:Clearing:Manager"
    assert entry.postings[0].units == amount.Amount(Decimal("268.50"), "CNY")
    assert entry.postings[1].account == "Assets:Receivable:Fees"
    assert (entry.postings[1].meta or {}).get("unit") == "3-1-101"


def test_wechat_withdrawal_takes_gross_out_and_books_the_fee(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bill.csv",
        WECHAT_HEAD
        + "2025-03-05 10:00:00,零钱提现,招商银行(1234),/,/,¥1001.10,招商银行(1234),提现已到账,20001\t,/,服务费¥1.00\n",
    )
    importer = WeChatImporter()
    statement = importer.read(path)
    (row,) = statement.rows
    assert (row.amount, row.fee) == (Decimal("-1000.10"), Decimal("1.00"))
    entries = importer.build(statement, path)
    assert postings(entries, "Assets:Clearing:Manager") == Decimal("-1001.10")
    assert postings(entries, "Expenses:Admin:BankFees") == Decimal("1.00")


def test_wechat_rows_that_do_not_touch_the_balance_are_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bill.csv",
        WECHAT_HEAD
        + "2025-03-01 08:00:00,商户消费,超市,日用品,支出,¥30.00,中国银行(1234),支付成功,30001,/,/\n"  # paid by card
        + "2025-03-01 09:00:00,转入零钱通-来自零钱,/,/,/,¥500.00,零钱,支付成功,30002,/,/\n"  # internal
        + "2025-03-01 10:00:00,零钱通转出-到工商银行(9876),/,/,/,¥200.00,零钱通,支付成功,30003,/,/\n"  # out
        + "2025-03-01 11:00:00,保洁用品-退款,超市,/,收入,¥12.00,零钱,已退款,30004,/,/\n"  # refund in
        + "2025-03-01 12:00:00,二维码收款,李女士,/,收入,¥10.00,零钱,支付失败,30005,/,/\n",  # failed
    )
    statement = WeChatImporter().read(path)
    assert statement.rows_read == 5
    assert [(r.serial, r.amount) for r in statement.rows] == [
        ("30003", Decimal("-200.00")),
        ("30004", Decimal("12.00")),
    ]


def test_wechat_repeated_serials_stay_separate_rows(tmp_path: Path) -> None:
    row = "2025-03-02 09:15:00,二维码收款,张先生,/,收入,¥100.00,零钱,已收钱,777,/,/\n"
    path = write(tmp_path, "bill.csv", WECHAT_HEAD + row + row)
    statement = WeChatImporter().read(path)
    assert [r.serial for r in statement.rows] == ["777", "777#2"]


def test_wechat_scientific_notation_id_is_a_row_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bill.csv",
        WECHAT_HEAD
        + "2025-03-02 09:15:00,二维码收款,张先生,/,收入,¥100.00,零钱,已收钱,4.00123E+27,/,/\n",
    )
    statement = WeChatImporter().read(path)
    assert statement.rows == []
    (error,) = statement.errors
    assert str(error).startswith(f"{path}:5: 交易单号: id in scientific notation (4.00123E+27)")


def test_wechat_bad_amount_and_date_name_row_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bill.csv",
        WECHAT_HEAD
        + "2025-03-02 09:15:00,二维码收款,张先生,/,收入,¥1O0.00,零钱,已收钱,1,/,/\n"
        + "2025-13-02 09:15:00,二维码收款,张先生,/,收入,¥100.00,零钱,已收钱,2,/,/\n"
        + "2025-03-02 09:15:00,二维码收款,张先生,/,收入,¥100.00,零钱,已收钱,3,/,/\n",
    )
    statement = WeChatImporter().read(path)
    assert [str(e) for e in statement.errors] == [
        f"{path}:5: 金额(元): not an amount: '¥1O0.00'",
        f"{path}:6: 交易时间: not a date: '2025-13-02 09:15:00'",
    ]
    # a rejected row never takes the good ones along (the import refuses the file unless
    # --skip-bad-rows, which writes row 7)
    assert [row.row for row in statement.rows] == [7]
    assert statement.errors[0].cells[8] == "1"  # the row's cells, for the .rejected.csv


def test_alipay_gbk_closed_order_and_its_refund_cancel(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "alipay.csv",
        ALIPAY_HEAD
        + "2025-03-01 10:00:00,生活服务,业主甲,a***@qq.com,2-1-301 物业费,收入,300.00,余额,交易成功,2025030100001\t,,,\n"
        + "2025-03-02 10:00:00,日用百货,商店,/,清洁剂,支出,50.00,余额,交易关闭,2025030200002\t,,,\n"
        + "2025-03-03 10:00:00,退款,商店,/,退款-清洁剂,不计收支,50.00,余额,退款成功,2025030200002_R1\t,,,\n"
        + "2025-03-04 10:00:00,退款,商店,/,退款-拖把,不计收支,20.00,余额,退款成功,2025030400004\t,,,\n"
        + "2025-03-05 10:00:00,日用百货,商店,/,水桶,支出,15.00,交通银行信用卡(7449),交易成功,2025030500005\t,,,\n"
        + "2025-03-06 06:00:00,投资理财,天弘基金,,余额宝收益发放,不计收支,0.31,余额宝,交易成功,2025030600006,,,\n",
        encoding="gbk",
    )
    importer = AlipayImporter()
    assert importer.identify(path)
    assert not WeChatImporter().identify(path)
    statement = importer.read(path)
    assert statement.errors == []
    assert statement.account_number == "2088000000000001"
    assert [(r.serial, r.amount) for r in statement.rows] == [
        ("2025030100001", Decimal("300.00")),
        ("2025030400004", Decimal("20.00")),
        ("2025030600006", Decimal("0.31")),  # 余额宝 interest
    ]
    assert statement.rows_read == 6


def test_wechat_import_end_to_end_then_reimport_adds_nothing(tmp_path: Path) -> None:
    from ledger.loader import load
    from trustfund.ops.importing import import_files

    ledger_path = tmp_path / "main.beancount"
    ledger_path.write_text(
        'option "operating_currency" "CNY"\n'
        "2024-01-01 open Assets:Clearing:Manager CNY\n"
        "2024-01-01 open Assets:Receivable:Fees CNY\n"
        "2024-01-01 open Expenses:Admin:BankFees CNY\n"
        "2024-01-01 open Assets:Bank:Trust CNY\n"
        '2024-01-01 custom "tf-unit" "3-1-101" 89.50 "O-0001"\n',
        encoding="utf-8",
    )
    (tmp_path / "import-rules.toml").write_text(
        '[[rule]]\nmemo = "零钱提现"\naccount = "Assets:Bank:Trust"\n', encoding="utf-8"
    )
    row = "2025-03-02 09:15:00,二维码收款,张先生,收款方备注:二维码收款付款方留言:3-1-101 物业费,收入,¥200.00,零钱,已收钱,{}\t,/,/\n"
    bill = write(
        tmp_path,
        "bill.csv",
        WECHAT_HEAD
        + row.format("9001")
        + row.format("9002")  # a second owner paying the same amount the same minute: kept
        + "2025-03-03 10:00:00,零钱提现,工商银行(9876),/,/,¥400.00,工商银行(9876),提现已到账,9003\t,/,服务费¥0.40\n",
    )
    (first,) = import_files([Path(bill)], ledger_path, echo=lambda *a, **k: None)
    assert (first.importer, first.new, first.duplicate) == ("wechat", 3, 0)
    ledger = load(ledger_path)
    assert [e.message for e in ledger.errors if not e.message.startswith("TF")] == []
    clearing = Decimal(0)
    receivable_units = []
    for entry in ledger.entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account == "Assets:Clearing:Manager" and posting.units is not None:
                    clearing += posting.units.number or 0
                if posting.account == "Assets:Receivable:Fees":
                    receivable_units.append((posting.meta or {}).get("unit"))
    assert clearing == Decimal(
        "0.00"
    )  # 400 collected, 400 withdrawn (399.60 to the bank + 0.40 fee)
    assert receivable_units == ["3-1-101", "3-1-101"]
    (withdrawal,) = [
        e
        for e in ledger.entries
        if isinstance(e, data.Transaction) and e.meta.get("serial") == "9003"
    ]
    assert [(p.account, str(p.units)) for p in withdrawal.postings] == [
        ("Assets:Clearing:Manager", "-399.60 CNY"),
        ("Assets:Bank:Trust", "399.60 CNY"),
        ("Assets:Clearing:Manager", "-0.40 CNY"),
        ("Expenses:Admin:BankFees", "0.40 CNY"),
    ]
    (again,) = import_files([Path(bill)], ledger_path, echo=lambda *a, **k: None)
    assert (again.new, again.duplicate) == (0, 3)


def test_wechat_merchant_bill_resaved_by_excel_is_rejected(tmp_path: Path) -> None:
    from importers.payapps import WeChatMerchantImporter

    header = "交易时间\t公众账号ID\t商户号\t微信订单号\t商户订单号\t交易状态\t货币种类\t应结订单金额\t微信退款单号\t退款金额\t商品名称\t商户数据包\t手续费\n"
    path = write(
        tmp_path,
        "bill.txt",
        header
        + "2016/5/4 2:18\twx1\t19000\t4.00123E+27\tTF1\tSUCCESS\tCNY\t6\t0\t0\t物业费\t3-1-101\t0.036\n",
    )
    importer = WeChatMerchantImporter()
    assert importer.identify(path)
    statement = importer.read(path)
    assert [str(e) for e in statement.errors] == [
        f"{path}:2: 微信订单号: id in scientific notation (4.00123E+27): a spreadsheet lost its digits; export the file again (ids as text)"
    ]
    ok = write(
        tmp_path,
        "ok.txt",
        header
        + "2016/5/4 2:18\twx1\t19000\t4200000001\tTF1\tSUCCESS\tCNY\t6\t0\t0\t物业费\t3-1-101\t0.036\n",
    )
    (row,) = importer.read(ok).rows
    assert (str(row.date), row.amount, row.fee, row.memo) == (
        "2016-05-04",
        Decimal("6.00"),
        Decimal("0.036"),
        "物业费 3-1-101",
    )


def test_a_line_in_the_wrong_encoding_is_a_row_error(tmp_path: Path) -> None:
    row = "2025-03-02 09:15:00,二维码收款,张先生,/,收入,¥100.00,零钱,已收钱,{},/,/\n"
    raw = (
        (WECHAT_HEAD + row.format(1)).encode("utf-8")
        + row.format(2).encode("gb18030")
        + row.format(3).encode("utf-8")
    )
    path = tmp_path / "bill.csv"
    path.write_bytes(raw)
    statement = WeChatImporter().read(str(path))
    assert [str(e) for e in statement.errors] == [
        f"{path}:6: 交易时间: wrong encoding: byte 21 of the line is not UTF-8"
    ]
    assert [row.serial for row in statement.rows] == ["1", "3"]


def test_alipay_older_web_layout_is_read_by_column_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "alipay_record.csv",
        "支付宝交易记录明细查询\n账号:[20880000000000010156]\n"
        "---------------------------------交易记录明细列表------------------------------------\n"
        "交易号,商家订单号,交易创建时间,付款时间,最近修改时间,交易来源地,类型,交易对方,商品名称,金额（元）,收/支,交易状态,服务费（元）,成功退款（元）,备注,资金状态,\n"
        "2019010122001400000001\t,T1\t,2019-01-01 09:00:00,2019-01-01 09:00:05,2019-01-01 09:00:05,其他（包括阿里巴巴和外部商家）,即时到账交易,业主乙,2-1-301 物业费,300.00,收入,交易成功,0.00,0.00,,已收入,\n"
        "------------------------------------------------------------------------------------\n"
        "共1笔记录\n",
        encoding="gb18030",
    )
    importer = AlipayImporter()
    assert importer.identify(path)
    statement = importer.read(path)
    assert statement.errors == []
    assert [(r.serial, str(r.date), r.amount, r.memo) for r in statement.rows] == [
        ("2019010122001400000001", "2019-01-01", Decimal("300.00"), "2-1-301 物业费")
    ]


def test_wechat_xlsx_numeric_amounts_never_go_through_float_arithmetic(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in WECHAT_HEAD.splitlines():
        sheet.append(line.split(",") if line.startswith("交易时间") else [line.split(",")[0]])
    sheet.append(
        [
            "2025-03-02 09:15:00",
            "二维码收款",
            "张先生",
            "/",
            "收入",
            0.1 + 0.2,
            "零钱",
            "已收钱",
            "8001\t",
            "/",
            "/",
        ]
    )
    sheet.append(
        [
            "2025-03-02 09:16:00",
            "二维码收款",
            "李女士",
            "/",
            "收入",
            268.5,
            "零钱",
            "已收钱",
            8002,
            "/",
            "/",
        ]
    )
    sheet.append(
        [
            "2025-03-02 09:17:00",
            "二维码收款",
            "王先生",
            "/",
            "收入",
            1000,
            "零钱",
            "已收钱",
            8003.0,
            "/",
            "/",
        ]
    )
    path = tmp_path / "bill.xlsx"
    workbook.save(path)
    statement = WeChatImporter().read(str(path))
    assert statement.errors == []
    assert [(r.serial, r.amount) for r in statement.rows] == [
        ("8001", Decimal("0.30")),
        ("8002", Decimal("268.50")),
        ("8003", Decimal("1000.00")),
    ]
