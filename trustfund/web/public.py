"""The owners' publication: a redacted copy of the ledger, as one Beancount file.

DESIGN.md §2.5: every line is published to owners, with the names of private persons masked.
:func:`publish` turns a loaded :class:`ledger.loader.Ledger` into the text of one Beancount file
that ``trustfund serve --public`` hands to Fava:

- names of private persons are masked to the surname (``张三`` -> ``张*``, ``王小明`` -> ``王*``):
  every name of the owner register (``tf-owner``), every signer of ``tf-approval``, and every
  payee or counterparty that looks like a person's name (two to four Chinese characters and no
  word of an organisation such as 公司, 银行, 委员会); those names are also masked wherever
  they appear inside a narration, a note or a metadata value;
- private metadata (phone, mobile, ID number, e-mail, address, bank card …) is dropped, and
  phone, ID-card and e-mail patterns left in any text are masked (``138****5678``);
- document links are removed unless marked public: a ``document`` directive is kept only with
  ``public: TRUE`` metadata or the ``#public`` tag; a metadata value that is a file path keeps only
  its file name (no link) unless its entry is marked ``public: TRUE``;
- free-form ``query`` directives, ``pad`` directives (their padding transactions are kept),
  other Fava extensions and Fava options that reach files (import config, external editor)
  are left out; the interface is Chinese unless the ledger sets another language.

Entries are printed after the plugins ran (generated remuneration included); the trust rules
run again on the publication (``plugin "trustfund.*"`` lines are kept) so the audit page of the
public site shows their findings.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser import printer

EXTENSION_MODULE = "trustfund.web.extension"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PERSON_RE = re.compile(rf"^[{_CJK}][{_CJK}·]{{1,3}}$")
#: Words that mark an organisation, not a private person.
ORG_WORDS = (
    "公司",
    "银行",
    "委员会",
    "业委会",
    "物业",
    "集团",
    "中心",
    "街道",
    "办事处",
    "社区",
    "政府",
    "局",
    "厂",
    "店",
    "院",
    "站",
    "处",
    "队",
    "馆",
    "校",
    "协会",
    "基金",
    "小区",
    "大厦",
    "花园",
    "电梯",
    "保险",
    "税务",
    "供电",
    "供水",
    "燃气",
    "水务",
    "电力",
    "通信",
    "移动",
    "联通",
    "电信",
    "超市",
    "餐厅",
    "学校",
    "医院",
    "律师",
    "事务",
    "工作室",
    "合作社",
    "商行",
    "银联",
    "支付",
    "微信",
    "支付宝",
    "财付通",
    "结算",
    "清算",
    "物业费",
    "利息",
    "押金",
    "维修",
    "工程",
)
_DIGIT_OR_AT = re.compile(r"[0-9@]")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3}-)(\d{3,4})(\d{4})(?!\d)")
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
#: Metadata keys that are private whatever their value.
PRIVATE_KEY_RE = re.compile(
    r"(phone|mobile|tel|contact|id-?(number|no|card)|idcard|identity|email|e-mail|address|"
    r"wechat|weixin|alipay-account|card|account-?(no|number)|passport|birth|openid|手机|电话|身份)",
    re.IGNORECASE,
)
_DOC_EXT_RE = re.compile(
    r"\.(pdf|jpe?g|png|gif|tiff?|docx?|xlsx?|csv|zip|rar|7z|ofd|txt|html?|heic|webp)$",
    re.IGNORECASE,
)
#: Fava options that reach the file system or the editor: not in the publication.
DROPPED_FAVA_OPTIONS = frozenset(
    {
        "import-config",
        "import_config",
        "import-dirs",
        "import_dirs",
        "use-external-editor",
        "default-file",
        "default_file",
        "use_external_editor",
        "insert-entry",
        "insert_entry",
    }
)
PUBLIC_TAG = "public"


def mask_name(name: str) -> str:
    """``张三`` -> ``张*``, ``欧阳小明`` -> ``欧*``: the first character and one ``*`` (as the reports)."""
    name = name.strip()
    return name[:1] + "*" if len(name) > 1 else "*"


def looks_like_person(text: str) -> bool:
    """Two to four Chinese characters and no word of an organisation."""
    text = text.strip()
    return bool(_PERSON_RE.match(text)) and not any(word in text for word in ORG_WORDS)


def mask_patterns(text: str) -> str:
    """Mask phone, ID-card and e-mail patterns inside free text."""
    if not _DIGIT_OR_AT.search(text):
        return text
    text = _ID_RE.sub(lambda m: m.group(1) + "*" * 8 + "***" + m.group(2)[-1:], text)
    text = _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    text = _LANDLINE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _EMAIL_RE.sub(lambda m: "***@" + m.group(1), text)


def _is_public(meta: dict[str, Any] | None, tags: Iterable[str] = ()) -> bool:
    value = (meta or {}).get("public")
    return (
        value is True
        or (isinstance(value, str) and value.lower() in ("true", "yes", "1"))
        or (PUBLIC_TAG in tags)
    )


def _looks_like_path(text: str) -> bool:
    if text.startswith(("http://", "https://")):
        return False
    last = text.replace("\\", "/").rsplit("/", 1)[-1]
    return bool(_DOC_EXT_RE.search(text)) or (("/" in text or "\\" in text) and "." in last)


@dataclass
class Redactor:
    """Masks a fixed set of private names (and the patterns) in any text."""

    names: set[str] = field(default_factory=set)
    _cache: dict[str, str] = field(default_factory=dict, repr=False)
    _lengths: tuple[int, ...] = ()
    _firsts: frozenset[str] = frozenset()

    def add(self, name: str | None) -> None:
        if name and len(name.strip()) >= 2:
            self.names.add(name.strip())

    def freeze(self) -> None:
        self._lengths = tuple(sorted({len(n) for n in self.names}, reverse=True))
        self._firsts = frozenset(n[0] for n in self.names)
        self._cache.clear()

    def text(self, text: str) -> str:
        """``text`` with every known private name masked and phone/ID/e-mail patterns hidden."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        result = mask_patterns(text)
        if self.names and self._lengths:
            result = self._mask_names(result)
        if len(self._cache) < 200_000:
            self._cache[text] = result
        return result

    def _mask_names(self, text: str) -> str:
        firsts = self._firsts
        if firsts.isdisjoint(text):
            return text
        names, out, i, last, n = self.names, [], 0, 0, len(text)
        while i < n:
            if text[i] in firsts:
                for length in self._lengths:
                    if text[i : i + length] in names:
                        out.append(text[last:i])
                        out.append(mask_name(text[i : i + length]))
                        i += length
                        last = i
                        break
                else:
                    i += 1
            else:
                i += 1
        out.append(text[last:])
        return "".join(out)

    def party(self, text: str | None) -> str | None:
        """A payee or counterparty: masked whole when it looks like a person."""
        if text is None:
            return None
        if looks_like_person(text):
            return mask_name(text)
        return self.text(text)


# ---------------------------------------------------------------------------------------------


def _collect_names(entries: Iterable[data.Directive], community: Any) -> Redactor:
    redactor = Redactor()
    for lines in getattr(community, "owners", {}).values():
        for owner in lines:
            redactor.add(owner.name)
    for approval in getattr(community, "approvals", {}).values():
        for signoff in approval.signoffs:
            if looks_like_person(signoff.name):
                redactor.add(signoff.name)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            if entry.payee and looks_like_person(entry.payee):
                redactor.add(entry.payee)
            for key in ("payer", "payee", "owner", "name", "counterparty", "signer"):
                value = entry.meta.get(key)
                if isinstance(value, str) and looks_like_person(value):
                    redactor.add(value)
        elif isinstance(entry, data.Custom) and entry.type == "tf-owner" and len(entry.values) >= 2:
            value = entry.values[1].value
            if isinstance(value, str):
                redactor.add(value)
    redactor.freeze()
    return redactor


_LOADER_KEYS = frozenset({"filename", "lineno"})


@functools.lru_cache(maxsize=4096)
def _private_key(key: str) -> bool:
    return bool(PRIVATE_KEY_RE.search(key))


def _meta(meta: dict[str, Any] | None, redactor: Redactor, *, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not meta:
        return out
    for key, value in meta.items():
        if key in _LOADER_KEYS or key.startswith("__") or _private_key(key):
            continue
        if isinstance(value, str):
            if not public and _looks_like_path(value):
                value = os.path.basename(value.replace("\\", "/"))
            value = (
                redactor.party(value)
                if key in ("payer", "payee", "owner", "signer")
                else redactor.text(value)
            )
        out[key] = value
    return out


_PARTY_KEYS = frozenset({"payer", "payee", "owner", "signer"})


def _posting_meta(meta: dict[str, Any], redactor: Redactor, *, public: bool) -> dict[str, Any]:
    """``meta`` itself when redaction changes nothing (most postings: ``unit:`` only), else a copy."""
    for key, value in meta.items():
        if key in _LOADER_KEYS:
            continue
        if key.startswith("__") or _private_key(key) or key in _PARTY_KEYS:
            return _meta(meta, redactor, public=public)
        if isinstance(value, str) and (
            (not public and _looks_like_path(value)) or redactor.text(value) != value
        ):
            return _meta(meta, redactor, public=public)
    return meta


def _custom(entry: data.Custom, redactor: Redactor) -> data.Custom | None:
    kind = entry.type
    values = entry.values
    if kind == "fava-extension":
        module = values[0].value if values else ""
        return entry if module == EXTENSION_MODULE else None
    if kind == "fava-option":
        name = values[0].value if values else ""
        return None if name in DROPPED_FAVA_OPTIONS else entry
    new_values = []
    for index, value in enumerate(values):
        v = value.value
        if isinstance(v, str) and value.dtype is str:
            if kind == "tf-owner" and index == 1:
                v = mask_name(v)
            elif (kind == "tf-approval" and index == 2) or (kind == "tf-contract" and index == 2):
                v = redactor.party(v)
            else:
                v = redactor.text(v)
            value = value._replace(value=v)
        new_values.append(value)
    return entry._replace(values=new_values, meta=_meta(entry.meta, redactor, public=False))


def redact_entries(
    entries: Iterable[data.Directive], community: Any = None
) -> list[data.Directive]:
    """The entries of the publication (see the module docstring)."""
    entries = list(entries)
    redactor = _collect_names(entries, community)
    out: list[data.Directive] = []
    for entry in entries:
        if isinstance(entry, data.Transaction):
            public = _is_public(entry.meta, entry.tags)
            postings = []
            for p in entry.postings:
                meta = _posting_meta(p.meta, redactor, public=public) if p.meta else p.meta
                postings.append(p if meta is p.meta else p._replace(meta=meta))
            out.append(
                entry._replace(
                    meta=_meta(entry.meta, redactor, public=public),
                    payee=redactor.party(entry.payee),
                    narration=redactor.text(entry.narration or ""),
                    postings=postings,
                )
            )
        elif isinstance(entry, data.Custom):
            new = _custom(entry, redactor)
            if new is not None:
                out.append(new)
        elif isinstance(entry, (data.Pad, data.Query)):
            continue
        elif isinstance(entry, data.Document):
            if _is_public(entry.meta, entry.tags or ()):
                out.append(entry._replace(meta=_meta(entry.meta, redactor, public=True)))
        elif isinstance(entry, data.Note):
            out.append(
                entry._replace(
                    comment=redactor.text(entry.comment),
                    meta=_meta(entry.meta, redactor, public=False),
                )
            )
        elif isinstance(entry, data.Event):
            out.append(
                entry._replace(
                    description=redactor.text(entry.description),
                    meta=_meta(entry.meta, redactor, public=False),
                )
            )
        elif isinstance(entry, data.Balance):
            out.append(
                entry._replace(diff_amount=None, meta=_meta(entry.meta, redactor, public=False))
            )
        else:
            out.append(entry._replace(meta=_meta(entry.meta, redactor, public=False)))
    return out


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _header(
    options: dict[str, Any], plugins: list[tuple[str, str | None]], entries: list[data.Directive]
) -> str:
    lines = ["; trustfund public publication: generated, redacted; do not edit.", ""]
    title = options.get("title") or "trustfund"
    lines.append(f'option "title" {_quote(str(title))}')
    for currency in options.get("operating_currency") or ():
        lines.append(f'option "operating_currency" {_quote(currency)}')
    booking = options.get("booking_method")
    if booking is not None:
        lines.append(f'option "booking_method" {_quote(getattr(booking, "name", str(booking)))}')
    # the publication is already padded and its balances were checked on the source ledger
    lines.append('option "plugin_processing_mode" "raw"')
    for name, config in plugins:
        if name.startswith("trustfund."):
            lines.append(f"plugin {_quote(name)}" + (f" {_quote(config)}" if config else ""))
    has_language = any(
        isinstance(e, data.Custom)
        and e.type == "fava-option"
        and e.values
        and e.values[0].value == "language"
        for e in entries
    )
    has_extension = any(
        isinstance(e, data.Custom)
        and e.type == "fava-extension"
        and e.values
        and e.values[0].value == EXTENSION_MODULE
        for e in entries
    )
    first = next((e.date for e in entries), None)
    if first is not None:
        if not has_language:
            lines.append(f'{first} custom "fava-option" "language" "zh"')
        if not has_extension:
            lines.append(f'{first} custom "fava-extension" "{EXTENSION_MODULE}"')
    lines.append("")
    return "\n".join(lines) + "\n"


def render(entries: list[data.Directive], options: dict[str, Any]) -> str:
    """Beancount text of already redacted entries, with the publication's header."""
    plugins = [(name, config) for name, config in options.get("plugin") or ()]
    chunks = [_header(options, plugins, entries)]
    for entry in entries:
        text = _format_transaction(entry) if isinstance(entry, data.Transaction) else None
        chunks.append(text if text is not None else printer.format_entry(entry))
        chunks.append("\n")
    return "".join(chunks)


def _value_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Amount) and value.number is not None:
        return f"{format(value.number, 'f')} {value.currency}"
    return None


def _meta_lines(meta: dict[str, Any] | None, indent: str, lines: list[str]) -> bool:
    for key, value in (meta or {}).items():
        if key in _LOADER_KEYS or key.startswith("__"):
            continue
        text = _value_text(value)
        if text is None:
            return False
        lines.append(f"{indent}{key}: {text}")
    return True


def _format_transaction(txn: data.Transaction) -> str | None:
    """A plain transaction (no cost, no price) as Beancount text; None: use the printer."""
    head = f"{txn.date.isoformat()} {txn.flag or '*'}"
    if txn.payee is not None:
        head += f" {_quote(txn.payee)}"
    head += f" {_quote(txn.narration or '')}"
    for tag in sorted(txn.tags or ()):
        head += f" #{tag}"
    for link in sorted(txn.links or ()):
        head += f" ^{link}"
    lines = [head]
    if not _meta_lines(txn.meta, "  ", lines):
        return None
    for posting in txn.postings:
        units = posting.units
        if (
            posting.cost is not None
            or posting.price is not None
            or units is None
            or units.number is None
        ):
            return None
        flag = f"{posting.flag} " if posting.flag else ""
        lines.append(f"  {flag}{posting.account}  {format(units.number, 'f')} {units.currency}")
        if not _meta_lines(posting.meta, "    ", lines):
            return None
    return "\n".join(lines) + "\n"


def publish(ledger: Any) -> str:
    """The redacted publication of a loaded ledger (``ledger.loader.Ledger``) as Beancount text."""
    entries = redact_entries(ledger.entries, ledger.community)
    return render(_with_seal_verdicts(entries, ledger), ledger.options)


def _with_seal_verdicts(entries: list[data.Directive], ledger: Any) -> list[data.Directive]:
    """Each ``tf-seal`` carries the source's verdict: redacted entries cannot be re-hashed."""
    if not any(isinstance(e, data.Custom) and e.type == "tf-seal" for e in entries):
        return entries
    from ledger.seal import PUBLISHED_STATUS_KEY, published_statuses

    verdicts = published_statuses(ledger.entries, ledger.community)
    out = []
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "tf-seal" and entry.values:
            period = str(entry.values[0].value)
            meta = {k: v for k, v in (entry.meta or {}).items() if k != "manifest"}
            meta[PUBLISHED_STATUS_KEY] = verdicts.get(period, "changed")
            entry = entry._replace(meta=meta)
        out.append(entry)
    return out


def write_publication(ledger: Any, target: Path) -> Path:
    """Write :func:`publish` to ``target`` atomically (temp file + ``os.replace``)."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = publish(ledger)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return target


__all__ = [
    "Redactor",
    "looks_like_person",
    "mask_name",
    "mask_patterns",
    "publish",
    "redact_entries",
    "render",
    "write_publication",
]
