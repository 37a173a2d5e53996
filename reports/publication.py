"""The publication: what the owners' side may show, decided in one place (DESIGN.md §7).

Every owner-facing output goes through this module: the ``--public`` site (its redacted
ledger and its trustfund pages), the public and budget reports in every format, and any later
export (a static site). It publishes from an **allowlist**; nothing is published because a word
list failed to recognise it as private.

API::

    policy = Policy.of(ledger)                      # or Policy.build(entries, community, root=…)
    published = publish_entries(ledger.entries, policy, errors=ledger.errors, options=…)
    published.entries, published.errors, published.options   # what the owners may see
    policy.text("…")        # free text: known private names and phone/ID/card numbers masked
    policy.party("…", day)  # a payee: organisation or bookkeeping word as is, else 张* / 业主
    policy.account("…")     # an account with every component that names a person masked
    policy.meta({...})      # metadata: allowlisted keys only
    publish_report(report, policy)   # any report's tables, text cells through the policy

What is published (DESIGN.md §7): dates, amounts, accounts (a component naming a person is
masked: ``Liabilities:Deposits:D王建国`` -> ``Liabilities:Deposits:D王某``), unit ids,
organisations (``tf-party`` "organisation", contract counterparties, names in a registered legal
form such as ``…有限公司``), approval, resolution, invoice and contract ids, roster members
(``tf-member``) as signers in their role, and documents marked ``public: TRUE`` that lie inside
the ledger folder after resolving links.

What is private: every other payee (shown as ``张*``, or ``业主`` for an owner's transaction),
the narration of an entry with a private payee or of an owner's transaction (replaced by a
generated description such as ``业主缴费 3-1-101 2025-03``), every metadata key not on
:data:`META_ALLOWED`, digit runs that look like phone, ID or bank-card numbers in any text
(spaces and hyphens included), server paths, private file names and line numbers.

Room-level detail follows the community's ``tf-publish`` switches (default FALSE each):
without "receipts-by-unit" the owners' transactions (bills, receipts, prepayments) appear as
daily totals per building, kind and account; without "arrears-by-unit" arrears by building;
without "votes-by-unit" the vote tally only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from ledger.accounts import classify, under
from ledger.community import PUBLISH_SWITCHES, Community, building_of
from ledger.entries import GENERATED_KEY, month_of, posting_number

RECEIPTS_BY_UNIT, ARREARS_BY_UNIT, VOTES_BY_UNIT = PUBLISH_SWITCHES
#: The file name the published entries carry instead of the private ledger's.
PUBLIC_FILENAME = "<公示>"
#: The Fava extension module the publication keeps (the only one).
EXTENSION_MODULE = "trustfund.web.extension"
OWNER = "业主"
#: Where the owners' Fava site lands (unless the ledger sets its own ``default-page``).
DEFAULT_PAGE = "extension/PublicBalance/"
PRIVATE_DOCUMENT = "非公开文件 (not public)"

# ---------------------------------------------------------------------------------------
# Vocabulary: bookkeeping words that are not names ("期初余额" stays whole)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_HAN_CHAR = re.compile(f"[{_HAN}]")
#: Words of a property fund's books. A payee or account component made only of these (and
#: digits, punctuation, the connectors of :data:`CONNECTORS`) is a label, not a person.
VOCABULARY = frozenset(
    [
        "期初",
        "期末",
        "余额",
        "期初余额",
        "期末余额",
        "结转",
        "上年",
        "年终",
        "上年结转",
        "年终结转",
        "结余",
        "本期",
        "上期",
        "本月",
        "上月",
        "本年",
        "物业",
        "物业费",
        "服务",
        "服务费",
        "物业服务",
        "物业服务费",
        "管理",
        "管理费",
        "车位",
        "车位费",
        "停车",
        "停车费",
        "车库",
        "公共",
        "收益",
        "公共收益",
        "广告",
        "广告费",
        "租金",
        "租赁",
        "场地",
        "商铺",
        "摊位",
        "利息",
        "结息",
        "利息收入",
        "存款",
        "活期",
        "定期",
        "手续费",
        "银行",
        "银行手续费",
        "转账",
        "内部",
        "内部转账",
        "划转",
        "划款",
        "上缴",
        "代收",
        "代付",
        "收款",
        "缴费",
        "付款",
        "支付",
        "退款",
        "退费",
        "退还",
        "押金",
        "保证金",
        "预收",
        "预缴",
        "预付",
        "应收",
        "应付",
        "账单",
        "计提",
        "调整",
        "冲正",
        "更正",
        "维修",
        "维修资金",
        "维修基金",
        "专项",
        "专户",
        "专项维修资金",
        "缴存",
        "分摊",
        "续筹",
        "保洁",
        "清洁",
        "清运",
        "垃圾",
        "秩序",
        "维护",
        "秩序维护",
        "保安",
        "安保",
        "门岗",
        "绿化",
        "养护",
        "园林",
        "电梯",
        "维保",
        "年检",
        "水电",
        "水费",
        "电费",
        "燃气",
        "能耗",
        "照明",
        "公共区域",
        "区域",
        "酬金",
        "物业酬金",
        "报销",
        "办公",
        "办公费",
        "业委会",
        "业主委员会",
        "经费",
        "工作",
        "工作经费",
        "审计",
        "审价",
        "合同",
        "发票",
        "税费",
        "税金",
        "保险",
        "保险费",
        "工程",
        "工程款",
        "材料",
        "材料费",
        "采购",
        "设备",
        "设施",
        "消防",
        "监控",
        "门禁",
        "外墙",
        "屋面",
        "屋顶",
        "防水",
        "管道",
        "水管",
        "水泵",
        "更换",
        "改造",
        "维修费",
        "其他",
        "其它",
        "收入",
        "支出",
        "费用",
        "款项",
        "待分类",
        "分类",
        "待查",
        "微信",
        "支付宝",
        "现金",
        "收款码",
        "结算",
        "清算",
        "业主",
        "住户",
        "业主大会",
        "决议",
        "表决",
        "应急",
        "公告",
        "公示",
        "月度",
        "季度",
        "年度",
        "首期",
        "补缴",
        "欠费",
        "滞纳金",
        "违约金",
        "赔偿",
        "赔款",
        "捐赠",
        "补贴",
        "政府补贴",
        "资金",
        "基金",
        "共同基金",
        "汇总",
        "合计",
        "总计",
        "小计",
        "实收",
        "应收款",
        "预收款",
        "收费",
        "收取",
        "缴纳",
        "交纳",
        "返还",
        "退回",
        "充值",
        "扣款",
        "自动扣款",
        "代扣",
        "批量",
        "明细",
        "记账",
        "凭证",
        "利息税",
        "车位租金",
        "共有",
        "部分",
        "小区",
        "楼栋",
        "单元",
        "房屋",
        "住宅",
        "公寓",
        "写字楼",
        "地下室",
        "信义",
        "信托",
        "共管",
        "账户",
        "共管账户",
        "期间",
        "年初",
        "年末",
        "开户",
        "销户",
        "原因",
        "外包",
        "劳务",
        "人工",
        "工资",
        "社保",
        "物资",
        "耗材",
        "保养",
        "维修保养",
        "清洗",
        "检测",
        "评估",
        "咨询",
        "律师费",
        "诉讼",
        "印刷",
        "通讯",
        "网络",
        "宽带",
        "电话费",
        "快递",
        "交通",
        "差旅",
        "会议",
        "培训",
        "活动",
        "节日",
        "装饰",
        "标识",
        "绿植",
        "化粪池",
        "疏通",
        "白蚁",
        "消杀",
        "防疫",
    ]
)
#: Single characters allowed between vocabulary words (units, dates, conjunctions).
CONNECTORS = frozenset("年月日号楼栋笔次期及和与的共第至")
_MAX_WORD = max(len(w) for w in VOCABULARY)

#: Registered legal forms: a name ending so is an organisation (no person's name does).
LEGAL_FORMS = (
    "有限公司",
    "有限责任公司",
    "股份公司",
    "公司",
    "分公司",
    "集团",
    "银行",
    "支行",
    "分行",
    "信用社",
    "事务所",
    "委员会",
    "办事处",
    "政府",
    "管理局",
    "管理处",
    "税务局",
    "合作社",
    "研究院",
    "医院",
    "学校",
    "中心",
    "协会",
    "基金会",
    "供电局",
    "自来水厂",
)
_LATIN_FORMS = re.compile(
    r"\b(co\.?,?\s*ltd\.?|ltd\.?|limited|inc\.?|llc|gmbh|corp\.?|corporation|company|bank|plc)\s*$",
    re.IGNORECASE,
)


def segments(text: str, vocabulary: frozenset[str] = VOCABULARY) -> bool:
    """True when a run of Chinese characters splits wholly into vocabulary words/connectors."""
    n = len(text)
    ok = [False] * (n + 1)
    ok[0] = True
    for i in range(n):
        if not ok[i]:
            continue
        if text[i] in CONNECTORS:
            ok[i + 1] = True
        for size in range(2, min(_MAX_WORD, n - i) + 1):
            if text[i : i + size] in vocabulary:
                ok[i + size] = True
    return ok[n]


# ---------------------------------------------------------------------------------------
# Digit runs: phone, ID and bank-card numbers, with spaces or hyphens too

_RUN = re.compile(r"(?<![0-9])(\+?86[ \-]?)?(\d(?:[ \-]?\d)*)([Xx](?![A-Za-z0-9]))?(?![0-9])")
#: A run of at least 7 digits (spaces or hyphens between them): the shortest number
#: :func:`_classify` masks (``123 4567``); text without one is left as it is, untouched.
_LONG_RUN = re.compile(r"\d(?:[ \-]?\d){6}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
_DATE_GROUPS = ((4, 2, 2), (4, 2), (4, 1, 1), (4, 2, 1), (4, 1, 2), (4, 1))


def _looks_like_date(groups: Sequence[str]) -> bool:
    shape = tuple(len(g) for g in groups)
    if shape not in _DATE_GROUPS:
        return False
    year, month = int(groups[0]), int(groups[1])
    return 1900 <= year <= 2200 and 1 <= month <= 12


def _card_shape(shape: tuple[int, ...]) -> bool:
    return len(shape) >= 4 and all(g == 4 for g in shape[:-1]) and 1 <= shape[-1] <= 4


def _classify(groups: Sequence[str], check: str, glued: bool) -> str | None:
    """The masked form of a number written as ``groups`` (digit groups in the conventional
    grouping of a phone, landline, ID-card or bank-card number), or None."""
    digits = "".join(groups)
    n = len(digits)
    shape = tuple(len(g) for g in groups)
    single = len(groups) == 1
    if check:  # an ID card number ends in X
        ok = n == 17 and (single or shape in ((6, 8, 3), (6, 11), (6, 4, 4, 3)))
        return digits[:2] + "*" * 16 if ok else None
    mobile = n == 11 and digits[0] == "1" and digits[1] in "3456789"
    if mobile and (single or shape in ((3, 4, 4), (3, 8), (7, 4))):
        return digits[:3] + "****" + digits[-4:]
    if glued:
        return None
    if n in (15, 18) and (single or shape in ((6, 8, 4), (6, 4, 4, 4), (6, 12), (6, 6, 3))):
        return digits[:2] + "*" * (n - 4) + digits[-2:]
    if 16 <= n <= 19 and (single or _card_shape(shape)):
        return "*" * (n - 4) + digits[-4:]
    landline_shape = single or (3 <= shape[0] <= 4 and len(shape) in (2, 3) and shape[-1] >= 4)
    if digits[0] == "0" and 10 <= n <= 12 and landline_shape:
        return digits[: n - 8] + "-****" + digits[-4:]
    if shape in ((3, 4), (4, 4)):
        return "****" + digits[-4:]
    return None


def _date_at(groups: Sequence[str], i: int) -> int:
    """How many groups from ``i`` form a date (``2025-03-05``, ``2025 03``), or 0."""
    for size in (3, 2):
        if i + size <= len(groups) and _looks_like_date(groups[i : i + size]):
            return size
    return 0


def _mask_run(match: re.Match[str]) -> str:
    prefix, body, check = match.group(1) or "", match.group(2), match.group(3) or ""
    start = match.start()
    text = match.string
    before = text[start - 1] if start else ""
    glued = (before.isascii() and before.isalpha()) or (
        before == "-" and start >= 2 and text[start - 2].isascii() and text[start - 2].isalnum()
    )
    parts = re.split(r"([ \-])", body)  # digit groups and the separators between them
    groups, seps = parts[0::2], parts[1::2]
    n = len(groups)
    out: list[str] = [prefix]

    def emit(i: int, j: int, masked: str | None = None) -> None:
        if masked is not None:
            out.append(masked)
        else:
            for k in range(i, j):
                out.append(groups[k])
                if k < j - 1:
                    out.append(seps[k])
        if j < n:
            out.append(seps[j - 1])

    i = 0
    while i < n:
        size = _date_at(groups, i)
        if size:  # dates are never numbers to mask
            emit(i, i + size)
            i += size
            continue
        stop = i + 1  # a number may not run into a date
        while stop < n and not _date_at(groups, stop):
            stop += 1
        for j in range(stop, i, -1):
            tail = check if j == n else ""
            found = _classify(groups[i:j], tail, glued and i == 0)
            if found is not None:
                emit(i, j, found)
                i = j
                break
        else:
            emit(i, i + 1)
            i += 1
    if check and not out[-1].endswith("*"):
        out.append(check)
    return "".join(out)


def mask_numbers(text: str) -> str:
    """Phone, landline, ID-card and bank-card numbers (spaces or hyphens too) and e-mail masked.

    Dates, unit ids (``3-1-101``), amounts and identifiers glued to letters (``ICBC2025…``,
    ``AP-2025-0310``) are left alone.
    """
    if not text or not any(c.isdigit() or c == "@" for c in text):
        return text
    if _LONG_RUN.search(text):  # every number masked has at least 7 digits
        text = _RUN.sub(_mask_run, text)
    return _EMAIL.sub(lambda m: "***@" + m.group(1), text) if "@" in text else text


def mask_name(name: str) -> str:
    """``张三`` -> ``张*``, ``买买提·艾力`` -> ``买*``, ``John Smith`` -> ``J*``."""
    name = name.strip()
    return name[:1] + "*" if name else ""


_PATH_RE = re.compile(
    r"(?:[A-Za-z]:)?(?:[\\/][^\s\\/:\"'<>|]+)+[\\/]?(?::\d+)?|[^\s\\/:\"'<>|]+\.beancount(?::\d+)?"
)


def strip_paths(text: str) -> str:
    """Absolute paths and ``*.beancount[:line]`` references removed from a message."""
    return (
        _PATH_RE.sub("…", text) if ("/" in text or "\\" in text or ".beancount" in text) else text
    )


# ---------------------------------------------------------------------------------------
# Metadata allowlist

#: Metadata keys the owners may see (DESIGN.md §7); every other key is dropped.
META_ALLOWED = frozenset(
    {
        "approval",
        "resolution",
        "emergency",
        "contract",
        "price-audit",
        "acceptance",
        "invoice",
        "notice",
        "period",
        "unit",
        "scope",
        "budget",
        "related-party",
        "public",
        "building",
        "count",
        "sealed-on",
        "published-status",
        "name",  # the display name of an account (Open) or commodity, masked as text
    }
)
#: Allowed keys whose value may be a document path.
DOCUMENT_KEYS = frozenset(
    {"contract", "price-audit", "acceptance", "invoice", "approval", "resolution"}
)
#: Metadata keys whose values name persons: not published, but masked wherever they appear.
PERSON_KEYS = frozenset(
    {
        "payer",
        "payee",
        "tenant",
        "owner",
        "name",
        "contact",
        "occupant",
        "resident",
        "holder",
        "signer",
        "person",
        "renter",
        "lessee",
        "account-name",
        "counterparty",
    }
)
#: Fava options the public site keeps (none of them reaches a file).
FAVA_OPTIONS_ALLOWED = frozenset(
    {
        "language",
        "locale",
        "default-page",
        "fiscal-year-end",
        "show-closed-accounts",
        "show-accounts-with-zero-balance",
        "show-accounts-with-zero-transactions",
        "collapse-pattern",
        "invert-income-liabilities-equity",
        "currency-column",
        "indent",
        "uptodate-indicator-grey-lookback-days",
        "account-journal-include-children",
        "conversion-currencies",
        "default-conversion",
        "interval",
    }
)
_DOC_EXT_RE = re.compile(
    r"\.(pdf|jpe?g|png|gif|tiff?|docx?|xlsx?|csv|zip|rar|7z|ofd|txt|html?|heic|webp|beancount)$",
    re.IGNORECASE,
)
#: Custom directives published as they are (their text values masked as text).
CUSTOM_PUBLIC = frozenset(
    {
        "tf-remuneration",
        "tf-threshold",
        "tf-remit-days",
        "tf-vote-rule",
        "tf-hazard",
        "tf-auto-debit",
        "tf-resolution",
        "tf-close",
        "tf-notice",
        "tf-emergency",
        "tf-fee",
        "tf-publish",
        "tf-member",
        "tf-site",
        "budget",
        # the path of a decision and the year's end (五议两公开: both publications are public)
        "tf-procedure",
        "tf-stage",
        "tf-objection-outcome",
        "tf-budget",
        "tf-disposition",
    }
)
#: Accounts that hold money of or for individuals: a non-vocabulary Chinese component under
#: them is taken for a person's name.
PERSONAL_PARENTS = (
    "Liabilities:Deposits",
    "Liabilities:Prepaid",
    "Assets:Receivable",
    "Liabilities:Payable",
    "Expenses:Refunds",
    "Income:Fees",
    "Equity:Owners",
)


def _truthy(value: Any) -> bool:
    return value is True or (
        isinstance(value, str) and value.strip().lower() in ("true", "yes", "1")
    )


def is_public(meta: dict[str, Any] | None, tags: Iterable[str] = ()) -> bool:
    """An entry marked ``public: TRUE`` (or tagged ``#public``)."""
    return _truthy((meta or {}).get("public")) or "public" in tags


def looks_like_path(text: str) -> bool:
    if text.startswith(("http://", "https://")):
        return False
    last = text.replace("\\", "/").rsplit("/", 1)[-1]
    return bool(_DOC_EXT_RE.search(text)) or (("/" in text or "\\" in text) and "." in last)


# ---------------------------------------------------------------------------------------
# The policy


@dataclass
class Policy:
    """What the owners may see of one community (built once per load; cheap to query)."""

    community: Community
    root: Path | None = None  # the ledger folder: public documents must lie inside it
    private_names: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    labels: dict[str, str] = field(default_factory=dict)  # account -> display name (Open name:)
    _lengths: tuple[int, ...] = ()
    _firsts: frozenset[str] = frozenset()
    _text_cache: dict[str, str] = field(default_factory=dict, repr=False)
    _party_cache: dict[str, str] = field(default_factory=dict, repr=False)
    _account_cache: dict[str, str] = field(default_factory=dict, repr=False)
    _taken: dict[str, str] = field(default_factory=dict, repr=False)
    _root_real: str | None = None
    _label_words: frozenset[str] | None = None

    # -- construction --------------------------------------------------------------------
    @classmethod
    def of(cls, source: Any) -> Policy:
        """The policy of a loaded ledger (``ledger.loader.Ledger`` or ``reports.common.Source``),
        computed once per entries list."""
        from reports.common import memo, resolve

        src = resolve(source)
        root = Path(src.root) if src.root else None
        path = getattr(source, "path", None)
        if root is None and path is not None and str(path) != "<string>":
            root = Path(path).parent
        return memo(
            src.entries,
            ("publication-policy", id(src.community), str(root)),
            lambda: cls.build(src.entries, src.community, root=root),
        )

    @classmethod
    def build(
        cls, entries: Sequence[data.Directive], community: Community, *, root: Path | None = None
    ) -> Policy:
        """Collect the organisations and the names of private persons of a ledger."""
        policy = cls(community, root)
        orgs: set[str] = set()
        for contract in community.contracts.values():
            orgs.add(contract.counterparty.strip())
        for name, lines in community.parties.items():
            if lines and lines[-1].kind == "organisation":
                orgs.add(name)
            elif name in orgs:
                orgs.discard(name)  # declared a person (or related): private after all
        policy.organisations = frozenset(o for o in orgs if o)
        names: set[str] = set()

        def add(name: Any) -> None:
            if not isinstance(name, str):
                return
            name = name.strip()
            if len(name) < 2 or policy.is_organisation(name) or policy.is_label(name):
                return
            names.add(name)
            for part in re.split(r"[·•・\s]+", name):
                if (len(part) >= 2 and _HAN_CHAR.search(part)) or len(part) >= 3:
                    names.add(part)

        for owner_lines in community.owners.values():
            for owner in owner_lines:
                add(owner.name)
                for key, value in owner.meta.items():
                    if key in PERSON_KEYS:
                        add(value)
        for name, lines in community.parties.items():
            if lines and lines[-1].kind != "organisation":
                add(name)
        for approval in community.approvals.values():
            for signoff in approval.signoffs:
                if not policy.is_member(signoff.name):
                    add(signoff.name)
        labels: dict[str, str] = {}
        seen: set[str] = set()
        for entry in entries:
            kind = type(entry)
            if kind is data.Transaction:
                payee = entry.payee  # type: ignore[union-attr]
                if payee and payee not in seen:
                    seen.add(payee)
                    if not policy.is_organisation(payee) and not policy.is_label(payee):
                        add(payee)
                meta = entry.meta
                if meta:
                    for key in PERSON_KEYS.intersection(meta):
                        add(meta[key])
            elif kind is data.Open:
                label = (entry.meta or {}).get("name") or (entry.meta or {}).get("zh")
                if isinstance(label, str) and label.strip():
                    labels[entry.account] = label.strip()  # type: ignore[union-attr]
        policy.private_names = frozenset(names)
        policy.labels = labels
        policy._lengths = tuple(sorted({len(n) for n in names}, reverse=True))
        policy._firsts = frozenset(n[0] for n in names)
        if root is not None:
            policy._root_real = os.path.realpath(root)
        return policy

    # -- switches ------------------------------------------------------------------------
    def publishes(self, switch: str, day: date | None = None) -> bool:
        """A ``tf-publish`` switch in force on ``day`` (default: the ledger's last day)."""
        dated = self.community.publish.get(switch)
        if not dated:
            return False
        if day is None:
            values = dated.all()
            return bool(values and values[-1].value)
        found = dated.at(day)
        return bool(found and found.value)

    # -- people --------------------------------------------------------------------------
    def is_member(self, name: str, day: date | None = None) -> bool:
        """On the roster (``tf-member``, any role but "none") on ``day`` (or ever)."""
        lines = self.community.members.get(name.strip())
        if not lines:
            return False
        if day is None:
            return any(line.role != "none" for line in lines)
        role = None
        for line in lines:
            if line.date <= day:
                role = line.role
        return role is not None and role != "none"

    def is_organisation(self, name: str) -> bool:
        """Known as an organisation: ``tf-party`` "organisation", a contract counterparty, or a
        registered legal form (``…有限公司``, ``…银行``) that no ``tf-party`` declares a person."""
        name = name.strip()
        if not name:
            return False
        lines = self.community.parties.get(name)
        if lines:
            kind = lines[-1].kind
            if kind == "organisation":
                return True
            if kind == "person":
                return False
        if name in self.organisations:
            return True
        if _LATIN_FORMS.search(name):
            return True
        return name.endswith(LEGAL_FORMS) and len(name) > 3

    def is_label(self, text: str) -> bool:
        """Bookkeeping words, not a name: ``物业费``, ``期初余额``, ``2025-03 利息``."""
        text = text.strip()
        if not text or re.search(r"[A-Za-z]", text):
            return False
        runs = _HAN_RUN.findall(text)
        if not runs:
            return not re.search(r"\d{7,}", text)  # digits and punctuation only: a reference
        labels = self.label_words()
        return all(segments(run, labels) for run in runs)

    def label_words(self) -> frozenset[str]:
        cached = self._label_words
        if cached is None:
            from reports.common import ACCOUNT_LABELS

            extra = {w for v in ACCOUNT_LABELS.values() for w in _HAN_RUN.findall(v)}
            cached = VOCABULARY | frozenset(w for w in extra if len(w) >= 2)
            self._label_words = cached
        return cached

    def party(self, name: str | None, day: date | None = None, *, owner: bool = False) -> str:
        """A payee or counterparty as it may be published.

        Organisations and bookkeeping words are shown as written; a private person as ``张*``,
        or ``业主`` when ``owner`` (the payer of an owner's transaction).
        """
        if not name or not name.strip():
            return ""
        name = name.strip()
        cached = self._party_cache.get(name)
        if cached is None:
            if self.is_organisation(name) or self.is_label(name):
                cached = mask_numbers(name)
            else:
                cached = mask_name(name)
            self._party_cache[name] = cached
        if owner and cached != name:
            return OWNER
        return cached

    def is_private_party(self, name: str | None) -> bool:
        return bool(name and name.strip()) and not (
            self.is_organisation(name or "") or self.is_label(name or "")
        )

    def signer(self, name: str, day: date | None = None) -> str:
        """A sign-off's name: in full for a roster member (they sign in their role), else 姓*."""
        if self.is_member(name, day):
            return name.strip()
        return mask_name(name)

    def signoffs(self, approval_ids: Sequence[str]) -> str:
        """``committee 曹敏锦 2025-03-03; manager 莫* 2025-03-04``: each role's latest sign-off,
        named when the signer is on the roster that day."""
        parts = []
        for aid in approval_ids:
            approval = self.community.approvals.get(aid)
            if approval is None:
                parts.append(f"{aid}: 未找到 unknown")
                continue
            latest = approval.latest_by_role()
            roles = "; ".join(
                f"{role} {self.signer(s.name, s.date)} {s.date.isoformat()}"
                for role, s in sorted(latest.items())
            )
            parts.append(roles if len(approval_ids) == 1 else f"{aid}: {roles}")
        return " | ".join(parts)

    # -- text ----------------------------------------------------------------------------
    def text(self, text: str | None) -> str:
        """Free text with every known private name masked and number runs hidden."""
        if not text:
            return ""
        cached = self._text_cache.get(text)
        if cached is not None:
            return cached
        result = mask_numbers(text)
        if self._lengths and not self._firsts.isdisjoint(result):
            result = self._mask_names(result)
        if len(self._text_cache) < 200_000:
            self._text_cache[text] = result
        return result

    def _mask_names(self, text: str) -> str:
        names, firsts = self.private_names, self._firsts
        out: list[str] = []
        i = last = 0
        n = len(text)
        while i < n:
            if text[i] in firsts:
                for size in self._lengths:
                    if text[i : i + size] in names:
                        out.append(text[last:i])
                        out.append(mask_name(text[i : i + size]))
                        i += size
                        last = i
                        break
                else:
                    i += 1
            else:
                i += 1
        out.append(text[last:])
        return "".join(out)

    def message(self, text: str) -> str:
        """An error message as the owners may read it: no paths, names or numbers."""
        return self.text(strip_paths(str(text)))

    # -- accounts ------------------------------------------------------------------------
    def account(self, account: str) -> str:
        """The account with every component that names a person masked (``D王建国`` -> ``D王某``).

        Masked names stay distinct (``D王某``, ``D王某-2``) so balances never merge.
        """
        cached = self._account_cache.get(account)
        if cached is not None:
            return cached
        parts = account.split(":")
        personal = any(under(account, p) for p in PERSONAL_PARENTS)
        changed = False
        for index in range(1, len(parts)):
            component = parts[index]
            new = self._component(component, personal)
            if new != component:
                parts[index] = new
                changed = True
        result = ":".join(parts)
        if changed:
            base, number = result, 1
            while self._taken.get(result, account) != account:
                number += 1
                result = f"{base}-{number}"
            self._taken[result] = account
        self._account_cache[account] = result
        return result

    def _component(self, component: str, personal: bool) -> str:
        runs = _HAN_RUN.findall(component)
        if not runs:
            return component
        out = component
        for run in runs:
            if run in self.organisations or self.is_organisation(run):
                continue
            hit = any(name in run for name in self.private_names if _HAN_CHAR.search(name))
            if hit or (personal and not segments(run, self.label_words())):
                out = out.replace(run, run[0] + "某", 1)
        return out

    def label(self, account: str) -> str:
        """The display name of an account (``name:`` on its Open, masked as text) or ''."""
        name = self.labels.get(account)
        return self.text(name) if name else ""

    # -- documents -----------------------------------------------------------------------
    def document(self, path: str) -> str | None:
        """A public document's path relative to the ledger folder, or None when it is not
        a regular file inside the folder after resolving links."""
        if self._root_real is None or not path:
            return None
        candidate = path if os.path.isabs(path) else os.path.join(self._root_real, path)
        real = os.path.realpath(candidate)
        try:
            inside = os.path.commonpath([real, self._root_real]) == self._root_real
        except ValueError:
            return None
        if not inside or real == self._root_real or not os.path.isfile(real):
            return None
        return os.path.relpath(real, self._root_real).replace(os.sep, "/")

    def resolve_document(self, relative: str) -> str | None:
        """The real path of a published document name (re-checked at each request)."""
        if self._root_real is None or not relative or "\x00" in relative:
            return None
        if os.path.isabs(relative) or relative.startswith(("~", "..")):
            return None
        real = os.path.realpath(os.path.join(self._root_real, relative))
        try:
            inside = os.path.commonpath([real, self._root_real]) == self._root_real
        except ValueError:
            return None
        return real if inside and os.path.isfile(real) else None

    # -- metadata ------------------------------------------------------------------------
    def meta(
        self, meta: dict[str, Any] | None, *, public: bool = False, keep: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Allowlisted metadata (values masked as text; document paths only when public)."""
        out: dict[str, Any] = {}
        if not meta:
            return out
        extra = frozenset(keep)
        for key, value in meta.items():
            if key not in META_ALLOWED and key not in extra:
                continue
            out[key] = self.meta_value(key, value, public=public)
        return out

    def meta_value(self, key: str, value: Any, *, public: bool = False) -> Any:
        if isinstance(value, str):
            if looks_like_path(value):
                relative = self.document(value) if public else None
                return relative if relative is not None else PRIVATE_DOCUMENT
            return self.text(value)
        if isinstance(value, bool | Decimal | date | int | Amount):
            return value
        return self.text(str(value))


# ---------------------------------------------------------------------------------------
# Publishing entries


@dataclass
class Published:
    """The owners' ledger: entries, the errors they may read and the options map."""

    entries: list[data.Directive]
    errors: list[Any]
    options: dict[str, Any]


@dataclass(frozen=True)
class PublicError:
    """A trust-rule error as published: its code, masked message and its ids of the public
    kinds (:data:`PUBLIC_ID_KINDS`), no file or line."""

    source: dict[str, Any]
    message: str
    entry: None = None
    code: str | None = None
    ids: tuple[str, ...] = ()


#: The kinds of error ids an owner may see (a month or a year; never a person or a unit).
PUBLIC_ID_KINDS = ("period:", "year:")


def _meta(index: int) -> dict[str, Any]:
    return {"filename": PUBLIC_FILENAME, "lineno": index}


def _units_of(txn: data.Transaction) -> list[str]:
    units: list[str] = []
    txn_unit = (txn.meta or {}).get("unit")
    for posting in txn.postings:
        value = (posting.meta or {}).get("unit") if posting.meta else None
        if value is None:
            value = txn_unit
        if value is not None and str(value).strip():
            units.append(str(value).strip())
    return units


def _is_owners(txn: data.Transaction) -> bool:
    """An owner's transaction: a bill, receipt, prepayment or deposit of a unit."""
    if txn.meta and txn.meta.get("unit") is not None:
        return True
    return any(p.meta and p.meta.get("unit") is not None for p in txn.postings)


def _kind_of(txn: data.Transaction) -> str:
    """receipt | bill | refund | other, from the accounts an owner's transaction touches."""
    cash_in = cash_out = receivable_debit = False
    for posting in txn.postings:
        number = posting_number(posting)
        if number is None:
            continue
        cls = classify(posting.account)
        if cls.is_owners_cash:
            if number > 0:
                cash_in = True
            elif number < 0:
                cash_out = True
        elif cls.is_receivable and number > 0:
            receivable_debit = True
    if cash_in:
        return "receipt"
    if cash_out:
        return "refund"
    if receivable_debit:
        return "bill"
    return "other"


KIND_WORDS = {
    "receipt": "业主缴费",
    "bill": "应收账单",
    "refund": "退款",
    "other": "业主账务调整",
}


def describe(txn: data.Transaction, policy: Policy, *, unit: str | None = None) -> str:
    """A generated description: ``业主缴费 3-1-101 2025-03``, ``付款 保洁 2025-03`` …"""
    period = str((txn.meta or {}).get("period", "") or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}", period):
        period = month_of(txn.date)
    if _is_owners(txn):
        words = KIND_WORDS[_kind_of(txn)]
        return " ".join(p for p in (words, unit or "", period) if p)
    from reports.common import label_of

    cash_in = cash_out = False
    main: tuple[Decimal, str] | None = None
    for posting in txn.postings:
        number = posting_number(posting)
        if number is None:
            continue
        cls = classify(posting.account)
        if cls.is_owners_cash:
            cash_in = cash_in or number > 0
            cash_out = cash_out or number < 0
            continue
        if main is None or abs(number) > main[0]:
            main = (abs(number), posting.account)
    label = ""
    if main is not None:
        label = policy.label(main[1]) or policy.text(label_of(policy.account(main[1])))
    account = main[1] if main else ""
    main_class = classify(account) if account else None
    if main_class is not None and main_class.is_deposits:
        words = "收取押金" if cash_in else "退还押金"
    elif main_class is not None and main_class.is_prepaid:
        words = "收取预缴" if cash_in else "退还预缴"
    elif cash_out and "Refund" in account:
        words = "退款"
    elif cash_out:
        words = "付款"
    elif cash_in:
        words = "收款"
    else:
        words = "转账"
    return " ".join(p for p in (words, label, period) if p)


def publish_entries(
    entries: Sequence[data.Directive],
    policy: Policy,
    *,
    errors: Sequence[Any] = (),
    options: dict[str, Any] | None = None,
) -> Published:
    """The owners' ledger of ``entries`` under ``policy`` (sorted; balances preserved)."""
    community = policy.community
    out: list[data.Directive] = []
    groups: dict[tuple[date, str, str], list[data.Transaction]] = {}
    seal_verdicts: dict[str, str] | None = None
    has_language = has_extension = has_default_page = False

    for entry in entries:
        kind = type(entry)
        if kind is data.Transaction:
            txn: data.Transaction = entry  # type: ignore[assignment]
            if _is_owners(txn):
                if not policy.publishes(RECEIPTS_BY_UNIT, txn.date) and all(
                    p.cost is None and p.price is None for p in txn.postings
                ):
                    units = _units_of(txn)
                    building = min((building_of(u) for u in units), key=_building_key)
                    groups.setdefault((txn.date, building, _kind_of(txn)), []).append(txn)
                    continue
                out.append(_owner_transaction(txn, policy))
            else:
                out.append(_transaction(txn, policy))
        elif kind is data.Custom:
            custom: data.Custom = entry  # type: ignore[assignment]
            if custom.type == "tf-seal" and seal_verdicts is None:
                seal_verdicts = _seal_verdicts(entries, community, errors, options or {})
            published = _custom(custom, policy, seal_verdicts or {})
            if published is not None:
                if published.type == "fava-option" and published.values[0].value == "language":
                    has_language = True
                if published.type == "fava-option" and published.values[0].value in (
                    "default-page",
                    "default_page",
                ):
                    has_default_page = True
                if published.type == "fava-extension":
                    has_extension = True
                out.append(published)
        elif kind is data.Open:
            open_: data.Open = entry  # type: ignore[assignment]
            out.append(
                open_._replace(account=policy.account(open_.account), meta=policy.meta(open_.meta))
            )
        elif kind is data.Close:
            close: data.Close = entry  # type: ignore[assignment]
            out.append(close._replace(account=policy.account(close.account), meta={}))
        elif kind is data.Balance:
            balance: data.Balance = entry  # type: ignore[assignment]
            out.append(
                balance._replace(account=policy.account(balance.account), meta={}, diff_amount=None)
            )
        elif kind is data.Note:
            note: data.Note = entry  # type: ignore[assignment]
            out.append(
                note._replace(
                    account=policy.account(note.account), meta={}, comment=policy.text(note.comment)
                )
            )
        elif kind is data.Document:
            document: data.Document = entry  # type: ignore[assignment]
            if not is_public(document.meta, document.tags or ()):
                continue
            relative = policy.document(document.filename)
            if relative is None:
                continue
            out.append(
                document._replace(
                    account=policy.account(document.account), filename=relative, meta={}
                )
            )
        elif kind is data.Commodity or kind is data.Price:
            out.append(entry._replace(meta=policy.meta(entry.meta)))
        # Pad (its padding transactions are published), Query, Event: not published

    for (day, building, what), txns in groups.items():
        out.append(_aggregate(day, building, what, txns, policy))

    first = min((e.date for e in out), default=None)
    if first is not None:
        if not has_language:
            out.append(data.Custom({}, first, "fava-option", [_value("language"), _value("zh")]))
        if not has_default_page:  # owners land on the 公示
            out.append(
                data.Custom(
                    {}, first, "fava-option", [_value("default-page"), _value(DEFAULT_PAGE)]
                )
            )
        if not has_extension:
            out.append(data.Custom({}, first, "fava-extension", [_value(EXTENSION_MODULE)]))
    order = data.SORT_ORDER
    out.sort(key=lambda e: (e.date, order.get(type(e), 0)))  # stable: source order for ties
    final = [e._replace(meta={**(e.meta or {}), **_meta(i + 1)}) for i, e in enumerate(out)]
    return Published(final, publish_errors(errors, policy), publish_options(options or {}))


def _seal_verdicts(
    entries: Sequence[data.Directive],
    community: Community,
    errors: Sequence[Any],
    options: dict[str, Any],
) -> dict[str, str]:
    """period -> "ok" | "changed": from the load's TF501 errors when the trust rules ran,
    else recomputed (``ledger.seal``). Redacted entries cannot be re-hashed by the owners."""
    from reports.common import rules_ran

    if rules_ran(options):
        from ledger.errors import error_code, error_ids

        changed = {p for e in errors if error_code(e) == "TF501" for p in error_ids(e, "period")}
        return {s.period: "changed" if s.period in changed else "ok" for s in community.seals}
    from ledger.seal import published_statuses

    return published_statuses(entries, community)


def _value(value: Any) -> Any:
    from beancount.parser.grammar import ValueType

    return ValueType(value, str if isinstance(value, str) else type(value))


def _building_key(building: str) -> tuple[int, str]:
    return (int(building), "") if building.isdigit() else (10**9, building)


def _transaction(txn: data.Transaction, policy: Policy) -> data.Transaction:
    public = is_public(txn.meta, txn.tags or ())
    private = policy.is_private_party(txn.payee)
    narration = describe(txn, policy) if private else policy.text(txn.narration)
    meta = policy.meta(txn.meta, public=public)
    if (txn.meta or {}).get(GENERATED_KEY):
        meta["generated"] = True
    postings = [
        p._replace(account=policy.account(p.account), meta=policy.meta(p.meta, public=public))
        for p in txn.postings
    ]
    return txn._replace(
        meta=meta,
        payee=policy.party(txn.payee) or None,
        narration=narration,
        postings=postings,
    )


def _owner_transaction(txn: data.Transaction, policy: Policy) -> data.Transaction:
    """An owner's transaction published by unit (``receipts-by-unit``): payee 业主, generated text."""
    units = sorted(set(_units_of(txn)))
    postings = [
        p._replace(account=policy.account(p.account), meta=policy.meta(p.meta))
        for p in txn.postings
    ]
    return txn._replace(
        meta=policy.meta(txn.meta),
        payee=OWNER if txn.payee else None,
        narration=describe(txn, policy, unit=",".join(units)),
        tags=frozenset(),
        links=frozenset(),
        postings=postings,
    )


def _aggregate(
    day: date, building: str, what: str, txns: list[data.Transaction], policy: Policy
) -> data.Transaction:
    """Owners' transactions of one day, building and kind as one: sums per account."""
    sums: dict[tuple[str, str], Decimal] = {}
    flag = "*"
    for txn in txns:
        if txn.flag == "!":
            flag = "!"
        for posting in txn.postings:
            number = posting_number(posting)
            if number is None:
                continue
            key = (policy.account(posting.account), posting.units.currency)  # type: ignore[union-attr]
            sums[key] = sums.get(key, Decimal(0)) + number
    postings = [
        data.Posting(account, Amount(number, currency), None, None, None, {})
        for (account, currency), number in sorted(sums.items())
        if number != 0
    ]
    if not postings:  # nets to nothing (a bill and its reversal): keep the day visible
        first = txns[0].postings[0]
        postings = [
            data.Posting(
                policy.account(first.account),
                Amount(Decimal(0), first.units.currency),  # type: ignore[union-attr]
                None,
                None,
                None,
                {},
            )
        ]
    count = len(txns)
    narration = f"{KIND_WORDS[what]} {building}号楼 {month_of(day)} ({count}笔)"
    meta = {"building": building, "count": Decimal(count)}
    return data.Transaction(meta, day, flag, OWNER, narration, frozenset(), frozenset(), postings)


def _custom(entry: data.Custom, policy: Policy, verdicts: dict[str, str]) -> data.Custom | None:
    kind = entry.type
    values = entry.values
    if kind == "fava-extension":
        module = values[0].value if values else ""
        return entry._replace(meta={}, values=values[:1]) if module == EXTENSION_MODULE else None
    if kind == "fava-option":
        name = str(values[0].value).replace("_", "-") if values else ""
        return entry._replace(meta={}) if name in FAVA_OPTIONS_ALLOWED else None
    if kind == "tf-approval" and len(values) >= 3:
        signer = policy.signer(str(values[2].value), entry.date)
        values = [*values[:2], values[2]._replace(value=signer), *values[3:]]
        return entry._replace(values=values, meta={})
    if kind == "tf-contract" and len(values) >= 3:
        party = policy.party(str(values[2].value), entry.date)
        new_values = [_mask_value(v, policy) for v in values]
        new_values[2] = values[2]._replace(value=party)
        return entry._replace(values=new_values, meta={})
    if kind == "tf-party":
        name = str(values[0].value) if values else ""
        return entry._replace(meta={}) if policy.is_organisation(name) else None
    if kind == "tf-vote":
        return entry._replace(meta={}) if policy.publishes(VOTES_BY_UNIT, entry.date) else None
    if kind == "tf-objection" and len(values) >= 3:
        # that an objection was lodged is public; who lodged it is not (业主, or the body)
        who = str(values[2].value)
        shown = OWNER if who.strip() in policy.community.units else policy.party(who, entry.date)
        return entry._replace(values=[*values[:2], values[2]._replace(value=shown)], meta={})
    if kind == "tf-seal" and values:
        meta = {"published-status": verdicts.get(str(values[0].value), "changed")}
        sealed = (entry.meta or {}).get("sealed-on")
        if sealed is not None:
            meta["sealed-on"] = sealed
        return entry._replace(meta=meta)
    if kind in CUSTOM_PUBLIC:
        new_values = [_mask_value(v, policy) for v in values]
        if kind == "tf-member":
            new_values = list(values)  # the roster: names in their role are public
        return entry._replace(values=new_values, meta=policy.meta(entry.meta))
    return None  # tf-unit, tf-owner, tf-access, unknown directives: private


def _mask_value(value: Any, policy: Policy) -> Any:
    v = value.value
    if isinstance(v, str):
        if value.dtype == "<AccountDummy>":
            return value._replace(value=policy.account(v))
        return value._replace(value=policy.text(v))
    return value


def publish_errors(errors: Sequence[Any], policy: Policy) -> list[Any]:
    """Trust-rule errors with their code and a masked message; other errors as one count."""
    from ledger.errors import error_code

    out: list[Any] = []
    other = 0
    for error in errors:
        code = error_code(error)
        if code is None:
            other += 1
            continue
        message = policy.message(getattr(error, "message", str(error)))
        ids = tuple(i for i in getattr(error, "ids", ()) or () if i.startswith(PUBLIC_ID_KINDS))
        out.append(
            PublicError({"filename": PUBLIC_FILENAME, "lineno": 0}, message, None, code, ids)
        )
    if other:
        out.append(
            PublicError(
                {"filename": PUBLIC_FILENAME, "lineno": 0},
                f"账本另有 {other} 个格式错误，详情由业委会核查 / {other} other ledger error(s): "
                "details for the committee",
            )
        )
    return out


def publish_options(options: dict[str, Any]) -> dict[str, Any]:
    """Beancount's options map with every path, file and plugin removed."""
    from beancount.parser import options as beancount_options

    out = dict(beancount_options.OPTIONS_DEFAULTS)
    for key in (
        "title",
        "operating_currency",
        "name_assets",
        "name_liabilities",
        "name_equity",
        "name_income",
        "name_expenses",
        "account_previous_balances",
        "account_previous_earnings",
        "account_previous_conversions",
        "account_current_earnings",
        "account_current_conversions",
        "account_unrealized_gains",
        "account_rounding",
        "conversion_currency",
        "inferred_tolerance_default",
        "inferred_tolerance_multiplier",
        "infer_tolerance_from_cost",
        "booking_method",
        "render_commas",
        "dcontext",
        "display_precision",
        "commodities",
    ):
        if key in options:
            out[key] = options[key]
    title = str(out.get("title") or "")
    out["title"] = title if title and title != "Beancount" else "公示"
    out["filename"] = PUBLIC_FILENAME
    out["include"] = []
    out["documents"] = []
    out["plugin"] = []
    out["insert_pythonpath"] = False
    out["input_hash"] = ""
    return out


# ---------------------------------------------------------------------------------------
# Reports through the policy


#: Columns never published (file locations of the private ledger).
HIDDEN_KEYS = frozenset({"location", "file", "lineno", "source"})
PARTY_KEYS = frozenset({"payee", "counterparty", "party", "owner", "name", "signer", "person"})
ACCOUNT_KEYS = frozenset({"account", "accounts"})


def publish_report(report: Any, policy: Policy) -> Any:
    """A copy of any report whose tables show only what the owners may see.

    Text cells are masked (names, numbers, paths), party columns shown as organisations or
    ``张*``, accounts with person components masked; notes masked, no file locations.
    """
    from reports.table import Table

    tables = []
    for table in report.tables():
        columns = tuple(c for c in table.columns if c.key not in HIDDEN_KEYS)
        keys = {c.key for c in columns}
        rows = []
        for row in table.dicts():
            rows.append({k: _cell(k, v, policy) for k, v in row.items() if k in keys})
        total = (
            {k: _cell(k, v, policy) for k, v in table.total.items() if k in keys}
            if table.total
            else None
        )
        tables.append(
            Table(table.key, table.zh, table.en, columns, rows, total, policy.message(table.note))
        )
    return PublishedReport(
        report.kind,
        report.zh,
        report.en,
        report.period_label,
        report.period_title,
        report.community_title,
        [policy.message(n) for n in report.notes],
        table_list=tables,
    )


def _cell(key: str, value: Any, policy: Policy) -> Any:
    if not isinstance(value, str):
        return value
    if key in PARTY_KEYS:
        return policy.party(value)
    if key in ACCOUNT_KEYS:
        return ", ".join(policy.account(a.strip()) for a in value.split(",")) if value else value
    return policy.message(value)


def _published_report_class() -> type:
    from reports.table import Report, Table

    @dataclass
    class _PublishedReport(Report):
        table_list: list[Table] = field(default_factory=list)

        def tables(self) -> list[Table]:
            return self.table_list

    _PublishedReport.__name__ = "PublishedReport"
    return _PublishedReport


PublishedReport: Any = _published_report_class()


# ---------------------------------------------------------------------------------------
# Access codes (``trustfund codes``): only their hash is in the ledger (``tf-access``)

#: Unambiguous characters (no 0/O, 1/I/L): 31 symbols, 10 of them carry 49.5 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
PBKDF2_ITERATIONS = 600_000  # OWASP 2023 for PBKDF2-HMAC-SHA256; see trustfund/ops/unitpages.py


def new_code() -> str:
    """A random access code of :data:`CODE_LENGTH` characters from :data:`CODE_ALPHABET`."""
    import secrets

    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, as a code: capitals, no spaces or hyphens."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()


def format_code(code: str) -> str:
    """``ABCDE-FGHJK``: easier to read out and type."""
    code = normalise_code(code)
    return f"{code[:5]}-{code[5:]}" if len(code) > 5 else code


def hash_code(code: str, *, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    """``pbkdf2-sha256:ITER:SALTHEX:HEX`` of a code (a fresh 16-byte salt each time)."""
    import hashlib
    import secrets

    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", normalise_code(code).encode(), salt, iterations)
    return f"pbkdf2-sha256:{iterations}:{salt.hex()}:{digest.hex()}"


def verify_code(code: str, stored: str) -> bool:
    """Whether ``code`` matches a ``tf-access`` hash (``pbkdf2-sha256:…`` or ``sha256:…``)."""
    import hashlib
    import hmac

    normal = normalise_code(code).encode()
    if not normal or not stored:
        return False
    if stored.startswith("sha256:"):
        return hmac.compare_digest(hashlib.sha256(normal).hexdigest(), stored[7:])
    parts = stored.split(":")
    if len(parts) != 4 or parts[0] != "pbkdf2-sha256":
        return False
    try:
        iterations, salt = int(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return False
    if not 1 <= iterations <= 10_000_000:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", normal, salt, iterations)
    return hmac.compare_digest(digest.hex(), parts[3])


def access_digest(community: Community, room: str) -> str | None:
    """The latest ``tf-access`` hash of a unit (the one in force), or None."""
    dated = community.access.get(room)
    if not dated:
        return None
    values = dated.all()
    return values[-1].digest if values else None


# ---------------------------------------------------------------------------------------
# Beancount text of a publication (exports)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(published: Published, *, seal_rule: bool = True) -> str:
    """The publication as one Beancount file (what a static export offers for download).

    With ``seal_rule`` the file runs ``trustfund.rules.seal``, which reads the source's verdicts
    recorded on each ``tf-seal``; the other rules are not re-run on it (owners' transactions
    are aggregated), their findings come with the publication's errors.
    """
    from beancount.parser import printer

    options = published.options
    lines = ["; trustfund public publication: generated, redacted; do not edit.", ""]
    lines.append(f'option "title" {_quote(str(options.get("title") or "公示"))}')
    for currency in options.get("operating_currency") or ():
        lines.append(f'option "operating_currency" {_quote(currency)}')
    lines.append('option "plugin_processing_mode" "raw"')
    if seal_rule and any(type(e) is data.Custom and e.type == "tf-seal" for e in published.entries):
        lines.append('plugin "trustfund.rules.seal"')
    lines.append("")
    chunks = ["\n".join(lines) + "\n"]
    for entry in published.entries:
        if type(entry) is data.Transaction:
            entry = entry._replace(
                meta={k: v for k, v in entry.meta.items() if not k.startswith("__")}
            )
        chunks.append(printer.format_entry(entry))
        chunks.append("\n")
    return "".join(chunks)


__all__ = [
    "ARREARS_BY_UNIT",
    "CODE_ALPHABET",
    "META_ALLOWED",
    "RECEIPTS_BY_UNIT",
    "VOTES_BY_UNIT",
    "Policy",
    "PublicError",
    "Published",
    "access_digest",
    "describe",
    "format_code",
    "hash_code",
    "mask_name",
    "mask_numbers",
    "new_code",
    "normalise_code",
    "publish_entries",
    "publish_errors",
    "publish_options",
    "publish_report",
    "render",
    "segments",
    "strip_paths",
    "verify_code",
]
