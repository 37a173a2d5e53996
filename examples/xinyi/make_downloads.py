"""Write ``downloads/``: January 2026's raw exports of the demo community, as a bank would give them.

The demo ledger (``trustfund.ops.generator``) covers 2025. These files carry on into January 2026
so that ``trustfund demo`` (and a treasurer trying the tool) has a month to import:

- ``工行对公明细_202601.xlsx``: the trust account's statement (ICBC 企业网银 layout, sheet
  ``工行基本户``, ``[HISTORYDETAIL]`` marker, 转出/转入 columns): owners paying what they owed
  at the end of 2025 (room number in the 附言), the manager remitting its WeChat collections,
  the three public-income contracts, the five service payments and December's remuneration
  (each 附言 cites its approval id), the bank's monthly charge. Balances run on from the
  ledger's 2026-01-01 balance; the statement was exported on 2026-01-31 and ends on the 30th.
- ``微信支付账单(20260101-20260131).csv``: the manager's WeChat QR-code collections (the real
  bill layout: UTF-8 with BOM, CRLF, 16 preamble lines, ``交易单号``); the payer's note holds
  the room number.
- ``审批登记_202601.csv``: the approval register (committee and manager sign-offs) of
  January's payments, signed by the members the roster (tf-member) names in January 2026;
  each service invoice is at most its contract's monthly amount.
- ``物业收费系统_应收账单_202601.xlsx``: the fee system's January bills per unit (HC 房屋缴费历史
  layout, 实缴金额 0), which the owners' January payments settle.

The categorisation rules are ``import-rules.toml`` beside ``main.beancount``. Run
``python examples/xinyi/make_downloads.py`` after regenerating the 2025 ledger; the output is
deterministic (seed 2026).
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

TRUST_NUMBER = "4402 2300 0910 0012 345"
TRUST_NAME = "信义小区业主大会共管账户"
FIRM = "信义物业服务有限公司"
FIRM_ACCOUNT = "4402 2300 0910 0088 888"
CENT = Decimal("0.01")
SEED = 2026

SERVICES = (  # (k, vendor, what, account number, monthly base as in the generator's contracts)
    (1, "洁美保洁服务有限公司", "保洁服务费", "3100 2233 4455"),
    (2, "安泰保安服务有限公司", "秩序维护服务费", "3100 2233 6677"),
    (3, "绿源园林工程有限公司", "绿化养护费", "3100 2233 8899"),
    (4, "通达电梯工程有限公司", "电梯维保费", "3100 2244 1122"),
    (5, "国网电力/自来水公司", "公共区域水电费", "3100 2244 3344"),
)
PUBLIC = (  # (day, payer, what, contract, account number)
    (5, "邻里便利店", "2026-01 商铺租金", "C-PUB-03", "6222 0244 0000 5566"),
    (10, "畅行停车管理有限公司", "2026-01 临时停车收益分成", "C-PUB-01", "1100 3344 5566"),
    (12, "分众楼宇传媒有限公司", "2026-01 电梯广告位租金", "C-PUB-02", "1100 7788 9900"),
)


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _ledger_facts() -> dict[str, object]:
    """What the downloads continue from: balances, owed fees, contracts, names."""
    from beancount import loader
    from beancount.core import data

    from ledger.community import build_community

    entries, _errors, _ = loader.load_file(str(HERE / "main.beancount"))
    community, _ = build_community(entries)
    owed: dict[str, Decimal] = defaultdict(Decimal)
    trust = Decimal(0)
    december_remuneration = Decimal(0)
    contracts: dict[str, Decimal] = {}
    committee: set[str] = set()
    manager: set[str] = set()
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                units = posting.units
                if units is None or units.number is None:
                    continue
                if posting.account == "Assets:Receivable:Fees":
                    owed[str((posting.meta or {}).get("unit"))] += units.number
                elif posting.account == "Assets:Bank:Trust":
                    trust += units.number
                elif (
                    posting.account == "Expenses:Manager:Remuneration"
                    and entry.meta.get("period") == "2025-12"
                ):
                    december_remuneration += units.number
        elif isinstance(entry, data.Custom) and entry.type == "tf-contract":
            contracts[str(entry.values[0].value)] = Decimal(entry.values[3].value.number)
        elif isinstance(entry, data.Custom) and entry.type == "tf-member":
            name, role = str(entry.values[0].value), str(entry.values[1].value)
            committee.discard(name)
            manager.discard(name)
            if role == "committee":
                committee.add(name)  # the roster as of January 2026 (later lines supersede)
            elif role == "manager":
                manager.add(name)
    names = {
        room: community.owner_name(
            community.unit_at(room, date(2026, 1, 1)).owner_id, date(2026, 1, 1)
        )
        for room in community.units
    }  # type: ignore[union-attr]
    monthly = {  # December's bill per unit: January's is the same
        str((posting.meta or {}).get("unit")): posting.units.number
        for entry in entries
        if isinstance(entry, data.Transaction)
        and entry.date == date(2025, 12, 1)
        and entry.narration.startswith("2025-12 物业费")
        for posting in entry.postings
        if posting.account == "Assets:Receivable:Fees" and posting.units is not None
    }
    return {
        "owed": dict(owed),
        "trust": trust,
        "remuneration": december_remuneration,
        "contracts": contracts,
        "committee": sorted(committee),
        "manager": sorted(manager)[0],
        "names": names,
        "monthly": monthly,
    }


def build(out: Path) -> list[Path]:
    facts = _ledger_facts()
    rng = random.Random(SEED)
    owed: dict[str, Decimal] = facts["owed"]  # type: ignore[assignment]
    names: dict[str, str] = facts["names"]  # type: ignore[assignment]
    contracts: dict[str, Decimal] = facts["contracts"]  # type: ignore[assignment]
    committee: list[str] = facts["committee"]  # type: ignore[assignment]
    manager: str = facts["manager"]  # type: ignore[assignment]

    monthly: dict[str, Decimal] = facts["monthly"]  # type: ignore[assignment]
    # January's bills (the fee system's export), then the owners paying: everyone who owed at
    # the end of 2025 pays that with January, except the long-standing arrears (over 3 months);
    # most others pay January.
    bank_rows: list[
        tuple[datetime, str, str, str, Decimal]
    ] = []  # time, counterparty, account, memo, signed amount
    wechat_rows: list[tuple[datetime, str, str, Decimal]] = []  # time, nickname, note, amount
    for room in sorted(monthly):
        fee = monthly[room]
        before = owed.get(room, Decimal(0))
        if before > fee * 3 + Decimal("1"):
            continue  # in arrears: does not pay
        if before <= 0 and rng.random() < 0.2:
            continue  # pays January later
        amount = max(before, Decimal(0)) + fee
        day = datetime(
            2026,
            1,
            rng.randrange(3, 23),
            rng.randrange(8, 21),
            rng.randrange(60),
            rng.randrange(60),
        )
        note = f"{room} 2025-12、2026-01物业费" if before > 0 else f"{room} 2026年1月物业费"
        if rng.random() < 0.3:
            wechat_rows.append((day, names[room], note, amount))
        else:
            bank_rows.append(
                (day, names[room], f"6222 02{rng.randrange(10**10):010d}", note, amount)
            )

    # The manager remits WeChat collections every few days, within the 7 remit days.
    wechat_rows.sort()
    pending = list(wechat_rows)
    remit_day = date(2026, 1, 1)
    while pending:
        remit_day = max(
            remit_day + timedelta(days=1),
            pending[0][0].date() + timedelta(days=rng.randrange(2, 6)),
        )
        remit_day = min(remit_day, date(2026, 1, 29))
        batch = [row for row in pending if row[0].date() <= remit_day]
        pending = [row for row in pending if row[0].date() > remit_day]
        total = sum((row[3] for row in batch), Decimal(0))
        when = datetime.combine(remit_day, datetime.min.time()).replace(hour=16, minute=5)
        bank_rows.append((when, FIRM, FIRM_ACCOUNT, f"上缴微信代收物业费 {len(batch)}笔", total))

    for day, payer, what, contract, number in PUBLIC:
        amount = contracts[contract]
        if contract == "C-PUB-01":
            amount = _q(amount * Decimal(rng.randrange(100, 121)) / 100)  # guaranteed + share
        bank_rows.append((datetime(2026, 1, day, 10, 30), payer, number, what, amount))

    approvals: list[
        tuple[str, str, str, date, Decimal, str]
    ] = []  # id, role, name, day, amount, purpose
    service_accounts = {1: "C-SVC-01", 2: "C-SVC-02", 3: "C-SVC-03", 4: "C-SVC-04", 5: "C-SVC-05"}
    for k, vendor, what, number in SERVICES:
        base = contracts[service_accounts[k]]  # the invoice never exceeds the contract
        amount = _q(base * (1 - Decimal(rng.randrange(0, 301)) / 10000))
        pay_day = date(2026, 1, 20 + k)
        aid = f"AP-2026-01{k}0"
        purpose = f"2026-01 {what}"
        d1 = pay_day - timedelta(days=rng.randrange(2, 6))
        approvals.append((aid, "业委会", rng.choice(committee), d1, amount, purpose))
        approvals.append(
            (
                aid,
                "物业",
                manager,
                d1 + timedelta(days=rng.randrange(0, (pay_day - d1).days + 1)),
                amount,
                purpose,
            )
        )
        bank_rows.append(
            (
                datetime.combine(pay_day, datetime.min.time()).replace(hour=11),
                vendor,
                number,
                f"{aid} {purpose}",
                -amount,
            )
        )
    remuneration: Decimal = facts["remuneration"]  # type: ignore[assignment]
    if remuneration > 0:
        aid, pay_day = "AP-2026-01R0", date(2026, 1, 6)
        approvals.append(
            (aid, "业委会", committee[0], date(2026, 1, 3), remuneration, "2025-12 物业酬金")
        )
        approvals.append((aid, "物业", manager, date(2026, 1, 4), remuneration, "2025-12 物业酬金"))
        bank_rows.append(
            (
                datetime(2026, 1, 6, 9, 40),
                FIRM,
                FIRM_ACCOUNT,
                f"{aid} 支付 2025-12 物业酬金",
                -remuneration,
            )
        )
    charge = Decimal(rng.randrange(1500, 6000)) / 100
    bank_rows.append(
        (datetime(2026, 1, 30, 23, 50), "工商银行", "", "2026-01 账户管理费及转账手续费", -charge)
    )
    bank_rows.sort(key=lambda row: row[0])

    out.mkdir(parents=True, exist_ok=True)
    written = [
        _write_bank(out / "工行对公明细_202601.xlsx", bank_rows, facts["trust"], rng),  # type: ignore[arg-type]
        _write_wechat(out / "微信支付账单(20260101-20260131).csv", wechat_rows, rng),
        _write_approvals(out / "审批登记_202601.csv", approvals),
        _write_bills(out / "物业收费系统_应收账单_202601.xlsx", monthly),
    ]
    return written


def _write_bank(
    path: Path,
    rows: list[tuple[datetime, str, str, str, Decimal]],
    opening: Decimal,
    rng: random.Random,
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工行基本户"
    sheet.append(["[HISTORYDETAIL]"])
    sheet.append(
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
        ]
    )
    balance = opening
    for when, who, number, memo, amount in rows:
        balance += amount
        out = amount < 0
        voucher = f"{rng.randrange(10**8):08d}"
        kind = "收费" if who == "工商银行" else ("转账" if out else "汇入")
        sheet.append(
            [
                voucher,
                number,
                when.strftime("%Y-%m-%d %H:%M:%S"),
                "借" if out else "贷",
                who,
                "102651000000" if number else "",
                "",
                kind,
                memo,
                "",
                float(balance),
                float(-amount) if out else None,
                None if out else float(amount),
                TRUST_NUMBER,
            ]
        )
    book.properties.creator = "ICBC"
    book.properties.created = datetime(2026, 1, 31, 8, 0)
    book.properties.modified = datetime(2026, 1, 31, 8, 0)
    book.save(path)
    _freeze_zip(path, (2026, 1, 31, 8, 0, 0))
    return path


def _write_wechat(
    path: Path, rows: list[tuple[datetime, str, str, Decimal]], rng: random.Random
) -> Path:
    total = sum((row[3] for row in rows), Decimal(0))
    pad = [""] * 10
    preamble = [
        "微信支付账单明细",
        "微信昵称：[信义物业-收款]",
        "起始时间：[2026-01-01 00:00:00] 终止时间：[2026-01-31 23:59:59]",
        "导出类型：[全部]",
        "导出时间：[2026-01-31 09:12:40]",
        "",
        f"共{len(rows)}笔记录",
        f"收入：{len(rows)}笔 {total}元",
        "支出：0笔 0.00元",
        "中性交易：0笔 0.00元",
        "注：",
        "1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易",
        "2. 本明细仅展示当前账单中的交易，不包括已删除的记录",
        "3. 本明细仅供个人对账使用",
        "",
        "----------------------微信支付账单明细列表--------------------",
    ]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        for line in preamble:
            writer.writerow([line, *pad])
        writer.writerow(
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
            ]
        )
        for when, who, note, amount in rows:
            serial = f"10000499012026{when:%m%d}{rng.randrange(10**18):018d}"
            writer.writerow(
                [
                    when.strftime("%Y-%m-%d %H:%M:%S"),
                    "二维码收款",
                    who,
                    f"收款方备注:二维码收款付款方留言:{note}",
                    "收入",
                    f"¥{amount}",
                    "零钱",
                    "已存入零钱",
                    serial + "\t",
                    "/\t",
                    "/",
                ]
            )
    return path


def _write_approvals(path: Path, rows: list[tuple[str, str, str, date, Decimal, str]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["审批编号", "角色", "签批人", "日期", "金额", "币种", "事由"])
        for aid, role, name, day, amount, purpose in sorted(rows, key=lambda r: (r[3], r[0], r[1])):
            writer.writerow([aid, role, name, day.isoformat(), f"{amount:,.2f}", "CNY", purpose])
    return path


def _write_bills(path: Path, monthly: dict[str, Decimal]) -> Path:
    """The fee system's January bills (HC 缴费明细 layout; nothing paid yet: 实缴金额 0)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "房屋缴费历史"
    sheet.append(
        [
            "房屋",
            "收费项目",
            "缴费周期",
            "开始时间",
            "结束时间",
            "缴费时间",
            "应缴金额",
            "实缴金额",
            "收银员",
            "备注",
        ]
    )
    for room in sorted(monthly, key=lambda r: tuple(int(x) for x in r.split("-"))):
        sheet.append(
            [
                room,
                "物业费",
                1,
                datetime(2026, 1, 1),
                datetime(2026, 1, 31),
                None,
                float(monthly[room]),
                0,
                "",
                "2026年1月账单",
            ]
        )
    book.properties.creator = "HC"
    book.properties.created = datetime(2026, 1, 1, 6, 0)
    book.properties.modified = datetime(2026, 1, 1, 6, 0)
    book.save(path)
    _freeze_zip(path, (2026, 1, 1, 6, 0, 0))
    return path


def _freeze_zip(path: Path, when: tuple[int, int, int, int, int, int]) -> None:
    """Rewrite an XLSX with fixed member timestamps, so the bytes are reproducible."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        stamp = datetime(*when).strftime("%Y-%m-%dT%H:%M:%SZ")
        for filename, payload in members:
            if filename == "docProps/core.xml":  # openpyxl stamps the save time as "modified"
                payload = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), payload
                )
            info = zipfile.ZipInfo(filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, payload)
    tmp.replace(path)


if __name__ == "__main__":
    for written in build(HERE / "downloads"):
        print(written.relative_to(ROOT))
