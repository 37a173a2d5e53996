"""A seeded generator of realistic trust-model communities (the demo and the benchmarks).

``generate(out_dir)`` writes a complete community ledger that loads with zero errors under
``plugin "trustfund.xinyi"``::

    main.beancount          options, the plugin line, Fava options, includes
    accounts.beancount      the chart of accounts of DESIGN.md §3 (with Chinese display names)
    register.beancount      tf-owner (with phone numbers, to prove redaction) and tf-unit lines
    terms.beancount         remuneration, threshold, remit days, vote rule, hazards, auto-debit,
                            the fee standard (tf-fee), the roster (tf-member), the counterparties
                            (tf-party) and the contracts
    budget.beancount        Fava ``custom "budget"`` lines per service account and year, the
                            income budget, and the year's supplement (追加) citing its resolution
    governance.beancount    approvals, resolutions, votes, closes, notices (with objection
                            deadlines), objections, emergencies, 五议两公开 stages, budget
                            adoptions, surplus dispositions
    2025/2025-01.beancount  one file of transactions per month

The community is honest by construction, so every rule passes:

- units and owners: ``building-entrance-room`` ids, 60–180 m², some owners with two units, a
  few sales in the autumn (:func:`_community`);
- terms and people: a roster of three committee members (one replaced in July of the first
  year), the manager's project lead and a supervisor; every counterparty a ``tf-party``
  organisation, and one ``related`` party (a committee member's relative's repair shop); the
  ``tf-fee "property"`` standard the monthly bills follow to the fen; service contracts whose
  monthly invoices never exceed them; contracts that run a year past the ledger, so the
  downloads' January goes on under them (:func:`_setup`, :func:`_terms_file`);
- each month (:func:`_bill`, :func:`_collect`, :func:`_remit`, :func:`_public_income`,
  :func:`_services`, :func:`_bank`, :func:`_maintenance_deposits`, :func:`_remuneration`):
  one bill per unit, owners' payments (most on time, some late, a few units in arrears all
  year, a few prepaying), WeChat collections the manager remits within the remit days,
  public income from the contracts' counterparties, service invoices paid with a committee
  and a manager sign-off by two rostered persons, bank charges, quarterly interest,
  maintenance-fund deposits per unit, the remuneration (10 % of the fees collected) accrued
  and paid;
- each year (:func:`_governance`): one voted elevator replacement for one building (votes,
  close, ``budget:``, contract, price audit, notice) paid within its budget, one emergency
  roof repair, one small repair by the related party paid with ``related-party: TRUE`` under
  an owners' resolution, and, when a community is large enough that two monthly payments to
  one payee reach the threshold, a notice before each such payment citing the annual budget
  resolution (no payment is split to stay under the threshold);
- the path of decisions and the year's end (issue 16): ``tf-procedure`` (五议两公开) from
  February of the first year; each matter's stages (:func:`_trail`: proposed, discussed,
  reviewed, decided, published, and after the work evaluated and its result published within
  the procedure's days); the elevator's notice with an objection deadline, an owner's
  objection and the committee's answer before the payment; each January the owners adopt the
  year's budget (``tf-budget``, with an income budget) and in June add to the greenery budget
  (:func:`_budget_supplement`: a budget line from July citing the resolution, the replanting
  paid under it); the next January they adopt the settlement and dispose of the common fund's
  surplus (:func:`_surplus_disposition`: reserve, refund by area, the rest carried forward;
  directives only, so the downloads' January 2026 bank statement still runs on).

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

from ledger.writer import atomic_write

__all__ = ["generate", "main"]

CENT = Decimal("0.01")
FEE_RATE = Decimal("2.20")  # CNY per m2 per month (物业费单价): the tf-fee "property" standard
MAINT_RATE = Decimal("0.25")  # CNY per m2 per month (维修资金续筹)
MAINT_OPENING_RATE = Decimal("60")  # CNY per m2 (首期维修资金, opening balance)
PARKING_FEE = Decimal("150.00")
REMUNERATION_RATE = Decimal("0.10")
THRESHOLD = Decimal("100000.00")
NOTICE_DAYS = 10
REMIT_DAYS = 7
PROCEDURE_DAYS = 90  # 五议两公开: a matter's result is evaluated and published within 90 days
ELEVATOR_PRICE = Decimal("168000.00")  # per elevator (one per entrance)
RETENTION = Decimal("0.05")  # 质保金: the share of a project paid after its warranty
MANAGER_FIRM = "信义物业服务有限公司"

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
#: Counterparties other than the service vendors, all organisations (tf-party).
ORGANISATIONS = (
    MANAGER_FIRM,
    "畅行停车管理有限公司",
    "分众楼宇传媒有限公司",
    "邻里便利店",
    "宏建防水工程有限公司",
    "工商银行",
    "建设银行",
)


@dataclass(frozen=True, slots=True)
class _Unit:
    room: str
    building: str
    entrance: int
    area: Decimal
    fee: Decimal  # monthly property fee: area × FEE_RATE, to the fen half-up
    maint: Decimal  # monthly maintenance-fund deposit


@dataclass(frozen=True, slots=True)
class _Service:
    account: str
    name: str  # Chinese
    vendor: str
    contract: str
    monthly: Decimal  # contract amount per month: the invoices never exceed it
    jitter: Decimal  # how far below the contract a month's invoice may fall (deductions)


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
# Units and owners


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


@dataclass
class _Community:
    """The unit register and the owners, with the sales of the years."""

    units: list[_Unit]
    owner_of: dict[str, str]  # room -> owner id at the start
    owner_name: dict[str, str]
    sales: dict[str, list[tuple[date, str]]]  # room -> (day, new owner id), in date order
    register: list[str]  # the lines of register.beancount
    names: Iterator[str]  # names not yet given to anyone

    def owner_at(self, room: str, day: date) -> str:
        oid = self.owner_of[room]
        for sale_day, new in self.sales.get(room, ()):
            if sale_day <= day:
                oid = new
        return oid


def _community(
    rng: random.Random, units: int, buildings: int, start: date, years: list[int]
) -> _Community:
    """Units (area, fee), owners (about one in seventeen holds two units) and the autumn sales."""
    unit_list: list[_Unit] = []
    for room, entrance in _layout(units, buildings):
        area = Decimal(rng.randrange(6000, 18001, 5)) / 100  # 60.00 .. 180.00 m2
        building = room.split("-")[0]
        unit_list.append(
            _Unit(room, building, entrance, area, _q(area * FEE_RATE), _q(area * MAINT_RATE))
        )
    names = iter(_names(rng, units + len(years) * (units // 150 + 1) + 16))
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
        owner_name[oid] = next(names)
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
    register += [
        f'{start} custom "tf-unit" "{u.room}" {u.area} "{owner_of[u.room]}"' for u in unit_list
    ]
    register.append("")
    # Sales during the years (after each year's vote closes): a new owner from September on.
    sales: list[tuple[date, str, str]] = []
    for year in years:
        for _ in range(max(1, units // 150)):
            unit = rng.choice(unit_list)
            oid = f"O-{len(owner_ids) + 1:04d}"
            owner_ids.append(oid)
            owner_name[oid] = name = next(names)
            day = date(year, rng.randrange(9, 12), rng.randrange(1, 28))
            register.append(f'{day} custom "tf-owner" "{oid}" "{name}"\n  phone: "{_phone(rng)}"')
            register.append(
                f'{day} custom "tf-unit" "{unit.room}" {unit.area} "{oid}"\n  note: "过户"'
            )
            sales.append((day, unit.room, oid))
    by_room: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for day, room, oid in sorted(sales):
        by_room[room].append((day, oid))
    return _Community(unit_list, owner_of, owner_name, dict(by_room), register, names)


# ---------------------------------------------------------------------------------------
# Terms, people, parties, the fee standard and the contracts


@dataclass
class _Setup:
    """Who may sign, who is paid, and on what terms."""

    services: tuple[_Service, ...]
    roster: list[tuple[date, str, str]]  # (from, name, role: committee | manager | ... | none)
    manager: str  # the manager's project lead, who signs for the manager
    related_member: str  # the committee member whose relative runs the related party
    related_party: str
    shop_rent: Decimal
    shop_deposit: Decimal
    ad_fee: Decimal
    parking_fee: Decimal
    contracts_end: date  # contracts run a year past the ledger (the downloads' January too)
    large: frozenset[str]  # payees two of whose monthly payments may reach the threshold

    def committee_on(self, day: date) -> list[str]:
        """The committee members on the roster on ``day``, in roster order."""
        role_of: dict[str, str] = {}
        for since, name, role in self.roster:
            if since <= day:
                role_of[name] = role
        return [name for name, role in role_of.items() if role == "committee"]


def _setup(rng: random.Random, comm: _Community, start: date, years: list[int]) -> _Setup:
    units = len(comm.units)
    entrances = len({(u.building, u.entrance) for u in comm.units})
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
            _q(Decimal(entrances) * Decimal("650.00")),
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
    committee = [next(comm.names) for _ in range(4)]
    manager, supervisor = next(comm.names), next(comm.names)
    first = date(years[0], 7, 1)  # one committee member steps down mid-year; another joins
    roster = [(start, name, "committee") for name in committee[:3]]
    roster += [(start, manager, "manager"), (start, supervisor, "supervisor")]
    roster += [(first, committee[2], "none"), (first, committee[3], "committee")]
    related_member = committee[0]
    # Payees two of whose monthly payments may reach the threshold: a service never exceeds its
    # contract; the remuneration of a month can double (late payers, prepayments).
    fees = sum((u.fee for u in comm.units), Decimal(0))
    recurring = {svc.vendor: svc.monthly for svc in services}
    recurring[MANAGER_FIRM] = 2 * _q(fees * REMUNERATION_RATE)
    large = frozenset(payee for payee, monthly in recurring.items() if 2 * monthly >= THRESHOLD)
    return _Setup(
        services=services,
        roster=roster,
        manager=manager,
        related_member=related_member,
        related_party=f"{related_member[0]}记水电维修部",
        shop_rent=Decimal("8500.00"),
        shop_deposit=Decimal("17000.00"),
        ad_fee=_q(Decimal(entrances) * Decimal("420.00")),
        parking_fee=_q(Decimal(units) * Decimal("9.00")),
        contracts_end=date(years[-1] + 1, 12, 31),
        large=large,
    )


def _terms_file(setup: _Setup, start: date) -> str:
    end = setup.contracts_end
    lines = [
        "; Contract terms of the trust model (DESIGN.md §3): later-dated lines supersede.",
        "",
        f'{start} custom "tf-remuneration" {REMUNERATION_RATE} "fees"',
        f'{start} custom "tf-threshold" {THRESHOLD} CNY {NOTICE_DAYS}',
        f'{start} custom "tf-remit-days" {REMIT_DAYS}',
        f'{start} custom "tf-vote-rule" "use-maintenance-fund" ">=2/3" ">1/2"',
        "",
        "; 五议两公开: the owners adopted the procedure at the January assembly; from February every",
        "; matter is proposed, discussed, reviewed, decided and published before money moves, and",
        f"; its result evaluated and published within {PROCEDURE_DAYS} days of its last payment.",
        f'{date(start.year, 2, 1)} custom "tf-procedure" "five-two" {PROCEDURE_DAYS}',
        "",
        "; The fee standard (收费标准): every unit is billed area × rate each month.",
        f'{start} custom "tf-fee" "property" {FEE_RATE} CNY "m2-month"',
        "",
        "; Hazards that allow emergency use of the maintenance fund (165号令 art. 24).",
        *(f'{start} custom "tf-hazard" "{h}"' for h in HAZARDS),
        "",
        "; Bank charges are debited by the bank: no approval needed.",
        f'{start} custom "tf-auto-debit" Expenses:Admin:BankFees',
        "",
        "; The roster: who may sign for the committee and for the manager (双签).",
        *(f'{since} custom "tf-member" "{name}" "{role}"' for since, name, role in setup.roster),
        "",
        "; Counterparties: organisations, and a business tied to a committee member.",
        *(
            f'{start} custom "tf-party" "{name}" "organisation"'
            for name in (*(s.vendor for s in setup.services), *ORGANISATIONS)
        ),
        f'{start} custom "tf-party" "{setup.related_party}" "related"',
        f'  note: "委员{setup.related_member}的亲属经营"',
        "",
        "; Service contracts (paid monthly against invoices, never above the contract amount)",
        "; and public-income contracts.",
    ]
    for svc in setup.services:
        lines.append(
            f'{start} custom "tf-contract" "{svc.contract}" {svc.account} "{svc.vendor}" {_money(svc.monthly)} CNY "monthly" {end}'
        )
    lines += [
        f'{start} custom "tf-contract" "C-PUB-01" Income:Public:Parking "畅行停车管理有限公司" {_money(setup.parking_fee)} CNY "monthly" {end}',
        f'{start} custom "tf-contract" "C-PUB-02" Income:Public:Advertising "分众楼宇传媒有限公司" {_money(setup.ad_fee)} CNY "monthly" {end}',
        f'{start} custom "tf-contract" "C-PUB-03" Income:Public:Leasing "邻里便利店" {_money(setup.shop_rent)} CNY "monthly" {end}',
        f'  deposit: "{_money(setup.shop_deposit)} CNY"',
        "",
    ]
    return "\n".join(lines) + "\n"


def _budget_amount(svc: _Service) -> Decimal:
    """A service's monthly budget: its contract plus half its usual deductions, to 100."""
    return (svc.monthly * (1 + svc.jitter / 2) / 100).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    ) * 100


def _budget_file(setup: _Setup, years: list[int], extra: dict[int, list[str]]) -> str:
    lines = [
        "; Annual budget (Fava's own directive), monthly amounts: spending per service account,",
        "; and income (written negative, as Fava shows income). Adopted each year by the owners",
        "; (tf-budget in governance.beancount); a line dated later in a year changes it and cites",
        "; the owners' resolution (追加预算).",
        "",
    ]
    for year in years:
        for svc in setup.services:
            amount = _budget_amount(svc)
            lines.append(
                f'{date(year, 1, 1)} custom "budget" {svc.account} "monthly" {_money(amount)} CNY'
            )
        lines += extra.get(year, [])
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The running state of a generation


@dataclass
class _Ctx:
    """Everything the monthly and yearly sections share."""

    st: _State
    comm: _Community
    setup: _Setup
    years: list[int]
    profile: dict[str, str] = field(default_factory=dict)  # room -> payer profile
    parking: set[str] = field(default_factory=set)  # rooms that rent an owners' parking space
    base: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # collected
    remit_queue: list[tuple[date, Decimal]] = field(default_factory=list)
    unpaid: dict[str, list[tuple[str, Decimal]]] = field(default_factory=lambda: defaultdict(list))
    prepaid_left: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    annual: dict[int, tuple[str, date]] = field(default_factory=dict)  # year -> (id, close day)
    budget_lines: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    recent: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)  # payee -> 30 days

    @property
    def rng(self) -> random.Random:
        return self.st.rng

    def approve(
        self, aid: str, amount: Decimal, pay_day: date, what: str, recuse: str = ""
    ) -> None:
        """A committee member (not ``recuse``) and the manager's lead sign a few days before
        the payment."""
        rng = self.rng
        d1 = pay_day - timedelta(days=rng.randrange(2, 6))
        d2 = d1 + timedelta(days=rng.randrange(0, (pay_day - d1).days + 1))
        signer = rng.choice([n for n in self.setup.committee_on(d1) if n != recuse])
        self.st.gov(
            d1,
            f'{d1} custom "tf-approval" "{aid}" "committee" "{signer}" {_money(amount)} CNY\n  note: "{what}"',
        )
        self.st.gov(
            d2,
            f'{d2} custom "tf-approval" "{aid}" "manager" "{self.setup.manager}" {_money(amount)} CNY',
        )

    def large_payment(
        self,
        payee: str,
        aid: str,
        pay_day: date,
        what: str,
        amount: Decimal,
        resolved: bool = False,
    ) -> dict[str, str]:
        """What a payment needs beyond its approval when it is large (TF305-TF307).

        When it brings the payee's payments below the threshold within 30 days to the threshold,
        or is at or above it on its own: a notice 12 days before it and, unless the caller
        cites a resolution (``resolved``), the year's annual resolution, which must be closed.
        """
        window = self.recent.setdefault(payee, [])
        window[:] = [(d, a) for d, a in window if d >= pay_day - timedelta(days=30)]
        before = sum((a for _, a in window), Decimal(0))
        if amount < THRESHOLD:
            window.append((pay_day, amount))
        if before + amount < THRESHOLD:
            return {}
        meta: dict[str, str] = {}
        if not resolved:
            annual = self.annual.get(pay_day.year)
            if annual is None or annual[1] > pay_day:
                raise RuntimeError(f"generator: {what} to {payee} needs an owners' resolution")
            meta["resolution"] = annual[0]
        notice_day = pay_day - timedelta(days=NOTICE_DAYS + 2)
        self.st.gov(
            notice_day,
            f'{notice_day} custom "tf-notice" "N-{aid[3:]}" "{aid}"\n  title: "{what}付款公示"',
        )
        return meta

    def pay(
        self,
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
        self.st.add(day, "\n".join(lines), {bank: -amount})


def _opening(ctx: _Ctx, start: date) -> None:
    """Opening balances: the common fund, and the maintenance fund per unit."""
    st = ctx.st
    common = _q(Decimal(len(ctx.comm.units)) * Decimal("850.00"))
    st.add(
        start,
        f'{start} * "期初余额" "共同基金期初余额(上年结转)"\n'
        f"  Assets:Bank:Trust  {_money(common)} CNY\n"
        f"  Equity:Owners:Common  -{_money(common)} CNY",
        {"Assets:Bank:Trust": common},
    )
    lines = [f'{start} * "期初余额" "维修资金期初余额(分户)"']
    total = Decimal(0)
    for unit in ctx.comm.units:
        amount = _q(unit.area * MAINT_OPENING_RATE)
        total += amount
        lines.append(f'  Equity:Owners:Maintenance  -{_money(amount)} CNY\n    unit: "{unit.room}"')
    lines.insert(1, f"  Assets:Bank:Maintenance  {_money(total)} CNY")
    st.add(start, "\n".join(lines), {"Assets:Bank:Maintenance": total})


def _profiles(ctx: _Ctx) -> None:
    """How each unit pays: arrears all year, prepaying, by WeChat, late, or on time."""
    rng = ctx.rng
    units = len(ctx.comm.units)
    arrears = max(2, units // 100)
    shuffled = [u.room for u in ctx.comm.units]
    rng.shuffle(shuffled)
    for i, room in enumerate(shuffled):
        if i < arrears:
            ctx.profile[room] = "arrears"
        elif i < arrears + max(3, units * 3 // 100):
            ctx.profile[room] = "prepay"
        else:
            r = rng.random()
            ctx.profile[room] = "wechat" if r < 0.12 else "late" if r < 0.22 else "ontime"
    ctx.parking = {
        u.room
        for u in ctx.comm.units
        if rng.random() < 0.2 and ctx.profile[u.room] in ("ontime", "late", "wechat")
    }


# ---------------------------------------------------------------------------------------
# Each month: billing and collections


def _bill(ctx: _Ctx, y: int, m: int) -> None:
    """Bills on the 1st, by the fee standard; prepaid months applied the same day."""
    period, first = _period(y, m), date(y, m, 1)
    for unit in ctx.comm.units:
        ctx.st.add(
            first,
            f'{first} * "物业费" "{period} 物业费 {unit.room}"\n'
            f'  Assets:Receivable:Fees  {_money(unit.fee)} CNY\n    unit: "{unit.room}"\n'
            f'  Income:Fees:Property  -{_money(unit.fee)} CNY\n    unit: "{unit.room}"',
        )
        if ctx.prepaid_left[unit.room] > 0:
            ctx.prepaid_left[unit.room] -= 1
            ctx.st.add(
                first,
                f'{first} * "物业费" "{period} 预收物业费转应收 {unit.room}"\n'
                f'  Liabilities:Prepaid:Fees  {_money(unit.fee)} CNY\n    unit: "{unit.room}"\n'
                f'  Assets:Receivable:Fees  -{_money(unit.fee)} CNY\n    unit: "{unit.room}"',
            )
        else:
            ctx.unpaid[unit.room].append((period, unit.fee))


def _receipt(
    ctx: _Ctx, day: date, room: str, items: list[tuple[str, Decimal, str]], wechat: bool = False
) -> None:
    """An owner's payment: bank (or the manager's WeChat) in, credits with ``unit:``."""
    st = ctx.st
    name = ctx.comm.owner_name[ctx.comm.owner_at(room, day)]
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
    ctx.base[_period(day.year, day.month)] += total
    if wechat:
        ctx.remit_queue.append((day, total))


def _collect(ctx: _Ctx, y: int, m: int) -> None:
    """Owners pay: on time, late (two months together), by WeChat, prepaying; some never."""
    rng, period = ctx.rng, _period(y, m)
    for unit in ctx.comm.units:
        kind, room = ctx.profile[unit.room], unit.room
        if kind == "arrears":
            continue
        if kind == "prepay":
            if ctx.unpaid[room]:
                day = date(y, m, rng.randrange(2, 16))
                ahead = 12 - m  # the rest of the year in advance
                items = [
                    ("Assets:Receivable:Fees", fee, f"{p} 物业费") for p, fee in ctx.unpaid[room]
                ]
                if ahead:
                    items.append(
                        ("Liabilities:Prepaid:Fees", unit.fee * ahead, f"预交{ahead}个月物业费")
                    )
                    ctx.prepaid_left[room] += ahead
                ctx.unpaid[room].clear()
                _receipt(ctx, day, room, items)
            continue
        if kind == "late" and rng.random() < 0.6:
            continue  # pays next month, together
        if kind == "ontime" and rng.random() < 0.04:
            continue  # forgot this month
        if not ctx.unpaid[room]:
            continue
        day = date(y, m, rng.randrange(3, 29))
        items = [("Assets:Receivable:Fees", fee, f"{p} 物业费") for p, fee in ctx.unpaid[room]]
        if room in ctx.parking:
            items.append(("Income:Fees:Parking", PARKING_FEE, f"{period} 车位费"))
        ctx.unpaid[room].clear()
        _receipt(ctx, day, room, items, wechat=(kind == "wechat" and rng.random() < 0.85))


def _remit(ctx: _Ctx, y: int, m: int) -> None:
    """The manager remits its WeChat collections every few days, within the remit days."""
    last, queue = _month_end(y, m), ctx.remit_queue
    queue.sort(key=lambda item: item[0])
    while queue:
        remit_day = queue[0][0] + timedelta(days=ctx.rng.randrange(2, REMIT_DAYS + 1))
        remit_day = min(remit_day, last)
        batch = [item for item in queue if item[0] <= remit_day]
        queue[:] = [item for item in queue if item[0] > remit_day]
        amount = sum((a for _, a in batch), Decimal(0))
        ctx.st.add(
            remit_day,
            f'{remit_day} * "{MANAGER_FIRM}" "上缴微信代收物业费 {len(batch)}笔"\n'
            f'  serial: "{ctx.st.next_serial(remit_day)}"\n'
            f"  Assets:Bank:Trust  {_money(amount)} CNY\n"
            f"  Assets:Clearing:Manager  -{_money(amount)} CNY",
            {"Assets:Bank:Trust": amount},
        )


# ---------------------------------------------------------------------------------------
# Each month: public income, spending, the bank, the maintenance fund, the remuneration


def _public_income(ctx: _Ctx, y: int, m: int) -> None:
    """Public income from the contracts' counterparties (and the shop's deposit, once)."""
    st, setup, period = ctx.st, ctx.setup, _period(y, m)
    # Visitor parking: the contract's monthly amount is guaranteed (保底), plus a revenue share.
    parking = _q(setup.parking_fee * Decimal(ctx.rng.randrange(100, 121)) / 100)
    for day, payer, account, contract, amount, what in (
        (
            date(y, m, 10),
            "畅行停车管理有限公司",
            "Parking",
            "C-PUB-01",
            parking,
            "临时停车收益分成",
        ),
        (
            date(y, m, 12),
            "分众楼宇传媒有限公司",
            "Advertising",
            "C-PUB-02",
            setup.ad_fee,
            "电梯广告位租金",
        ),
        (date(y, m, 5), "邻里便利店", "Leasing", "C-PUB-03", setup.shop_rent, "商铺租金"),
    ):
        st.add(
            day,
            f'{day} * "{payer}" "{period} {what}"\n'
            f'  serial: "{st.next_serial(day)}"\n  contract: "{contract}"\n'
            f"  Assets:Bank:Trust  {_money(amount)} CNY\n"
            f"  Income:Public:{account}  -{_money(amount)} CNY",
            {"Assets:Bank:Trust": amount},
        )
    if (y, m) == (ctx.years[0], 1):
        day = date(y, 1, 5)
        st.add(
            day,
            f'{day} * "邻里便利店" "商铺租赁押金"\n'
            f'  serial: "{st.next_serial(day)}"\n  contract: "C-PUB-03"\n'
            f"  Assets:Bank:Trust  {_money(setup.shop_deposit)} CNY\n"
            f"  Liabilities:Deposits  -{_money(setup.shop_deposit)} CNY",
            {"Assets:Bank:Trust": setup.shop_deposit},
        )


def _services(ctx: _Ctx, y: int, m: int) -> None:
    """Service invoices (at most the contract amount), approved, paid once around the 25th."""
    period = _period(y, m)
    for k, svc in enumerate(ctx.setup.services, start=1):
        deduction = Decimal(ctx.rng.randrange(0, 1001)) / 1000 * svc.jitter
        amount = _q(svc.monthly * (1 - deduction))
        day = date(y, m, 20 + k)
        aid = f"AP-{y}-{m:02d}{k}0"
        what = f"{period} {svc.name}"
        ctx.approve(aid, amount, day, what)
        meta = {"approval": aid, "contract": svc.contract, "invoice": ctx.st.next_invoice(day)}
        meta.update(ctx.large_payment(svc.vendor, aid, day, what, amount))
        ctx.pay(day, svc.vendor, what, svc.account, amount, meta)


def _bank(ctx: _Ctx, y: int, m: int) -> None:
    """The bank's monthly charge (auto-debit) and quarterly interest on both accounts."""
    st, period, last = ctx.st, _period(y, m), _month_end(y, m)
    charge = Decimal(ctx.rng.randrange(1500, 6000)) / 100
    st.add(
        last,
        f'{last} * "工商银行" "{period} 账户管理费及转账手续费"\n'
        f"  Expenses:Admin:BankFees  {_money(charge)} CNY\n"
        f"  Assets:Bank:Trust  -{_money(charge)} CNY",
        {"Assets:Bank:Trust": -charge},
    )
    if m % 3:
        return
    day = date(y, m, 21)
    for bank, account, rate in (
        ("Assets:Bank:Trust", "Income:Interest", Decimal("0.0035")),
        ("Assets:Bank:Maintenance", "Income:Maintenance:Interest", Decimal("0.0135")),
    ):
        balance = sum((a for d, a in st.bank[bank] if d <= day), Decimal(0))
        interest = _q(balance * rate / 4)
        if interest > 0:
            payer = "工商银行" if bank.endswith("Trust") else "建设银行"
            st.add(
                day,
                f'{day} * "{payer}" "{period[:4]}年第{m // 3}季度结息"\n'
                f'  serial: "{st.next_serial(day)}"\n'
                f"  {bank}  {_money(interest)} CNY\n"
                f"  {account}  -{_money(interest)} CNY",
                {bank: interest},
            )


def _maintenance_deposits(ctx: _Ctx, y: int, m: int) -> None:
    """Maintenance-fund deposits: one transaction per building, one posting per unit."""
    st, period, day = ctx.st, _period(y, m), date(y, m, 15)
    for building in sorted({u.building for u in ctx.comm.units}, key=int):
        members = [u for u in ctx.comm.units if u.building == building]
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


def _remuneration(ctx: _Ctx, y: int, m: int) -> None:
    """10 % of the fees collected: accrued on the last day, paid on the 6th of next month."""
    period, last = _period(y, m), _month_end(y, m)
    due = _q(ctx.base[period] * REMUNERATION_RATE)
    if due <= 0:
        return
    ctx.st.add(
        last,
        f'{last} * "{MANAGER_FIRM}" "{period} 物业酬金(实收物业费{_money(ctx.base[period])}×10%)"\n'
        f'  period: "{period}"\n'
        f"  Expenses:Manager:Remuneration  {_money(due)} CNY\n"
        f"  Liabilities:Payable:Manager  -{_money(due)} CNY",
    )
    ny, nm = _next_month(y, m)
    if ny not in ctx.years:
        return
    day = date(ny, nm, 6)
    aid = f"AP-{ny}-{nm:02d}R0"
    ctx.approve(aid, due, day, f"{period} 物业酬金")
    meta = {"approval": aid, "invoice": ctx.st.next_invoice(day)}
    meta.update(ctx.large_payment(MANAGER_FIRM, aid, day, f"{period} 物业酬金", due))
    lines = [f'{day} * "{MANAGER_FIRM}" "支付 {period} 物业酬金"']
    lines += [f'  {k}: "{v}"' for k, v in meta.items()]
    lines += [
        f"  Liabilities:Payable:Manager  {_money(due)} CNY",
        f"  Assets:Bank:Trust  -{_money(due)} CNY",
    ]
    ctx.st.add(day, "\n".join(lines), {"Assets:Bank:Trust": -due})


# ---------------------------------------------------------------------------------------
# Each year: governance (votes, the elevator project, the emergency, the related party)


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


def _vote(
    ctx: _Ctx, rid: str, heading: str, scope: list[_Unit], opened: date, closed: date
) -> None:
    """A resolution, its votes (one per unit, an owner the same for all their units) and its
    close; the owners who abstained or voted no come round until it passes."""
    rng = ctx.rng
    ctx.st.gov(opened, heading)
    owners = {u.room: ctx.comm.owner_at(u.room, closed) for u in scope}
    choice: dict[str, str | None] = {}
    for oid in sorted(set(owners.values())):
        if rng.random() < 0.86:
            r = rng.random()
            choice[oid] = "yes" if r < 0.8 else "no" if r < 0.93 else "abstain"
        else:
            choice[oid] = None
    votes = {u.room: c for u in scope if (c := choice[owners[u.room]]) is not None}
    for oid in sorted(choice):  # a deterministic top-up until it passes
        if _tally_ok(scope, owners, votes):
            break
        if choice[oid] != "yes":
            choice[oid] = "yes"
            votes = {u.room: c for u in scope if (c := choice[owners[u.room]]) is not None}
    for u in scope:
        if u.room in votes:
            day = opened + timedelta(days=rng.randrange(1, (closed - opened).days))
            ctx.st.gov(day, f'{day} custom "tf-vote" "{rid}" "{u.room}" "{votes[u.room]}"')
    ctx.st.gov(closed, f'{closed} custom "tf-close" "{rid}"')


def _trail(ctx: _Ctx, rid: str, **days: date) -> None:
    """The 五议两公开 stages of a matter (``publish_decision=…`` for "publish-decision")."""
    notes = {
        "propose": "业委会会议提出议案",
        "discuss": "业委会与物业、居委会商议",
        "review": "业主代表审议方案",
        "resolve": "业委会会议决定",
        "publish-decision": "决议在公告栏与业主群公示",
        "evaluate": "业主代表评议实施结果",
        "publish-result": "结果公示",
    }
    for key, day in days.items():
        stage = key.replace("_", "-")
        ctx.st.gov(day, f'{day} custom "tf-stage" "{rid}" "{stage}"\n  by: "{notes[stage]}"')


def _under_procedure(ctx: _Ctx, day: date) -> bool:
    """Whether a resolution dated ``day`` falls under 五议两公开 (from February of year one)."""
    return day >= date(ctx.years[0], 2, 1)


def _annual_resolution(ctx: _Ctx, year: int) -> None:
    """The owners vote each January on the year's budget (the service contracts and the
    remuneration) and adopt it (tf-budget); two monthly payments to a payee of a large
    community may reach the threshold, and then cite it."""
    rid, opened, closed = f"R-{year}-00", date(year, 1, 2), date(year, 1, 12)
    total = sum((s.monthly for s in ctx.setup.services), Decimal(0)) * 12
    heading = (
        f'{opened} custom "tf-resolution" "{rid}" "annual-budget" "{year}年度预算(服务合同与物业酬金)" ""\n'
        f'  budget: "{_money(total)} CNY"'
    )
    if _under_procedure(ctx, opened):  # prepared in the autumn before
        _trail(
            ctx,
            rid,
            propose=date(year - 1, 11, 20),
            discuss=date(year - 1, 12, 1),
            review=date(year - 1, 12, 10),
            publish_decision=closed,
        )
    _vote(ctx, rid, heading, ctx.comm.units, opened, closed)
    ctx.st.gov(closed, f'{closed} custom "tf-budget" "{year}" "{rid}"')
    last = ctx.annual.get(year - 1)
    if last is not None and _under_procedure(ctx, date(year - 1, 1, 2)):
        # last year's budget is evaluated with its settlement, and the result published
        _trail(ctx, last[0], evaluate=date(year, 1, 20), publish_result=date(year, 1, 25))
    ctx.annual[year] = (rid, closed)
    _income_budget(ctx, year)


def _income_budget(ctx: _Ctx, year: int) -> None:
    """The year's income budget: the fee standard's bills, owners' parking, the contracts."""
    setup, first = ctx.setup, date(year, 1, 1)
    fees = sum((u.fee for u in ctx.comm.units), Decimal(0))
    lines = [
        ("Income:Fees:Property", fees),
        ("Income:Fees:Parking", PARKING_FEE * len(ctx.parking)),
        ("Income:Public:Parking", setup.parking_fee),
        ("Income:Public:Advertising", setup.ad_fee),
        ("Income:Public:Leasing", setup.shop_rent),
    ]
    ctx.budget_lines[year] += [
        f'{first} custom "budget" {account} "monthly" -{_money(amount)} CNY'
        for account, amount in lines
    ]


def _elevator_project(ctx: _Ctx, year: int, building: str) -> None:
    """Voted elevator replacement for one building within its budget: 95 % paid on the
    acceptance (``acceptance:``), the 5 % retention (质保金) after six months' warranty."""
    st, setup = ctx.st, ctx.setup
    rid, cid, aid = f"R-{year}-01", f"C-{year}-M01", f"AP-{year}-M01"
    scope = [u for u in ctx.comm.units if u.building == building]
    elevators = len({u.entrance for u in scope})
    price = _q(ELEVATOR_PRICE * elevators)
    opened, closed = date(year, 3, 20), date(year, 4, 30)
    heading = (
        f'{opened} custom "tf-resolution" "{rid}" "use-maintenance-fund" "{building}号楼电梯更换({elevators}部)" "{building}"\n'
        f'  budget: "{_money(price)} CNY"'
    )
    # 五议两公开: proposed, discussed, reviewed before the vote; the decision published after
    # it; the result evaluated and published within PROCEDURE_DAYS of the payment
    _trail(
        ctx,
        rid,
        propose=date(year, 2, 20),
        discuss=date(year, 3, 1),
        review=date(year, 3, 10),
        publish_decision=date(year, 5, 2),
        evaluate=date(year, 8, 28),
        publish_result=date(year, 9, 5),
    )
    _vote(ctx, rid, heading, scope, opened, closed)
    contract_day, pay_day = date(year, 5, 12), date(year, 6, 18)
    st.gov(
        contract_day,
        f'{contract_day} custom "tf-contract" "{cid}" Expenses:Maintenance:Elevator "通达电梯工程有限公司" {_money(price)} CNY "once" {date(year, 12, 31)}\n'
        f'  price-audit: "SJ-{year}-018 审价报告(华信造价咨询)"',
    )
    d1 = date(year, 5, 20)
    signer = setup.committee_on(d1)[0]
    st.gov(
        d1,
        f'{d1} custom "tf-approval" "{aid}" "committee" "{signer}" {_money(price)} CNY\n  resolution: "{rid}"',
    )
    d2 = d1 + timedelta(days=1)
    st.gov(d2, f'{d2} custom "tf-approval" "{aid}" "manager" "{setup.manager}" {_money(price)} CNY')
    notice_day = pay_day - timedelta(days=NOTICE_DAYS + ctx.rng.randrange(2, 12))
    deadline = notice_day + timedelta(days=NOTICE_DAYS)  # owners may object until then
    st.gov(
        notice_day,
        f'{notice_day} custom "tf-notice" "N-{year}-01" "{aid}" {deadline}\n  title: "{building}号楼电梯更换工程付款公示"',
    )
    # an owner objects in writing within the window; the committee answers before paying
    objector = scope[ctx.rng.randrange(len(scope))].room
    lodged, answered = notice_day + timedelta(days=3), notice_day + timedelta(days=7)
    st.gov(
        lodged,
        f'{lodged} custom "tf-objection" "OB-{year}-01" "N-{year}-01" "{objector}"\n'
        f'  note: "对电梯品牌与单价有异议"',
    )
    st.gov(
        answered,
        f'{answered} custom "tf-objection-outcome" "OB-{year}-01" "dismissed"\n'
        f'  note: "业委会书面答复: 品牌与单价经审价(SJ-{year}-018)比选确定"',
    )
    retention = _q(price * RETENTION)
    meta = {
        "approval": aid,
        "resolution": rid,
        "contract": cid,
        "price-audit": f"SJ-{year}-018",
        "acceptance": f"竣工验收单 YS-{year}-06",
        "invoice": st.next_invoice(pay_day),
        "scope": building,
    }
    ctx.pay(
        pay_day,
        "通达电梯工程有限公司",
        f"{building}号楼电梯更换工程款(验收后95%)",
        "Expenses:Maintenance:Elevator",
        price - retention,
        meta,
        bank="Assets:Bank:Maintenance",
    )
    release_day = date(year, 12, 18)
    meta = {
        "approval": aid,
        "resolution": rid,
        "contract": cid,
        "price-audit": f"SJ-{year}-018",
        "invoice": st.next_invoice(release_day),
        "scope": building,
    }
    ctx.pay(
        release_day,
        "通达电梯工程有限公司",
        f"{building}号楼电梯更换质保金(5%)",
        "Expenses:Maintenance:Elevator",
        retention,
        meta,
        bank="Assets:Bank:Maintenance",
    )


def _roof_emergency(ctx: _Ctx, year: int) -> None:
    """An emergency roof repair (listed hazard, confirmed by the 街道办): no vote needed."""
    st, rng = ctx.st, ctx.rng
    buildings = sorted({u.building for u in ctx.comm.units}, key=int)
    building = buildings[rng.randrange(len(buildings))]
    eid, cid, aid = f"E-{year}-01", f"C-{year}-E01", f"AP-{year}-E01"
    day = date(year, 7, rng.randrange(8, 20))
    st.gov(
        day,
        f'{day} custom "tf-emergency" "{eid}" "roof-leak" "街道办确认函 {day}"\n'
        f'  note: "{building}号楼屋面暴雨后渗漏,顶层多户进水"',
    )
    amount = _q(Decimal(rng.randrange(2800000, 5200000)) / 100)
    pay_day = day + timedelta(days=rng.randrange(18, 30))
    ctx.approve(aid, amount, pay_day, f"{building}号楼屋面应急维修")
    st.gov(
        day,
        f'{day} custom "tf-contract" "{cid}" Expenses:Maintenance:Roof "宏建防水工程有限公司" {_money(amount)} CNY "once" {pay_day}',
    )
    meta = {
        "approval": aid,
        "emergency": eid,
        "contract": cid,
        "price-audit": f"SJ-{year}-027",
        "acceptance": f"维修验收单 YS-{year}-07",
        "invoice": st.next_invoice(pay_day),
        "scope": building,
    }
    ctx.pay(
        pay_day,
        "宏建防水工程有限公司",
        f"{building}号楼屋面应急维修",
        "Expenses:Maintenance:Roof",
        amount,
        meta,
        bank="Assets:Bank:Maintenance",
    )


def _related_repair(ctx: _Ctx, year: int) -> None:
    """A committee member's relative repairs building 1's common plumbing: a related-party
    deal its owners voted on, flagged, contracted, noticed and paid once."""
    st, setup = ctx.st, ctx.setup
    rid, cid, aid = f"R-{year}-02", f"C-{year}-R01", f"AP-{year}-R01"
    amount = _q(Decimal(ctx.rng.randrange(420000, 880000)) / 100)
    opened, closed = date(year, 2, 10), date(year, 3, 10)
    building = sorted({u.building for u in ctx.comm.units}, key=int)[0]  # its owners vote
    heading = (
        f'{opened} custom "tf-resolution" "{rid}" "related-party-contract" "委托{setup.related_party}维修{building}号楼公共水电(关联交易)" "{building}"\n'
        f'  budget: "{_money(amount)} CNY"'
    )
    _trail(
        ctx,
        rid,
        propose=date(year, 1, 20),
        discuss=date(year, 1, 28),
        review=date(year, 2, 5),
        publish_decision=date(year, 3, 12),
        evaluate=date(year, 5, 20),
        publish_result=date(year, 5, 28),
    )
    scope = [u for u in ctx.comm.units if u.building == building]
    _vote(ctx, rid, heading, scope, opened, closed)
    st.gov(
        closed,
        f'{closed} custom "tf-contract" "{cid}" Expenses:Service:Repairs "{setup.related_party}" {_money(amount)} CNY "once" {date(year, 6, 30)}',
    )
    pay_day = date(year, 4, 16)
    ctx.approve(aid, amount, pay_day, "公共区域水电维修(关联交易)", recuse=setup.related_member)
    notice_day = pay_day - timedelta(days=NOTICE_DAYS + 5)  # related-party deals are noticed
    deadline = notice_day + timedelta(days=NOTICE_DAYS)
    st.gov(
        notice_day,
        f'{notice_day} custom "tf-notice" "N-{aid[3:]}" "{aid}" {deadline}\n  title: "关联交易付款公示"',
    )
    meta = {
        "approval": aid,
        "related-party": "TRUE",
        "resolution": rid,
        "contract": cid,
        "invoice": st.next_invoice(pay_day),
    }
    ctx.pay(
        pay_day, setup.related_party, "公共区域水电维修", "Expenses:Service:Repairs", amount, meta
    )


def _budget_supplement(ctx: _Ctx, year: int) -> None:
    """The owners add to the greenery budget mid-year (追加预算) for replanting after a dry
    spring: a resolution with its full trail, a budget line from July citing it, and the
    replanting paid under it."""
    st = ctx.st
    svc = next(s for s in ctx.setup.services if s.account == "Expenses:Service:Greenery")
    rid, aid = f"R-{year}-03", f"AP-{year}-G01"
    vendor = "青禾苗木有限公司"
    extra = Decimal("1500.00")  # a month, July to December
    opened, closed = date(year, 5, 20), date(year, 6, 20)
    heading = (
        f'{opened} custom "tf-resolution" "{rid}" "budget-supplement" "{year}年绿化补植追加预算" ""\n'
        f'  budget: "{_money(extra * 6)} CNY"'
    )
    _trail(
        ctx,
        rid,
        propose=date(year, 4, 25),
        discuss=date(year, 5, 6),
        review=date(year, 5, 15),
        publish_decision=date(year, 6, 21),
        evaluate=date(year, 10, 15),
        publish_result=date(year, 10, 22),
    )
    _vote(ctx, rid, heading, ctx.comm.units, opened, closed)
    ctx.budget_lines[year].append(
        f'{date(year, 7, 1)} custom "budget" {svc.account} "monthly" '
        f'{_money(_budget_amount(svc) + extra)} CNY\n  resolution: "{rid}"'
    )
    st.gov(date(year, 1, 1), f'{date(year, 1, 1)} custom "tf-party" "{vendor}" "organisation"')
    amount = _q(Decimal(ctx.rng.randrange(1200000, 1400000)) / 100)
    pay_day = date(year, 8, ctx.rng.randrange(10, 20))
    ctx.approve(aid, amount, pay_day, "绿化补植(追加预算)")
    meta = {"approval": aid, "resolution": rid, "invoice": st.next_invoice(pay_day)}
    meta.update(ctx.large_payment(vendor, aid, pay_day, "绿化补植", amount, resolved=True))
    ctx.pay(pay_day, vendor, "绿化补植", svc.account, amount, meta)


def _common_surplus(ctx: _Ctx, year: int) -> Decimal:
    """The common fund's income − expenses of the year, read off the generated postings."""
    total = Decimal(0)
    for month in range(1, 13):
        for txn in ctx.st.txns[_period(year, month)]:
            for line in txn.text.splitlines():
                parts = line.split()
                if len(parts) != 3 or parts[2] != "CNY" or not line.startswith("  "):
                    continue
                account = parts[0]
                if account.startswith(("Income:", "Expenses:")) and ":Maintenance" not in account:
                    total -= Decimal(parts[1])
    return total


def _surplus_disposition(ctx: _Ctx, year: int) -> None:
    """In January the owners adopt the year's settlement (决算) and decide on the common
    fund's surplus: a reserve for the maintenance fund, a refund by area, the rest carried
    forward (custom directives only: the money moves in the months that follow)."""
    surplus = _common_surplus(ctx, year)
    if surplus <= 0:
        return
    nxt = year + 1
    rid = f"R-{nxt}-09"
    opened, closed = date(nxt, 1, 8), date(nxt, 1, 18)
    heading = f'{opened} custom "tf-resolution" "{rid}" "surplus" "{year}年度决算及结余处置" ""'
    _trail(
        ctx,
        rid,
        propose=date(nxt, 1, 3),
        discuss=date(nxt, 1, 5),
        review=date(nxt, 1, 7),
        publish_decision=date(nxt, 1, 19),
    )
    _vote(ctx, rid, heading, ctx.comm.units, opened, closed)
    reserve = (surplus * Decimal("0.3") / 100).quantize(Decimal(1), rounding=ROUND_DOWN) * 100
    refund = (surplus * Decimal("0.2") / 100).quantize(Decimal(1), rounding=ROUND_DOWN) * 100
    day = date(nxt, 1, 19)
    for kind, amount, note in (
        ("reserve", reserve, "转入专项维修资金(物业管理条例第54条)"),
        ("refund-by-area", refund, "按专有面积退还业主,抵扣次月物业费"),
        ("carry-forward", surplus - reserve - refund, "结转下年共同基金"),
    ):
        ctx.st.gov(
            day,
            f'{day} custom "tf-disposition" "{year}" "{kind}" {_money(amount)} CNY "{rid}"\n'
            f'  note: "{note}"',
        )


def _governance(ctx: _Ctx) -> None:
    buildings = sorted({u.building for u in ctx.comm.units}, key=int)
    for index, year in enumerate(ctx.years):
        _elevator_project(ctx, year, buildings[(1 + index) % len(buildings)])
        _roof_emergency(ctx, year)
        _related_repair(ctx, year)
        _budget_supplement(ctx, year)
    for year in ctx.years:  # once every payment of the year is written
        _surplus_disposition(ctx, year)


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
    ("Expenses:Service:Repairs", "公共设施维修"),
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


def _balances(ctx: _Ctx, months: list[tuple[int, int]]) -> None:
    """Month-end balance assertions on both bank accounts (on the 1st of the next month)."""
    for account in ("Assets:Bank:Trust", "Assets:Bank:Maintenance"):
        moves = sorted(ctx.st.bank[account], key=lambda item: item[0])
        running = Decimal(0)
        i = 0
        for y, m in months:
            cutoff = date(*_next_month(y, m), 1)
            while i < len(moves) and moves[i][0] < cutoff:
                running += moves[i][1]
                i += 1
            ctx.st.txns[_period(y, m)].append(
                _Txn(cutoff, f"{cutoff} balance {account}  {_money(running)} CNY")
            )


def _write(out_dir: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text)


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
    comm = _community(rng, units, buildings, start, year_list)
    setup = _setup(rng, comm, start, year_list)
    ctx = _Ctx(_State(rng), comm, setup, year_list)
    _opening(ctx, start)
    _profiles(ctx)
    months = [(y, m) for y in year_list for m in range(1, 13)]
    for y, m in months:
        if m == 1:
            _annual_resolution(ctx, y)
        _bill(ctx, y, m)
        _collect(ctx, y, m)
        _remit(ctx, y, m)
        _public_income(ctx, y, m)
        _services(ctx, y, m)
        _bank(ctx, y, m)
        _maintenance_deposits(ctx, y, m)
        _remuneration(ctx, y, m)
    _governance(ctx)
    _balances(ctx, months)

    title = "信义小区 共有资金账本"
    files: dict[str, str] = {
        "main.beancount": _main_file(title, start, year_list),
        "accounts.beancount": _accounts_file(start),
        "register.beancount": "\n".join(comm.register) + "\n",
        "terms.beancount": _terms_file(setup, start),
        "budget.beancount": _budget_file(setup, year_list, ctx.budget_lines),
    }
    gov = [
        "; Governance: approvals (双签), owners' resolutions and votes, closes, notices, emergencies.",
        "",
    ]
    gov += [text for _, _, text in sorted(ctx.st.governance, key=lambda item: (item[0], item[1]))]
    files["governance.beancount"] = "\n".join(gov) + "\n"
    for y, m in months:
        period = _period(y, m)
        entries = sorted(ctx.st.txns[period], key=lambda t: t.day)  # stable on ties
        body = "\n\n".join(t.text for t in entries)
        files[f"{y}/{period}.beancount"] = f"; Transactions of {period}.\n\n{body}\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir, files)
    return out_dir / "main.beancount"


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
