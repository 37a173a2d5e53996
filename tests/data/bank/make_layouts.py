"""Write one small statement per corporate (对公) layout of fixtures/INDEX.md §4.

The layouts' *facts* (sheet name, header row, preamble labels, column names, amount
convention) come from INDEX.md §4; the files themselves are written here, with invented data
(no third-party file is copied). Run ``python tests/data/bank/make_layouts.py`` to rewrite them;
then regenerate the expected ``.beancount`` files on purpose
(``TF_REGENERATE=1 pytest tests/importers_core``) and review the diff.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
OWN = "5101 0188 0000 1234 5678"
OPENING = Decimal("100000.00")

# date, signed amount, counterparty, counter account, memo, serial
MOVES = [
    (
        datetime(2026, 1, 3, 9, 15),
        Decimal("1580.00"),
        "张三",
        "6222020000001111",
        "3-1-1001 1月物业费",
        "B2026010300017",
    ),
    (
        datetime(2026, 1, 5, 10, 0),
        Decimal("2000.00"),
        "分众楼宇传媒有限公司",
        "1100223344",
        "电梯广告位租金 2026-01",
        "B2026010500003",
    ),
    (
        datetime(2026, 1, 8, 14, 30),
        Decimal("-12500.00"),
        "洁美保洁服务有限公司",
        "3300112233",
        "AP-2026-001 1月保洁费",
        "B2026010800021",
    ),
    (
        datetime(2026, 1, 8, 15, 2),
        Decimal("320.00"),
        "李四",
        "6222020000002222",
        "1-2-502 物业费",
        "B2026010800022",
    ),
    (
        datetime(2026, 1, 8, 15, 9),
        Decimal("320.00"),
        "王五",
        "6222020000003333",
        "2-1-301 物业费",
        "B2026010800023",
    ),
]


@dataclass
class Layout:
    name: str
    header: list[str]
    roles: dict[str, str]  # role -> column name
    convention: str  # "dc" | "flag" | "payer"
    header_row: int = 1
    preamble: list[list[object]] = field(default_factory=list)
    sheet: str = "Sheet1"
    flags: tuple[str, str] = ("借", "贷")  # (out, in)
    date_style: str = "datetime"  # datetime | date | compact | slash | serial | cell
    sub_header: list[str] | None = None  # CCB_01 second header row
    trailer: list[list[object]] = field(default_factory=list)
    spacer: bool = False  # an empty row between header and data (四川农信)
    formats: tuple[str, ...] = ("xlsx",)  # also "csv-utf8", "csv-bom", "csv-gbk"


def _date(value: datetime, style: str) -> object:
    if style == "datetime":
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if style == "date":
        return value.strftime("%Y-%m-%d")
    if style == "compact":
        return value.strftime("%Y%m%d")
    if style == "slash":
        return value.strftime("%Y/%m/%d  %H:%M:%S")
    if style == "serial":
        return (value.date() - datetime(1899, 12, 30).date()).days
    return value  # a real date cell


LAYOUTS = [
    Layout(
        "BOC_01",
        [
            "交易类型[ Transaction Type ]",
            "业务类型[ Business type ]",
            "付款人开户行号[ Account holding bank number of payer ]",
            "付款人开户行名[ Payer account bank ]",
            "付款人账号[ Debit Account No. ]",
            "付款人名称[ Payer's Name ]",
            "收款人开户行行号[ Account holding bank number of beneficiary ]",
            "收款人开户行名[ Beneficiary account bank ]",
            "收款人账号[ Payee's Account Number ]",
            "收款人名称[ Payee's Name ]",
            "交易日期[ Transaction Date ]",
            "交易时间[ Transaction time ]",
            "交易货币[ Trade Currency ]",
            "交易金额[ Trade Amount ]",
            "交易后余额[ After-transaction balance ]",
            "起息日期[ Value Date ]",
            "汇率[ Exchange rate ]",
            "交易流水号[ Transaction reference number ]",
            "摘要[ Reference ]",
            "用途[ Purpose ]",
            "交易附言[ Remark ]",
            "备注[ Remarks ]",
        ],
        {
            "date": "交易日期[ Transaction Date ]",
            "amount": "交易金额[ Trade Amount ]",
            "balance": "交易后余额[ After-transaction balance ]",
            "serial": "交易流水号[ Transaction reference number ]",
            "memo": "交易附言[ Remark ]",
            "currency": "交易货币[ Trade Currency ]",
        },
        "payer",
        header_row=9,
        date_style="compact",
        preamble=[
            ["查询账号[ Inquirer account number ]", OWN],
            ["总笔数[Total number ]", 5],
            ["借方发生总笔数[ Total Numbers of Debited Payments ]", 1],
            ["借方发生总额[ Total Debit Amount of Payments ]", 12500],
            ["贷方发生总笔数[ Total Numbers of Credited Payments ]", 4],
            ["贷方发生总额[ Total Credit Amount of Payments ]", 4220],
            ["查询时间范围[ Time Range ]", "20260101-20260131"],
            [],
        ],
    ),
    Layout(
        "BCM_01",
        [
            "交易时间",
            "摘要",
            "凭证种类",
            "凭证号码",
            "企业业务编号",
            "发生额",
            "币种",
            "余额",
            "对方账号",
            "对方户名",
            "借贷标志",
            "卡号",
        ],
        {
            "date": "交易时间",
            "amount": "发生额",
            "flag": "借贷标志",
            "balance": "余额",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "memo": "摘要",
            "currency": "币种",
        },
        "flag",
        header_row=2,
        preamble=[[f"查询账号: {OWN}   户  名: 信义小区业主大会"]],
        flags=("借", "贷"),
        formats=("xlsx", "csv-utf8"),
    ),
    Layout(
        "CIB_01",
        [
            "银行流水号",
            "账号",
            "户名",
            "凭证代号",
            "币种",
            "现/转",
            "借方金额（支出）",
            "贷方金额（收入）",
            "账户余额",
            "摘要",
            "对方账号",
            "对方户名",
            "对方银行",
            "对方行号",
            "记账日期",
            "交易时间",
            "用途",
            "备注",
        ],
        {
            "serial": "银行流水号",
            "own_account": "账号",
            "debit": "借方金额（支出）",
            "credit": "贷方金额（收入）",
            "balance": "账户余额",
            "memo": "用途",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "date": "记账日期",
        },
        "dc",
        date_style="compact",
        formats=("xlsx", "csv-bom"),
    ),
    Layout(
        "CIB_02",
        [
            "银行流水号",
            "账号",
            "户名",
            "凭证代号",
            "币种",
            "现/转",
            "借方金额(支出)",
            "贷方金额(收入)",
            "账户余额",
            "摘要",
            "对方账号",
            "对方户名",
            "对方银行",
            "对方行号",
            "记账日期",
            "交易时间",
            "用途",
            "备注",
        ],
        {
            "serial": "银行流水号",
            "own_account": "账号",
            "debit": "借方金额(支出)",
            "credit": "贷方金额(收入)",
            "balance": "账户余额",
            "memo": "用途",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "date": "记账日期",
        },
        "dc",
        date_style="date",
    ),
    Layout(
        "ABC_01_noacct",
        [
            "交易时间",
            "收入金额",
            "支出金额",
            "账户余额",
            "交易行名",
            "对方省市",
            "对方账号",
            "对方户名",
            "交易用途",
            "摘要",
            "会计日期",
        ],
        {
            "date": "交易时间",
            "credit": "收入金额",
            "debit": "支出金额",
            "balance": "账户余额",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "memo": "交易用途",
        },
        "dc",
        header_row=2,
        preamble=[["账户明细"]],
    ),
    Layout(
        "ABC_01_acct1",
        [
            "交易时间",
            "收入金额",
            "支出金额",
            "账户余额",
            "交易行名",
            "对方省市",
            "对方账号",
            "对方户名",
            "交易用途",
            "摘要",
            "会计日期",
        ],
        {
            "date": "交易时间",
            "credit": "收入金额",
            "debit": "支出金额",
            "balance": "账户余额",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "memo": "交易用途",
        },
        "dc",
        header_row=3,
        preamble=[["账户明细"], ["账户号", OWN, "账户名称", "信义小区业主大会"]],
    ),
    Layout(
        "ABC_01_acct2",
        [
            "交易时间",
            "收入金额",
            "支出金额",
            "账户余额",
            "对方账号",
            "对方户名",
            "交易用途",
            "对方开户行",
            "摘要",
            "交易说明",
        ],
        {
            "date": "交易时间",
            "credit": "收入金额",
            "debit": "支出金额",
            "balance": "账户余额",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "memo": "交易用途",
        },
        "dc",
        header_row=3,
        preamble=[
            ["账户明细"],
            [f"账号:{OWN}", "户名:信义小区业主大会", "币种:人民币", "起止日期:20260101-20260131"],
        ],
    ),
    Layout(
        "ABC_02_noacct",
        [
            "交易日期",
            "交易时间戳",
            "收入金额",
            "支出金额",
            "本次余额",
            "手续费总额",
            "交易方式",
            "交易行名",
            "交易类别",
            "对方省市",
            "对方账号",
            "对方户名",
            "交易说明",
            "交易摘要",
            "交易附言",
            "交易凭证号",
            "交易日志号",
            "账簿号",
            "账簿名称",
        ],
        {
            "date": "交易日期",
            "credit": "收入金额",
            "debit": "支出金额",
            "balance": "本次余额",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "memo": "交易附言",
            "serial": "交易日志号",
        },
        "dc",
        header_row=2,
        preamble=[["账户明细"]],
        date_style="compact",
    ),
    Layout(
        "ABC_02_acct",
        [
            "交易日期",
            "交易时间戳",
            "收入金额",
            "支出金额",
            "本次余额",
            "手续费总额",
            "交易方式",
            "交易行名",
            "交易类别",
            "对方省市",
            "对方账号",
            "对方户名",
            "交易说明",
            "交易摘要",
            "交易附言",
            "交易凭证号",
            "交易日志号",
            "账簿号",
            "账簿名称",
        ],
        {
            "date": "交易日期",
            "credit": "收入金额",
            "debit": "支出金额",
            "balance": "本次余额",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "memo": "交易附言",
            "serial": "交易日志号",
        },
        "dc",
        header_row=3,
        preamble=[["账户明细"], ["账户号", OWN, "账户名称", "信义小区业主大会"]],
        date_style="cell",
    ),
    Layout(
        "SCRCB_01",
        [
            "交易日期",
            "交易时间",
            "收入/支出",
            "收入金额",
            "支出金额",
            "账户余额",
            "对方户名",
            "对方账号",
            "对方银行/机构",
            "交易流水号",
            "摘要",
        ],
        {
            "date": "交易日期",
            "flag": "收入/支出",
            "credit": "收入金额",
            "debit": "支出金额",
            "balance": "账户余额",
            "counterparty": "对方户名",
            "counter_account": "对方账号",
            "serial": "交易流水号",
            "memo": "摘要",
        },
        "dc",
        header_row=3,
        sheet="借记卡交易明细表",
        preamble=[
            ["四川农信账户交易明细"],
            [
                f"户名:信义小区业主大会\n账号：{OWN}\n开户行：成都分行\n币种：人民币\n单位：元\n"
                "查询时间：2026-02-01\n交易区间：20260101-20260131\n收入合计：4,220.00\n支出合计：12,500.00"
            ],
        ],
        flags=("支出", "收入"),
        spacer=True,
        date_style="date",
    ),
    Layout(
        "CQRCB_01",
        [
            "序号",
            "交易流水号",
            "交易日期",
            "币种",
            "收入金额",
            "支出金额",
            "余额",
            "交易账号",
            "对方银行",
            "对方账户名",
            "对方账号",
            "交易渠道",
            "用途",
            "备注",
            "摘要",
        ],
        {
            "serial": "交易流水号",
            "date": "交易日期",
            "credit": "收入金额",
            "debit": "支出金额",
            "balance": "余额",
            "counterparty": "对方账户名",
            "counter_account": "对方账号",
            "memo": "用途",
        },
        "dc",
        sheet="Sheet0",
        date_style="serial",
    ),
    Layout(
        "HXB_01",
        [
            "序号",
            "交易日期",
            "交易时间",
            "支出金额",
            "收入金额",
            "余额",
            "对方账号",
            "对方户名",
            "对方行名",
            "核心流水号",
            "交易描述",
            "摘要",
            "凭证号码",
            "明细标注",
            "记账日期",
        ],
        {
            "date": "交易日期",
            "debit": "支出金额",
            "credit": "收入金额",
            "balance": "余额",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "serial": "核心流水号",
            "memo": "交易描述",
        },
        "dc",
        header_row=8,
        sheet="账户明细下载文件",
        preamble=[
            [f"账号：{OWN}", "户名：信义小区业主大会"],
            ["币种：人民币"],
            ["查询日期：20260201"],
            ["交易方向：全部"],
            ["排序方向：升序"],
            ["收入总金额：4,220.00", "收入总笔数：4"],
            ["支出总金额：12,500.00", "支出总笔数：1"],
        ],
    ),
    Layout(
        "CDB_01",
        [
            "交易时间",
            "交易参考号",
            "摘要",
            "付款账号",
            "付款户名",
            "付款方开户行号",
            "付款方开户行名",
            "收款账号",
            "收款户名",
            "收款方开户行号",
            "收款方开户行名",
            "收入/支出标志",
            "发生额（元）",
            "交易后余额（元）",
        ],
        {
            "date": "交易时间",
            "serial": "交易参考号",
            "memo": "摘要",
            "flag": "收入/支出标志",
            "amount": "发生额（元）",
            "balance": "交易后余额（元）",
        },
        "flag+payer",
        header_row=2,
        preamble=[[f"存款账号： [ {OWN} ]  起止日期： 2026-01-01 至 2026-01-31"]],
        flags=("支出", "收入"),
    ),
    Layout(
        "CDB_02",
        [
            "账号",
            "账户名称",
            "交易时间",
            "借方发生额（支取）",
            "贷方发生额（收入）",
            "余额",
            "币种",
            "对方户名",
            "对方账号",
            "对方开户机构",
            "记账日期",
            "摘要",
            "备注",
            "账户明细编号-交易流水号",
            "企业流水号",
            "凭证种类",
            "凭证号",
        ],
        {
            "own_account": "账号",
            "date": "交易时间",
            "debit": "借方发生额（支取）",
            "credit": "贷方发生额（收入）",
            "balance": "余额",
            "counterparty": "对方户名",
            "counter_account": "对方账号",
            "memo": "摘要",
            "serial": "账户明细编号-交易流水号",
        },
        "dc",
        sheet="A058171TD_ND511820210022265787",
    ),
    Layout(
        "ICBC_01",
        [
            "凭证号",
            "对方账号",
            "交易时间",
            "借贷标志",
            "对方单位",
            "对方行号",
            "用途",
            "摘要",
            "附言",
            "回单个性化信息",
            "余额",
            "转出金额",
            "转入金额",
            "本方账号",
        ],
        {
            "counter_account": "对方账号",
            "date": "交易时间",
            "flag": "借贷标志",
            "counterparty": "对方单位",
            "memo": "附言",
            "balance": "余额",
            "debit": "转出金额",
            "credit": "转入金额",
            "own_account": "本方账号",
        },
        "dc",
        header_row=2,
        sheet="工行基本户",
        preamble=[["[HISTORYDETAIL]"]],
        formats=("xlsx", "csv-gbk"),
    ),
    Layout(
        "ICBC_02",
        ["日期", "交易类型", "对方户名", "对方账号", "摘要", "借方发生额", "贷方发生额", "余额"],
        {
            "date": "日期",
            "counterparty": "对方户名",
            "counter_account": "对方账号",
            "memo": "摘要",
            "debit": "借方发生额",
            "credit": "贷方发生额",
            "balance": "余额",
        },
        "dc",
        header_row=5,
        sheet="工行基本户",
        preamble=[
            ["账号:", OWN],
            ["户名:", "信义小区业主大会"],
            ["网点号:", "4402"],
            ["币种:", "人民币"],
        ],
        date_style="date",
        trailer=[["合计", "", "", "", "", "12,500.00", "4,220.00", ""]],
        formats=("xlsx", "csv-gbk"),
    ),
    Layout(
        "ICBC_04",
        [
            "凭证号",
            "本方账号",
            "对方账号",
            "交易时间",
            "借/贷",
            "借方发生额",
            "贷方发生额",
            "对方行号",
            "摘要",
            "用途",
            "对方单位名称",
            "余额",
            "个性化信息",
        ],
        {
            "own_account": "本方账号",
            "counter_account": "对方账号",
            "date": "交易时间",
            "flag": "借/贷",
            "debit": "借方发生额",
            "credit": "贷方发生额",
            "memo": "用途",
            "counterparty": "对方单位名称",
            "balance": "余额",
        },
        "dc",
        header_row=2,
        sheet="Sheet0",
        preamble=[["[HISTORYDETAIL]"]],
    ),
    Layout(
        "PAB_01",
        [
            "交易日期",
            "账号",
            "借",
            "贷",
            "账户余额",
            "对方账户",
            "对方账户名称",
            "交易流水号",
            "单位结算卡号",
            "摘要",
            "用途",
        ],
        {
            "date": "交易日期",
            "own_account": "账号",
            "debit": "借",
            "credit": "贷",
            "balance": "账户余额",
            "counter_account": "对方账户",
            "counterparty": "对方账户名称",
            "serial": "交易流水号",
            "memo": "用途",
        },
        "dc",
        header_row=2,
        preamble=[["平安银行账户明细"]],
        date_style="compact",
    ),
    Layout(
        "CCB_01",
        [
            "记账日期",
            "  交易时间  ",
            "凭证种类",
            "凭证号",
            "发生额/元",
            "",
            "余额/元",
            "钞汇标志",
            "对方户名",
            "对方账号",
            "摘要",
            "备注",
            "账户明细编号-交易流水号",
            "企业流水号",
            "本方账号",
            "本方账户名称",
            "本方账户开户机构",
        ],
        {
            "date": "记账日期",
            "debit": "借方",
            "credit": "贷方",
            "balance": "余额/元",
            "counterparty": "对方户名",
            "counter_account": "对方账号",
            "memo": "备注",
            "serial": "账户明细编号-交易流水号",
            "own_account": "本方账号",
        },
        "dc",
        header_row=8,
        sub_header=[
            "",
            "",
            "",
            "",
            "  借方  ",
            "  贷方  ",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        preamble=[
            ["中国建设银行"],
            ["明细查询结果"],
            ["明细查询结果下载"],
            ["开户机构", "成都分行", "币种", "人民币"],
            ["账　　号", OWN, "利　　率", "0.35%"],
            ["账户名称", "信义小区业主大会", "账户状态", "正常"],
            [],
        ],
        date_style="compact",
    ),
    Layout(
        "CCB_02",
        [
            "账号",
            "账户名称",
            "交易时间",
            "借方发生额（支取）",
            "贷方发生额（收入）",
            "余额",
            "币种",
            "对方户名",
            "对方账号",
            "对方开户机构",
            "记账日期",
            "摘要",
            "备注",
            "账户明细编号-交易流水号",
            "企业流水号",
            "凭证种类",
            "凭证号",
            *[f"个性化信息名称{i}" for i in range(1, 11)],
            *[f"个性化信息{i}" for i in range(1, 11)],
        ],
        {
            "own_account": "账号",
            "date": "交易时间",
            "debit": "借方发生额（支取）",
            "credit": "贷方发生额（收入）",
            "balance": "余额",
            "counterparty": "对方户名",
            "counter_account": "对方账号",
            "memo": "备注",
            "serial": "账户明细编号-交易流水号",
        },
        "dc",
    ),
    Layout(
        "CCB_03",
        [
            "交易时间",
            "借方发生额/元(支取)",
            "贷方发生额/元(收入)",
            "余额",
            "币种",
            "对方户名",
            "对方账号",
            "对方开户机构",
            "记账日期",
            "摘要",
            "备注",
            "账户明细编号-交易流水号",
            "企业流水号",
            "凭证种类",
            "凭证号",
            "交易介质编号",
        ],
        {
            "date": "交易时间",
            "debit": "借方发生额/元(支取)",
            "credit": "贷方发生额/元(收入)",
            "balance": "余额",
            "counterparty": "对方户名",
            "counter_account": "对方账号",
            "memo": "备注",
            "serial": "账户明细编号-交易流水号",
        },
        "dc",
        header_row=10,
        sheet="51050188000012345678.xls",
        preamble=[
            ["中国建设银行"],
            ["明细查询结果"],
            ["明细查询结果下载"],
            ["账　　号", OWN, "账户名称", "信义小区业主大会"],
            ["期初余额", "100,000.00", "当前余额", "91,720.00"],
            ["开户行名称", "成都分行", "账户状态", "正常"],
            ["借方发生额", "12,500.00", "借方交易笔数", 1],
            ["贷方发生额", "4,220.00", "贷方交易笔数", 4],
            [],
        ],
    ),
    Layout(
        "CMB_01",
        [
            "交易日",
            "交易时间",
            "起息日",
            "交易类型",
            "借方金额",
            "贷方金额",
            "余额",
            "用途",
            "流水号",
            "流程实例号",
            "业务名称",
            "业务参考号",
            "业务摘要",
            "其它摘要",
            "收(付)方分行名",
            "收(付)方名称",
            "收(付)方账号",
            "收(付)方开户行行号",
            "收(付)方开户行名",
        ],
        {
            "date": "交易日",
            "debit": "借方金额",
            "credit": "贷方金额",
            "balance": "余额",
            "memo": "用途",
            "serial": "流水号",
            "counterparty": "收(付)方名称",
            "counter_account": "收(付)方账号",
        },
        "dc",
        header_row=9,
        date_style="compact",
        preamble=[
            ["标题", "账务明细", "", "公司名称", "信义小区业主大会", "", "银行码", "308"],
            ["接口版本", "1.0", "", "文件类型", "明细", "", "银行账号", OWN],
            ["账户币种", "人民币", "", "生成日期", "20260201", "", "经办人", "王"],
            ["累计借金额", "12,500.00", "", "累计借总笔数", 1, "", "累计贷金额", "4,220.00"],
            ["累计贷总笔数", 4, "", "对账单初期余额", "100,000.00", "", "对账单余额", "91,720.00"],
            ["开户行地区", "成都", "", "查询开始日期", "20260101", "", "查询结束日期", "20260131"],
            ["记录条数", 5],
            [],
        ],
    ),
    Layout(
        "CMBC_01",
        [
            "交易时间",
            "交易流水号",
            "借方发生额",
            "贷方发生额",
            "账户余额",
            "凭证号",
            "客户附言",
            "对方账号",
            "对方账号名称",
            "对方开户行",
        ],
        {
            "date": "交易时间",
            "serial": "交易流水号",
            "debit": "借方发生额",
            "credit": "贷方发生额",
            "balance": "账户余额",
            "memo": "客户附言",
            "counter_account": "对方账号",
            "counterparty": "对方账号名称",
        },
        "dc",
        header_row=18,
        sheet="活期账户明细",
        preamble=[
            ["账户名称:", "信义小区业主大会"],
            ["账号:", OWN],
            ["开户机构:", "成都分行"],
            ["币种:", "人民币"],
            ["起始日期:", "2026-01-01"],
            ["截至日期:", "2026-01-31"],
            ["借贷标志:", "全部"],
            ["排序方式:", "升序"],
            ["冲正流水:", "否"],
            ["冲正金额:", ""],
            ["对方账号:", ""],
            ["对方单位名称:", ""],
            ["按发生额查:", ""],
            ["客户附言:", ""],
            ["借方累计笔数:", 1, "借方累计发生额:", "12,500.00"],
            ["贷方累计笔数:", 4, "贷方累计发生额:", "4,220.00"],
            [],
        ],
    ),
    Layout(
        "SPDB_01",
        [
            "交易日期",
            "交易时间",
            "账务日",
            "凭证号",
            "借方金额",
            "贷方金额",
            "余额",
            "对方账号",
            "对方户名",
            "对方行名",
            "交易流水号",
            "摘要",
            "备注",
        ],
        {
            "date": "交易日期",
            "debit": "借方金额",
            "credit": "贷方金额",
            "balance": "余额",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "serial": "交易流水号",
            "memo": "备注",
        },
        "dc",
        header_row=5,
        date_style="compact",
        preamble=[
            ["账号", OWN],
            ["账户名称", "信义小区业主大会"],
            ["总笔数", 5],
            ["借记总额", "12,500.00", "贷记总额", "4,220.00"],
        ],
    ),
    Layout(
        "CBHB_01",
        [
            "账务日期",
            "交易日期",
            "交易时间",
            "借方发生额",
            "贷方发生额",
            "账户余额",
            "对方名称",
            "对方账号",
            "对方行名称",
            "摘要",
            "附言",
        ],
        {
            "date": "交易日期",
            "debit": "借方发生额",
            "credit": "贷方发生额",
            "balance": "账户余额",
            "counterparty": "对方名称",
            "counter_account": "对方账号",
            "memo": "附言",
        },
        "dc",
        header_row=11,
        date_style="date",
        preamble=[
            ["账户明细查询下载"],
            ["查询日期", "2026-02-01"],
            ["账号", OWN],
            ["账户名称", "信义小区业主大会"],
            ["借方笔数", 1],
            ["借方发生额", "12,500.00"],
            ["贷方笔数", 4],
            ["贷方发生额", "4,220.00"],
            [],
            [],
        ],
    ),
    Layout(
        "CBHB_02",
        [
            "交易日期",
            "交易时间",
            "交易流水号",
            "凭证号",
            "收支标识",
            "交易金额",
            "账户余额",
            "对方户名",
            "对方账号",
            "对方行名",
            "渠道",
            "备注",
            "摘要",
        ],
        {
            "date": "交易日期",
            "serial": "交易流水号",
            "flag": "收支标识",
            "amount": "交易金额",
            "balance": "账户余额",
            "counterparty": "对方户名",
            "counter_account": "对方账号",
            "memo": "备注",
        },
        "flag",
        header_row=9,
        sheet="明细查询",
        flags=("支出", "收入"),
        date_style="date",
        preamble=[
            ["明细查询下载"],
            ["查询日期：", "2026-02-01"],
            ["账号：", OWN],
            ["账户名称：", "信义小区业主大会"],
            ["支出笔数：", 1],
            ["支出发生额：", "12,500.00"],
            ["收入笔数：", 4],
            ["收入发生额：", "4,220.00"],
        ],
    ),
    Layout(
        "CBHB_03",
        [
            "交易日期",
            "交易流水号",
            "凭证号",
            "收支标识",
            "交易金额",
            "账户余额",
            "对方户名",
            "对方账号",
            "对方行名",
            "渠道",
            "备注",
            "摘要",
        ],
        {
            "date": "交易日期",
            "serial": "交易流水号",
            "flag": "收支标识",
            "amount": "交易金额",
            "balance": "账户余额",
            "counterparty": "对方户名",
            "counter_account": "对方账号",
            "memo": "备注",
        },
        "flag",
        header_row=9,
        sheet="明细查询",
        flags=("支", "收"),
        preamble=[
            ["明细查询下载"],
            ["查询日期：", "2026-02-01"],
            ["账号：", OWN],
            ["账户名称：", "信义小区业主大会"],
            ["支出笔数：", 1],
            ["支出发生额：", "12,500.00"],
            ["收入笔数：", 4],
            ["收入发生额：", "4,220.00"],
        ],
    ),
    Layout(
        "FC_01",
        [
            "日期",
            "摘要",
            "订单编号",
            "支付请求号",
            "交易编号",
            "对方账户号",
            "对方账户名称",
            "单据号",
            "起息日",
            "付款金额",
            "收款金额",
            "余额",
        ],
        {
            "date": "日期",
            "memo": "摘要",
            "serial": "交易编号",
            "counter_account": "对方账户号",
            "counterparty": "对方账户名称",
            "debit": "付款金额",
            "credit": "收款金额",
            "balance": "余额",
        },
        "dc",
        header_row=6,
        sheet="report",
        date_style="date",
        preamble=[
            ["中国大唐集团财务有限公司"],
            ["客户对账单"],
            ["开户机构：", "成都", "账户号：", OWN],
            ["户名：", "信义小区业主大会", "币种：", "人民币"],
            [],
        ],
    ),
    Layout(
        "PSBC_01",
        [
            "交易日期",
            "交易时间",
            "支出金额",
            "收入金额",
            "余额",
            "对方账号",
            "对方户名",
            "对方行名",
            "用途",
            "附言",
            "摘要",
            "交易流水号",
        ],
        {
            "date": "交易日期",
            "debit": "支出金额",
            "credit": "收入金额",
            "balance": "余额",
            "counter_account": "对方账号",
            "counterparty": "对方户名",
            "memo": "附言",
            "serial": "交易流水号",
        },
        "dc",
        header_row=5,
        date_style="cell",
        preamble=[
            ["中国邮政储蓄银行账户交易明细"],
            ["账号", OWN, "户名", "信义小区业主大会"],
            ["收入总金额", "4,220.00", "支出总金额", "12,500.00"],
            ["收入总笔数", 4, "支出总笔数", 1],
        ],
        trailer=[["以上数据仅供参考，具体内容请以柜台为准"]],
    ),
]


def _data_rows(layout: Layout, text_amounts: bool) -> list[list[object]]:
    columns = {name: i for i, name in enumerate(layout.header) if name}
    sub = {name.strip(): i for i, name in enumerate(layout.sub_header or []) if name.strip()}
    width = len(layout.header)
    rows = []
    balance = OPENING

    def money(value: Decimal) -> object:
        return f"{value:,.2f}" if text_amounts else float(value)

    for day, amount, who, account, memo, serial in MOVES:
        balance += amount
        row: list[object] = [""] * width

        def put(role: str, value: object, row: list[object] = row) -> None:
            name = layout.roles.get(role)
            if name is None:
                return
            col = columns.get(name, sub.get(name))
            if col is not None:
                row[col] = value

        put("date", _date(day, layout.date_style))
        put("balance", money(balance))
        put("memo", memo)
        put("serial", serial)
        put("own_account", OWN)
        put("currency", "人民币")
        if layout.convention == "payer":
            mine, theirs = (2, 5) if amount > 0 else (5, 2)  # payee/payer name columns by position
            names = (
                "付款人账号[ Debit Account No. ]",
                "付款人名称[ Payer's Name ]",
                "收款人账号[ Payee's Account Number ]",
                "收款人名称[ Payee's Name ]",
            )
            payer_acct, payer_name, payee_acct, payee_name = (columns[n] for n in names)
            if amount > 0:
                row[payer_acct], row[payer_name], row[payee_acct], row[payee_name] = (
                    account,
                    who,
                    OWN,
                    "信义小区业主大会",
                )
            else:
                row[payer_acct], row[payer_name], row[payee_acct], row[payee_name] = (
                    OWN,
                    "信义小区业主大会",
                    account,
                    who,
                )
            del mine, theirs
            put("amount", money(abs(amount)))
        else:
            put("counterparty", who)
            put("counter_account", account)
        if layout.convention == "flag+payer":
            if amount > 0:
                (
                    row[columns["付款账号"]],
                    row[columns["付款户名"]],
                    row[columns["收款账号"]],
                    row[columns["收款户名"]],
                ) = account, who, OWN, "信义小区业主大会"
            else:
                (
                    row[columns["付款账号"]],
                    row[columns["付款户名"]],
                    row[columns["收款账号"]],
                    row[columns["收款户名"]],
                ) = OWN, "信义小区业主大会", account, who
        if "flag" in layout.roles:
            put("flag", layout.flags[0] if amount < 0 else layout.flags[1])
        if layout.convention in ("flag", "flag+payer"):
            put("amount", money(abs(amount)))
        elif layout.convention == "dc":
            put(
                "credit",
                money(amount) if amount > 0 else (money(Decimal(0)) if not text_amounts else ""),
            )
            put(
                "debit",
                money(-amount) if amount < 0 else (money(Decimal(0)) if not text_amounts else ""),
            )
        rows.append(row)
    return rows


def write(layout: Layout, fmt: str) -> Path:
    text = fmt != "xlsx"
    grid: list[list[object]] = [list(r) for r in layout.preamble]
    while len(grid) < layout.header_row - 1:
        grid.append([])
    grid.append(list(layout.header))
    if layout.sub_header:
        grid.append(list(layout.sub_header))
    if layout.spacer:
        grid.append([])
    grid += _data_rows(layout, text)
    grid += [list(r) for r in layout.trailer]
    if fmt == "xlsx":
        path = HERE / f"{layout.name}.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = layout.sheet
        for r, cells in enumerate(grid, 1):
            for c, value in enumerate(cells, 1):
                if value != "":
                    sheet.cell(r, c, value)
        book.properties.creator = "trustfund tests"
        book.save(path)
        return path
    encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gb18030"}[fmt]
    suffix = {"csv-utf8": "utf8", "csv-bom": "bom", "csv-gbk": "gbk"}[fmt]
    path = HERE / f"{layout.name}.{suffix}.csv"
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n" if fmt == "csv-gbk" else "\n").writerows(
            [
                [
                    "" if v is None else (v.isoformat() if isinstance(v, datetime) else v)
                    for v in row
                ]
                for row in grid
            ]
        )
    return path


def main() -> None:
    for layout in LAYOUTS:
        for fmt in layout.formats:
            print(write(layout, fmt).name)


if __name__ == "__main__":
    main()
