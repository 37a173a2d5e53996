"""A seeded generator of realistic trust-model communities (the demo and the benchmarks).

``generate(out_dir)`` writes a complete community ledger that loads with zero errors under
``plugin "trustfund.xinyi"``::

    main.beancount          options, the plugin line, Fava options, includes
    accounts.beancount      the chart of accounts of DESIGN.md §3 (with Chinese display names)
    register.beancount      tf-owner (with phone numbers, to prove redaction) and tf-unit lines
    terms.beancount         remuneration, threshold, remit days, vote rule, hazards,
                            auto-debit, contracts
    budget.beancount        Fava ``custom "budget"`` lines per service account and year
    governance.beancount    approvals, resolutions, votes, closes, notices, emergencies
    2025/2025-01.beancount  one file of transactions per month

Each month: one fee bill per unit (``Assets:Receivable:Fees`` / ``Income:Fees:Property``
with ``unit:``), payments into ``Assets:Bank:Trust`` with a bank ``serial:`` (most on time,
some late, a few units in arrears all year, a few prepaying the year into
``Liabilities:Prepaid:Fees``), WeChat collections by the manager into
``Assets:Clearing:Manager`` remitted within the remit days, owners' parking fees, public income
under ``tf-contract``\\ s, service payments with dual approvals against the budget, the
remuneration (10 % of the collected fees, accrued with ``period:`` and paid with an approval),
bank charges (auto-debit), quarterly interest, maintenance-fund deposits per unit, and
month-end ``balance`` assertions. Each year: one voted elevator replacement for one building
(resolution, votes, close, notice, contract, price audit) and one emergency roof repair.

Everything is derived from ``random.Random(seed)``: the same arguments give byte-identical
files. Money is ``Decimal`` throughout.

Command line::

    python -m trustfund.ops.generator OUT_DIR [--units N] [--buildings B] [--years Y] [--seed S]
"""

from __future__ import annotations

import argparse
import calendar
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

__all__ = ["generate", "main"]

CENT = Decimal("0.01")
FEE_RATE = Decimal("2.20")  # CNY per m2 per month (物业费单价)
MAINT_RATE = Decimal("0.25")  # CNY per m2 per month (维修资金续筹)
MAINT_OPENING_RATE = Decimal("60")  # CNY per m2 (首期维修资金, opening balance)
PARKING_FEE = Decimal("150.00")
REMUNERATION_RATE = Decimal("0.10")
THRESHOLD = Decimal("100000.00")
NOTICE_DAYS = 10
REMIT_DAYS = 7
ELEVATOR_PRICE = Decimal("168000.00")  # per elevator (one per entrance)
INSTALMENT_CAP = Decimal("90000.00")  # routine payments above this are split (stay under threshold)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰建国志红华玉梅鹏飞海燕波宁辉晶莉婷雪琳斌浩凯文博宇欣怡子涵佳"
    "俊峰嘉诚思远雨晨梓萱浩然一鸣晓东春生秋菊冬梅永福德胜家豪锦程天佑若曦慧敏"
)

HAZARDS = (
    "elevator-fault",
    "roof-leak",
    "water-pipe-burst",
    "exterior-wall-falling",
    "fire-safety",
)


@dataclass(frozen=True, slots=True)
class _Unit:
    room: str
    building: str
    entrance: int
    area: Decimal
    fee: Decimal  # monthly property fee
    maint: Decimal  # monthly maintenance-fund deposit


@dataclass(frozen=True, slots=True)
class _Service:
    account: str
    name: str  # Chinese
    vendor: str
    contract: str
    monthly: Decimal  # contract amount per month
    jitter: Decimal  # relative variation of the monthly invoice


@dataclass
class _Txn:
    day: date
    text: str


@dataclass
class _State:
    rng: random.Random
    txns: dict[str, list[_Txn]] = field(default_factory=lambda: defaultdict(list))
    governance: list[tuple[date, int, str]] = field(default_factory=list)
    bank: dict[str, list[tuple[date, Decimal]]] = field(default_factory=lambda: defaultdict(list))
    serial: int = 0
    wx_serial: int = 0
    invoice: int = 0
    gov_seq: int = 0

    def add(self, day: date, text: str, bank: dict[str, Decimal] | None = None) -> None:
        self.txns[f"{day.year:04d}-{day.month:02d}"].append(_Txn(day, text))
        if bank:
            for account, amount in bank.items():
                self.bank[account].append((day, amount))

    def gov(self, day: date, text: str) -> None:
        self.gov_seq += 1
        self.governance.append((day, self.gov_seq, text))

    def next_serial(self, day: date) -> str:
        self.serial += 1
        return f"ICBC{day:%Y%m%d}{self.serial:07d}"

    def next_wechat(self, day: date) -> str:
        self.wx_serial += 1
        return f"42000{day:%Y%m%d}{self.wx_serial:08d}"

    def next_invoice(self, day: date) -> str:
        self.invoice += 1
        return f"FP-{day.year}-{self.invoice:06d}"


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP)}"


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


# ---------------------------------------------------------------------------------------
# The community: buildings, units, owners


def _layout(units: int, buildings: int) -> list[tuple[str, int]]:
    """Room ids ``building-entrance-room`` (floor × 100 + door) and their entrance numbers."""
    rooms: list[tuple[str, int]] = []
    per = [units // buildings + (1 if b < units % buildings else 0) for b in range(buildings)]
    doors = 2
    for b, count in enumerate(per, start=1):
        entrances = max(1, -(-count // (doors * 18)))
        floors = -(-count // (entrances * doors))
        made = 0
        for entrance in range(1, entrances + 1):
            for floor in range(1, floors + 1):
                for door in range(1, doors + 1):
                    if made < count:
                        rooms.append((f"{b}-{entrance}-{floor * 100 + door}", entrance))
                        made += 1
    return rooms


def _names(rng: random.Random, count: int) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        surname = rng.choice(SURNAMES)
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = surname + given
        if name in seen and len(seen) < 200_000:
            continue
        seen.add(name)
        names.append(name)
    return names


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(("138", "139", "135", "136", "137", "150", "151", "158", "186", "189"))
        + f"{rng.randrange(10**8):08d}"
    )


# ---------------------------------------------------------------------------------------
# Files


def _main_file(title: str, start: date, years: list[int]) -> str:
    lines = [
        f"; {title}: the owners' funds of a trust-model (信托制物业) community.",
        "; Generated by trustfund.ops.generator; see README.md for the exact command.",
        "",
        f'option "title" "{title}"',
        'option "operating_currency" "CNY"',
        "",
        'plugin "trustfund.xinyi"',
        "",
        f'{start} custom "fava-option" "language" "zh"',
        f'{start} custom "fava-option" "default-file" "main.beancount"',
        f'{start} custom "fava-extension" "trustfund.web.extension"',
        "",
    ]
    for name in ("accounts", "register", "terms", "budget", "governance"):
        lines.append(f'include "{name}.beancount"')
    for year in years:
        for month in range(1, 13):
            lines.append(f'include "{year}/{_period(year, month)}.beancount"')
    return "\n".join(lines) + "\n"


ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("Assets:Bank:Trust", "共管账户(工商银行)"),
    ("Assets:Bank:Maintenance", "维修资金专户(建设银行)"),
    ("Assets:Clearing:Manager", "物业代收款(未上缴)"),
    ("Assets:Receivable:Fees", "应收物业费"),
    ("Liabilities:Prepaid:Fees", "预收物业费"),
    ("Liabilities:Deposits", "押金"),
    ("Liabilities:Payable:Manager", "应付物业酬金"),
    ("Income:Fees:Property", "物业费"),
    ("Income:Fees:Parking", "业主停车费"),
    ("Income:Public:Parking", "公共收益-临时停车"),
    ("Income:Public:Advertising", "公共收益-电梯广告"),
    ("Income:Public:Leasing", "公共收益-商铺租赁"),
    ("Income:Interest", "利息收入"),
    ("Income:Maintenance:Deposits", "维修资金续筹"),
    ("Income:Maintenance:Interest", "维修资金利息"),
    ("Expenses:Service:Cleaning", "保洁服务"),
    ("Expenses:Service:Security", "秩序维护(保安)"),
    ("Expenses:Service:Greenery", "绿化养护"),
    ("Expenses:Service:Elevator", "电梯维保"),
    ("Expenses:Service:Utilities", "公共水电"),
    ("Expenses:Manager:Remuneration", "物业酬金"),
    ("Expenses:Maintenance:Elevator", "维修资金-电梯更换"),
    ("Expenses:Maintenance:Roof", "维修资金-屋面维修"),
    ("Expenses:Admin:BankFees", "银行手续费"),
    ("Equity:Owners:Common", "共同基金(期初)"),
    ("Equity:Owners:Maintenance", "维修资金(期初)"),
)


def _accounts_file(start: date) -> str:
    lines = ["; Chart of accounts (DESIGN.md §3); display names in `name:`.", ""]
    for account, name in ACCOUNTS:
        lines.append(f"{start} open {account} CNY")
        lines.append(f'  name: "{name}"')
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# The generator


def generate(
    out_dir: Path,
    *,
    units: int = 320,
    buildings: int = 4,
    years: int = 1,
    start_year: int = 2025,
    seed: int = 2025,
) -> Path:
    """Write a complete community ledger under ``out_dir``; return its main file.

    ``units`` are spread over ``buildings`` (room ids ``building-entrance-room``); ``years``
    full calendar years from ``start_year``. The same arguments give identical files.
    """
    if units < 8 * buildings or buildings < 1 or years < 1:
        raise ValueError("need at least 8 units per building, one building and one year")
    rng = random.Random(f"trustfund-{seed}-{units}-{buildings}-{years}-{start_year}")
    out_dir = Path(out_dir)
    start = date(start_year, 1, 1)
    year_list = [start_year + i for i in range(years)]
    st = _State(rng)

    # -- register ------------------------------------------------------------------------
    layout = _layout(units, buildings)
    unit_list: list[_Unit] = []
    for room, entrance in layout:
        area = Decimal(rng.randrange(6000, 18001, 5)) / 100  # 60.00 .. 180.00 m2
        unit_list.append(
            _Unit(
                room, room.split("-")[0], entrance, area, _q(area * FEE_RATE), _q(area * MAINT_RATE)
            )
        )
    names = _names(rng, units + years * (units // 150 + 1) + 8)
    name_iter = iter(names)
    owner_of: dict[str, str] = {}
    owner_ids: list[str] = []
    owner_lines: list[str] = []
    owner_name: dict[str, str] = {}
    for unit in unit_list:
        if owner_ids and rng.random() < 0.06:  # a second unit of an existing owner
            owner_of[unit.room] = rng.choice(owner_ids[-60:])
            continue
        oid = f"O-{len(owner_ids) + 1:04d}"
        owner_ids.append(oid)
        owner_of[unit.room] = oid
        owner_name[oid] = next(name_iter)
        owner_lines.append(
            f'{start} custom "tf-owner" "{oid}" "{owner_name[oid]}"\n  phone: "{_phone(rng)}"'
        )

    register = [
        "; Unit register (tf-unit: room, area m2, owner id) and owners (tf-owner: private).",
        "; Owners' names and phone numbers are private: public views mask them.",
        "",
        *owner_lines,
        "",
    ]
    for unit in unit_list:
        register.append(
            f'{start} custom "tf-unit" "{unit.room}" {unit.area} "{owner_of[unit.room]}"'
        )
    register.append("")

    # Sales during the years (after each year's vote closes): a new owner from September on.
    sales: list[tuple[date, str, str]] = []  # (day, room, new owner id)
    for year in year_list:
        for _ in range(max(1, units // 150)):
            unit = rng.choice(unit_list)
            oid = f"O-{len(owner_ids) + 1:04d}"
            owner_ids.append(oid)
            name = next(name_iter)
            owner_name[oid] = name
            day = date(year, rng.randrange(9, 12), rng.randrange(1, 28))
            register.append(f'{day} custom "tf-owner" "{oid}" "{name}"\n  phone: "{_phone(rng)}"')
            register.append(
                f'{day} custom "tf-unit" "{unit.room}" {unit.area} "{oid}"\n  note: "过户"'
            )
            sales.append((day, unit.room, oid))
    sales_by_room: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for day, room, oid in sorted(sales):
        sales_by_room[room].append((day, oid))

    def owner_at(room: str, day: date) -> str:
        oid = owner_of[room]
        for sale_day, new in sales_by_room.get(room, ()):
            if sale_day <= day:
                oid = new
        return oid

    # -- people and terms ------------------------------------------------------------------
    committee = [next(name_iter) for _ in range(3)]
    manager = next(name_iter)
    manager_firm = "信义物业服务有限公司"
    services = (
        _Service(
            "Expenses:Service:Cleaning",
            "保洁服务费",
            "洁美保洁服务有限公司",
            "C-SVC-01",
            _q(Decimal(units) * Decimal("24.50")),
            Decimal("0.04"),
        ),
        _Service(
            "Expenses:Service:Security",
            "秩序维护服务费",
            "安泰保安服务有限公司",
            "C-SVC-02",
            _q(Decimal(units) * Decimal("36.00")),
            Decimal("0.02"),
        ),
        _Service(
            "Expenses:Service:Greenery",
            "绿化养护费",
            "绿源园林工程有限公司",
            "C-SVC-03",
            _q(Decimal(units) * Decimal("9.80")),
            Decimal("0.25"),
        ),
        _Service(
            "Expenses:Service:Elevator",
            "电梯维保费",
            "通达电梯工程有限公司",
            "C-SVC-04",
            _q(Decimal(len({(u.building, u.entrance) for u in unit_list})) * Decimal("650.00")),
            Decimal("0.0"),
        ),
        _Service(
            "Expenses:Service:Utilities",
            "公共区域水电费",
            "国网电力/自来水公司",
            "C-SVC-05",
            _q(Decimal(units) * Decimal("7.20")),
            Decimal("0.18"),
        ),
    )
    shop_rent = Decimal("8500.00")
    shop_deposit = Decimal("17000.00")
    ad_fee = _q(Decimal(len({(u.building, u.entrance) for u in unit_list})) * Decimal("420.00"))
    parking_fee = _q(Decimal(units) * Decimal("9.00"))
    end_day = date(year_list[-1], 12, 31)

    terms = [
        "; Contract terms of the trust model (DESIGN.md §3): later-dated lines supersede.",
        "",
        f'{start} custom "tf-remuneration" {REMUNERATION_RATE} "fees"',
        f'{start} custom "tf-threshold" {THRESHOLD} CNY {NOTICE_DAYS}',
        f'{start} custom "tf-remit-days" {REMIT_DAYS}',
        f'{start} custom "tf-vote-rule" "use-maintenance-fund" ">=2/3" ">1/2"',
        "",
        "; Hazards that allow emergency use of the maintenance fund (165号令 art. 24).",
    ]
    terms += [f'{start} custom "tf-hazard" "{h}"' for h in HAZARDS]
    terms += [
        "",
        "; Bank charges are debited by the bank: no approval needed.",
        f'{start} custom "tf-auto-debit" Expenses:Admin:BankFees',
        "",
        "; Service contracts (paid monthly against invoices) and public-income contracts.",
    ]
    for svc in services:
        terms.append(
            f'{start} custom "tf-contract" "{svc.contract}" {svc.account} "{svc.vendor}" {_money(svc.monthly)} CNY "monthly" {end_day}'
        )
    terms += [
        f'{start} custom "tf-contract" "C-PUB-01" Income:Public:Parking "畅行停车管理有限公司" {_money(parking_fee)} CNY "monthly" {end_day}',
        f'{start} custom "tf-contract" "C-PUB-02" Income:Public:Advertising "分众楼宇传媒有限公司" {_money(ad_fee)} CNY "monthly" {end_day}',
        f'{start} custom "tf-contract" "C-PUB-03" Income:Public:Leasing "邻里便利店" {_money(shop_rent)} CNY "monthly" {end_day}',
        f'  deposit: "{_money(shop_deposit)} CNY"',
        "",
    ]

    budget = ["; Annual budget (Fava's own directive), per service account, monthly amounts.", ""]
    for year in year_list:
        for svc in services:
            amount = (svc.monthly * (1 + svc.jitter / 2) / 100).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            ) * 100
            budget.append(
                f'{date(year, 1, 1)} custom "budget" {svc.account} "monthly" {_money(amount)} CNY'
            )
        budget.append("")

    def approve(aid: str, amount: Decimal, pay_day: date, what: str) -> None:
        """Committee and manager sign-offs a few days before the payment."""
        d1 = pay_day - timedelta(days=rng.randrange(2, 6))
        d2 = d1 + timedelta(days=rng.randrange(0, (pay_day - d1).days + 1))
        st.gov(
            d1,
            f'{d1} custom "tf-approval" "{aid}" "committee" "{rng.choice(committee)}" {_money(amount)} CNY\n  note: "{what}"',
        )
        st.gov(d2, f'{d2} custom "tf-approval" "{aid}" "manager" "{manager}" {_money(amount)} CNY')

    def pay(
        day: date,
        payee: str,
        narration: str,
        account: str,
        amount: Decimal,
        meta: dict[str, str],
        bank: str = "Assets:Bank:Trust",
    ) -> None:
        lines = [f'{day} * "{payee}" "{narration}"']
        lines += [f'  {k}: "{v}"' for k, v in meta.items()]
        lines.append(f"  {account}  {_money(amount)} CNY")
        lines.append(f"  {bank}  -{_money(amount)} CNY")
        st.add(day, "\n".join(lines), {bank: -amount})

    # -- opening balances -------------------------------------------------------------
    opening_common = _q(Decimal(units) * Decimal("850.00"))
    st.add(
        start,
        f'{start} * "期初余额" "共同基金期初余额(上年结转)"\n'
        f"  Assets:Bank:Trust  {_money(opening_common)} CNY\n"
        f"  Equity:Owners:Common  -{_money(opening_common)} CNY",
        {"Assets:Bank:Trust": opening_common},
    )
    lines = [f'{start} * "期初余额" "维修资金期初余额(分户)"']
    total = Decimal(0)
    for unit in unit_list:
        amount = _q(unit.area * MAINT_OPENING_RATE)
        total += amount
        lines.append(f'  Equity:Owners:Maintenance  -{_money(amount)} CNY\n    unit: "{unit.room}"')
    lines.insert(1, f"  Assets:Bank:Maintenance  {_money(total)} CNY")
    st.add(start, "\n".join(lines), {"Assets:Bank:Maintenance": total})

    # -- payer profiles ---------------------------------------------------------------
    profile: dict[str, str] = {}
    arrears_count = max(2, units // 100)
    rooms = [u.room for u in unit_list]
    shuffled = rooms[:]
    rng.shuffle(shuffled)
    for i, room in enumerate(shuffled):
        if i < arrears_count:
            profile[room] = "arrears"
        elif i < arrears_count + max(3, units * 3 // 100):
            profile[room] = "prepay"
        else:
            r = rng.random()
            profile[room] = "wechat" if r < 0.12 else "late" if r < 0.22 else "ontime"
    parking_units = {
        room
        for room in rooms
        if rng.random() < 0.2 and profile[room] in ("ontime", "late", "wechat")
    }

    # Remuneration base per month (DESIGN.md "collected base"), filled as receipts are made.
    base: dict[str, Decimal] = defaultdict(Decimal)
    remit_queue: list[tuple[date, Decimal]] = []  # manager collections not yet remitted

    def receipt(
        day: date, room: str, items: list[tuple[str, Decimal, str]], wechat: bool = False
    ) -> None:
        """An owner's payment: bank (or manager's WeChat) in, credits with ``unit:``."""
        name = owner_name[owner_at(room, day)]
        total = sum((amount for _, amount, _ in items), Decimal(0))
        what = "、".join(label for _, _, label in items)
        if wechat:
            head = f'{day} * "{name}" "{room} {what} 微信收款(物业代收)"\n  serial: "{st.next_wechat(day)}"\n  channel: "wechat"'
            cash = "Assets:Clearing:Manager"
        else:
            head = f'{day} * "{name}" "{room} {what}"\n  serial: "{st.next_serial(day)}"'
            cash = "Assets:Bank:Trust"
        lines = [head, f"  {cash}  {_money(total)} CNY"]
        for account, amount, _ in items:
            lines.append(f'  {account}  -{_money(amount)} CNY\n    unit: "{room}"')
        st.add(day, "\n".join(lines), {cash: total} if not wechat else None)
        base[_period(day.year, day.month)] += total
        if wechat:
            remit_queue.append((day, total))

    # -- per year: the elevator project and the emergency --------------------------------
    building_ids = sorted({u.building for u in unit_list}, key=int)
    projects: dict[int, dict[str, object]] = {}
    for index, year in enumerate(year_list):
        projects[year] = {"building": building_ids[(1 + index) % len(building_ids)]}

    # -- months ---------------------------------------------------------------------------
    unpaid: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)  # room -> [(period, fee)]
    prepaid_left: dict[str, int] = defaultdict(int)
    months = [(y, m) for y in year_list for m in range(1, 13)]
    for y, m in months:
        period = _period(y, m)
        first = date(y, m, 1)
        last = _month_end(y, m)

        # Bills on the 1st; prepaid months applied the same day.
        for unit in unit_list:
            st.add(
                first,
                f'{first} * "物业费" "{period} 物业费 {unit.room}"\n'
                f'  Assets:Receivable:Fees  {_money(unit.fee)} CNY\n    unit: "{unit.room}"\n'
                f'  Income:Fees:Property  -{_money(unit.fee)} CNY\n    unit: "{unit.room}"',
            )
            if prepaid_left[unit.room] > 0:
                prepaid_left[unit.room] -= 1
                st.add(
                    first,
                    f'{first} * "物业费" "{period} 预收物业费转应收 {unit.room}"\n'
                    f'  Liabilities:Prepaid:Fees  {_money(unit.fee)} CNY\n    unit: "{unit.room}"\n'
                    f'  Assets:Receivable:Fees  -{_money(unit.fee)} CNY\n    unit: "{unit.room}"',
                )
            else:
                unpaid[unit.room].append((period, unit.fee))

        # Owners' payments.
        for unit in unit_list:
            kind = profile[unit.room]
            room = unit.room
            if kind == "arrears":
                continue
            if kind == "prepay":
                if unpaid[room]:
                    day = date(y, m, rng.randrange(2, 16))
                    ahead = 12 - m  # the rest of the year in advance
                    items = [
                        ("Assets:Receivable:Fees", fee, f"{p} 物业费") for p, fee in unpaid[room]
                    ]
                    if ahead:
                        items.append(
                            ("Liabilities:Prepaid:Fees", unit.fee * ahead, f"预交{ahead}个月物业费")
                        )
                        prepaid_left[room] += ahead
                    unpaid[room].clear()
                    receipt(day, room, items)
                continue
            if kind == "late" and rng.random() < 0.6:
                continue  # pays next month, together
            if kind == "ontime" and rng.random() < 0.04:
                continue  # forgot this month
            if not unpaid[room]:
                continue
            day = date(y, m, rng.randrange(3, 29))
            items = [("Assets:Receivable:Fees", fee, f"{p} 物业费") for p, fee in unpaid[room]]
            if room in parking_units:
                items.append(("Income:Fees:Parking", PARKING_FEE, f"{period} 车位费"))
            unpaid[room].clear()
            receipt(day, room, items, wechat=(kind == "wechat" and rng.random() < 0.85))

        # Manager remits WeChat collections every few days (within the remit days).
        remit_queue.sort(key=lambda item: item[0])
        while remit_queue:
            first_day = remit_queue[0][0]
            remit_day = first_day + timedelta(days=rng.randrange(2, REMIT_DAYS + 1))
            if remit_day > last:
                remit_day = last
            batch = [item for item in remit_queue if item[0] <= remit_day]
            remit_queue[:] = [item for item in remit_queue if item[0] > remit_day]
            amount = sum((a for _, a in batch), Decimal(0))
            st.add(
                remit_day,
                f'{remit_day} * "{manager_firm}" "上缴微信代收物业费 {len(batch)}笔"\n'
                f'  serial: "{st.next_serial(remit_day)}"\n'
                f"  Assets:Bank:Trust  {_money(amount)} CNY\n"
                f"  Assets:Clearing:Manager  -{_money(amount)} CNY",
                {"Assets:Bank:Trust": amount},
            )

        # Public income under contracts.
        for day, payer, account, amount, what in (
            (
                date(y, m, 10),
                "畅行停车管理有限公司",
                "Income:Public:Parking",
                _q(parking_fee * Decimal(rng.randrange(85, 121)) / 100),
                "临时停车收益分成",
            ),
            (
                date(y, m, 12),
                "分众楼宇传媒有限公司",
                "Income:Public:Advertising",
                ad_fee,
                "电梯广告位租金",
            ),
            (date(y, m, 5), "邻里便利店", "Income:Public:Leasing", shop_rent, "商铺租金"),
        ):
            contract = {
                "Income:Public:Parking": "C-PUB-01",
                "Income:Public:Advertising": "C-PUB-02",
                "Income:Public:Leasing": "C-PUB-03",
            }[account]
            st.add(
                day,
                f'{day} * "{payer}" "{period} {what}"\n'
                f'  serial: "{st.next_serial(day)}"\n  contract: "{contract}"\n'
                f"  Assets:Bank:Trust  {_money(amount)} CNY\n"
                f"  {account}  -{_money(amount)} CNY",
                {"Assets:Bank:Trust": amount},
            )
        if (y, m) == (year_list[0], 1):
            day = date(y, 1, 5)
            st.add(
                day,
                f'{day} * "邻里便利店" "商铺租赁押金"\n'
                f'  serial: "{st.next_serial(day)}"\n  contract: "C-PUB-03"\n'
                f"  Assets:Bank:Trust  {_money(shop_deposit)} CNY\n"
                f"  Liabilities:Deposits  -{_money(shop_deposit)} CNY",
                {"Assets:Bank:Trust": shop_deposit},
            )

        # Service invoices, approved by committee and manager, paid around the 25th.
        for k, svc in enumerate(services, start=1):
            variation = Decimal(rng.randrange(-1000, 1001)) / 1000 * svc.jitter
            amount = _q(svc.monthly * (1 + variation))
            parts = 1 + int(amount // INSTALMENT_CAP)
            share = _q(amount / parts)
            for part in range(parts):
                this = share if part < parts - 1 else amount - share * (parts - 1)
                day = date(y, m, 20 + k + part) if 20 + k + part <= last.day else last
                aid = f"AP-{y}-{m:02d}{k:01d}{part}"
                approve(aid, this, day, f"{period} {svc.name}")
                pay(
                    day,
                    svc.vendor,
                    f"{period} {svc.name}" + (f" 第{part + 1}期" if parts > 1 else ""),
                    svc.account,
                    this,
                    {"approval": aid, "contract": svc.contract, "invoice": st.next_invoice(day)},
                )

        # Bank charges (auto-debit).
        fee_day = last
        charge = Decimal(rng.randrange(1500, 6000)) / 100
        st.add(
            fee_day,
            f'{fee_day} * "工商银行" "{period} 账户管理费及转账手续费"\n'
            f"  Expenses:Admin:BankFees  {_money(charge)} CNY\n"
            f"  Assets:Bank:Trust  -{_money(charge)} CNY",
            {"Assets:Bank:Trust": -charge},
        )

        # Quarterly interest (21st of the last month of each quarter).
        if m % 3 == 0:
            day = date(y, m, 21)
            for bank, account, rate in (
                ("Assets:Bank:Trust", "Income:Interest", Decimal("0.0035")),
                ("Assets:Bank:Maintenance", "Income:Maintenance:Interest", Decimal("0.0135")),
            ):
                balance = sum((a for d, a in st.bank[bank] if d <= day), Decimal(0))
                interest = _q(balance * rate / 4)
                if interest > 0:
                    st.add(
                        day,
                        f'{day} * "{"工商银行" if bank.endswith("Trust") else "建设银行"}" "{period[:4]}年第{m // 3}季度结息"\n'
                        f'  serial: "{st.next_serial(day)}"\n'
                        f"  {bank}  {_money(interest)} CNY\n"
                        f"  {account}  -{_money(interest)} CNY",
                        {bank: interest},
                    )

        # Maintenance-fund deposits, one transaction per building, one posting per unit.
        day = date(y, m, 15)
        for building in building_ids:
            members = [u for u in unit_list if u.building == building]
            total = sum((u.maint for u in members), Decimal(0))
            lines = [
                f'{day} * "维修资金" "{period} {building}号楼维修资金续筹"',
                f'  serial: "{st.next_serial(day)}"',
                f"  Assets:Bank:Maintenance  {_money(total)} CNY",
            ]
            lines += [
                f'  Income:Maintenance:Deposits  -{_money(u.maint)} CNY\n    unit: "{u.room}"'
                for u in members
            ]
            st.add(day, "\n".join(lines), {"Assets:Bank:Maintenance": total})

        # Remuneration: accrue on the last day, pay on the 6th of the next month.
        due = _q(base[period] * REMUNERATION_RATE)
        if due > 0:
            st.add(
                last,
                f'{last} * "{manager_firm}" "{period} 物业酬金(实收物业费{_money(base[period])}×10%)"\n'
                f'  period: "{period}"\n'
                f"  Expenses:Manager:Remuneration  {_money(due)} CNY\n"
                f"  Liabilities:Payable:Manager  -{_money(due)} CNY",
            )
            ny, nm = _next_month(y, m)
            if ny in year_list:
                parts = 1 + int(due // INSTALMENT_CAP)
                share = _q(due / parts)
                for part in range(parts):
                    this = share if part < parts - 1 else due - share * (parts - 1)
                    day = date(ny, nm, 6 + part)
                    aid = f"AP-{ny}-{nm:02d}R{part}"
                    approve(aid, this, day, f"{period} 物业酬金")
                    lines = [
                        f'{day} * "{manager_firm}" "支付 {period} 物业酬金"',
                        f'  approval: "{aid}"',
                        f'  invoice: "{st.next_invoice(day)}"',
                        f"  Liabilities:Payable:Manager  {_money(this)} CNY",
                        f"  Assets:Bank:Trust  -{_money(this)} CNY",
                    ]
                    st.add(day, "\n".join(lines), {"Assets:Bank:Trust": -this})

    # -- maintenance-fund projects (one vote and one emergency a year) -------------------
    for year in year_list:
        _elevator_project(
            st, year, str(projects[year]["building"]), unit_list, owner_at, committee, manager
        )
        _roof_emergency(st, year, building_ids, approve)

    # -- month-end balance assertions (on the 1st of the next month) ---------------------
    for account in ("Assets:Bank:Trust", "Assets:Bank:Maintenance"):
        moves = sorted(st.bank[account], key=lambda item: item[0])
        running = Decimal(0)
        i = 0
        for y, m in months:
            ny, nm = _next_month(y, m)
            cutoff = date(ny, nm, 1)
            while i < len(moves) and moves[i][0] < cutoff:
                running += moves[i][1]
                i += 1
            last = _month_end(y, m)
            st.txns[_period(y, m)].append(
                _Txn(last + timedelta(days=1), f"{cutoff} balance {account}  {_money(running)} CNY")
            )

    # -- write ------------------------------------------------------------------------------
    out_dir.mkdir(parents=True, exist_ok=True)
    title = "信义小区 共有资金账本"
    files: dict[str, str] = {
        "main.beancount": _main_file(title, start, year_list),
        "accounts.beancount": _accounts_file(start),
        "register.beancount": "\n".join(register) + "\n",
        "terms.beancount": "\n".join(terms) + "\n",
        "budget.beancount": "\n".join(budget),
    }
    gov = [
        "; Governance: approvals (双签), owners' resolutions and votes, closes, notices, emergencies.",
        "",
    ]
    gov += [text for _, _, text in sorted(st.governance, key=lambda item: (item[0], item[1]))]
    files["governance.beancount"] = "\n".join(gov) + "\n"
    for y, m in months:
        period = _period(y, m)
        entries = sorted(st.txns[period], key=lambda t: t.day)  # stable: generation order on ties
        body = "\n\n".join(t.text for t in entries)
        files[f"{y}/{period}.beancount"] = f"; Transactions of {period}.\n\n{body}\n"
    for name, text in files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out_dir / "main.beancount"


def _passes(rule: tuple[str, Fraction], part: Decimal | int, whole: Decimal | int) -> bool:
    op, frac = rule
    if whole <= 0:
        return False
    left = Decimal(part) * frac.denominator
    right = Decimal(whole) * frac.numerator
    return left >= right if op == ">=" else left > right


def _tally_ok(scope: list[_Unit], owner_of: dict[str, str], votes: dict[str, str]) -> bool:
    """Civil Code art. 278 as DESIGN.md states it: double 2/3 participation, > 1/2 approval."""
    scope_area = sum((u.area for u in scope), Decimal(0))
    scope_owners = {owner_of[u.room] for u in scope}
    voted = [u for u in scope if u.room in votes]
    part_area = sum((u.area for u in voted), Decimal(0))
    part_owners = {owner_of[u.room] for u in voted}
    yes_area = sum((u.area for u in voted if votes[u.room] == "yes"), Decimal(0))
    not_yes = {owner_of[u.room] for u in voted if votes[u.room] != "yes"}
    yes_owners = part_owners - not_yes
    two_thirds = (">=", Fraction(2, 3))
    half = (">", Fraction(1, 2))
    return (
        _passes(two_thirds, part_area, scope_area)
        and _passes(two_thirds, len(part_owners), len(scope_owners))
        and _passes(half, yes_area, part_area)
        and _passes(half, len(yes_owners), len(part_owners))
    )


def _elevator_project(
    st: _State,
    year: int,
    building: str,
    unit_list: list[_Unit],
    owner_at: Callable[[str, date], str],
    committee: list[str],
    manager: str,
) -> None:
    rng = st.rng
    rid = f"R-{year}-01"
    resolution_day = date(year, 3, 20)
    close_day = date(year, 4, 30)
    scope = [u for u in unit_list if u.building == building]
    owners = {u.room: owner_at(u.room, close_day) for u in scope}
    elevators = len({u.entrance for u in scope})
    price = _q(ELEVATOR_PRICE * elevators)
    st.gov(
        resolution_day,
        f'{resolution_day} custom "tf-resolution" "{rid}" "use-maintenance-fund" "{building}号楼电梯更换({elevators}部)" "{building}"\n'
        f'  budget: "{_money(price)} CNY"',
    )
    # Owners vote the same way for all their units in scope.
    choice_of_owner: dict[str, str | None] = {}
    for oid in sorted(set(owners.values())):
        if rng.random() < 0.86:
            r = rng.random()
            choice_of_owner[oid] = "yes" if r < 0.8 else "no" if r < 0.93 else "abstain"
        else:
            choice_of_owner[oid] = None
    votes = {u.room: c for u in scope if (c := choice_of_owner[owners[u.room]]) is not None}
    # Make sure it passes (deterministic top-up: non-voters and "no" owners come round to yes).
    for oid in sorted(choice_of_owner):
        if _tally_ok(scope, owners, votes):
            break
        if choice_of_owner[oid] != "yes":
            choice_of_owner[oid] = "yes"
            votes = {u.room: c for u in scope if (c := choice_of_owner[owners[u.room]]) is not None}
    for u in scope:
        if u.room in votes:
            day = resolution_day + timedelta(
                days=rng.randrange(3, (close_day - resolution_day).days)
            )
            st.gov(day, f'{day} custom "tf-vote" "{rid}" "{u.room}" "{votes[u.room]}"')
    st.gov(close_day, f'{close_day} custom "tf-close" "{rid}"')

    cid = f"C-{year}-M01"
    contract_day = date(year, 5, 12)
    pay_day = date(year, 6, 18)
    st.gov(
        contract_day,
        f'{contract_day} custom "tf-contract" "{cid}" Expenses:Maintenance:Elevator "通达电梯工程有限公司" {_money(price)} CNY "once" {date(year, 9, 30)}\n'
        f'  price-audit: "SJ-{year}-018 审价报告(华信造价咨询)"',
    )
    aid = f"AP-{year}-M01"
    d1 = date(year, 5, 20)
    st.gov(
        d1,
        f'{d1} custom "tf-approval" "{aid}" "committee" "{committee[0]}" {_money(price)} CNY\n  resolution: "{rid}"',
    )
    st.gov(
        d1 + timedelta(days=1),
        f'{d1 + timedelta(days=1)} custom "tf-approval" "{aid}" "manager" "{manager}" {_money(price)} CNY',
    )
    notice_day = pay_day - timedelta(days=NOTICE_DAYS + rng.randrange(2, 12))
    st.gov(
        notice_day,
        f'{notice_day} custom "tf-notice" "N-{year}-01" "{aid}"\n  title: "{building}号楼电梯更换工程付款公示"',
    )
    lines = [
        f'{pay_day} * "通达电梯工程有限公司" "{building}号楼电梯更换工程款"',
        f'  approval: "{aid}"',
        f'  resolution: "{rid}"',
        f'  contract: "{cid}"',
        f'  price-audit: "SJ-{year}-018"',
        f'  invoice: "{st.next_invoice(pay_day)}"',
        f'  scope: "{building}"',
        f"  Expenses:Maintenance:Elevator  {_money(price)} CNY",
        f"  Assets:Bank:Maintenance  -{_money(price)} CNY",
    ]
    st.add(pay_day, "\n".join(lines), {"Assets:Bank:Maintenance": -price})


def _roof_emergency(
    st: _State,
    year: int,
    building_ids: list[str],
    approve: Callable[[str, Decimal, date, str], None],
) -> None:
    rng = st.rng
    building = building_ids[rng.randrange(len(building_ids))]
    eid = f"E-{year}-01"
    day = date(year, 7, rng.randrange(8, 20))
    st.gov(
        day,
        f'{day} custom "tf-emergency" "{eid}" "roof-leak" "街道办确认函 {day}"\n'
        f'  note: "{building}号楼屋面暴雨后渗漏,顶层多户进水"',
    )
    amount = _q(Decimal(rng.randrange(2800000, 5200000)) / 100)
    pay_day = day + timedelta(days=rng.randrange(18, 30))
    aid = f"AP-{year}-E01"
    approve(aid, amount, pay_day, f"{building}号楼屋面应急维修")
    cid = f"C-{year}-E01"
    st.gov(
        day,
        f'{day} custom "tf-contract" "{cid}" Expenses:Maintenance:Roof "宏建防水工程有限公司" {_money(amount)} CNY "once" {pay_day}',
    )
    lines = [
        f'{pay_day} * "宏建防水工程有限公司" "{building}号楼屋面应急维修"',
        f'  approval: "{aid}"',
        f'  emergency: "{eid}"',
        f'  contract: "{cid}"',
        f'  price-audit: "SJ-{year}-027"',
        f'  invoice: "{st.next_invoice(pay_day)}"',
        f'  scope: "{building}"',
        f"  Expenses:Maintenance:Roof  {_money(amount)} CNY",
        f"  Assets:Bank:Maintenance  -{_money(amount)} CNY",
    ]
    st.add(pay_day, "\n".join(lines), {"Assets:Bank:Maintenance": -amount})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m trustfund.ops.generator", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--units", type=int, default=320)
    parser.add_argument("--buildings", type=int, default=4)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--start-year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    path = generate(
        args.out_dir,
        units=args.units,
        buildings=args.buildings,
        years=args.years,
        start_year=args.start_year,
        seed=args.seed,
    )
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
