"""Property tests of the seal's canonical form: formatting never matters, any change does."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import seal as seal_mod
from ledger.errors import error_code
from ledger.loader import load_string

HEAD = 'option "operating_currency" "CNY"\nplugin "trustfund.rules.seal"\n2025-01-01 open Assets:Bank:Trust CNY\n2025-01-01 open Income:Fees:Property CNY\n'

TXN = st.tuples(
    st.integers(1, 28),  # day of March
    st.sampled_from(["张三", "李四", "王五", "Acme Co."]),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    st.dictionaries(
        st.sampled_from(["serial", "unit", "invoice"]),
        st.text("ABC123-", min_size=1, max_size=6),
        max_size=3,
    ),
)
STYLE = st.fixed_dictionaries(
    {
        "indent": st.integers(1, 6),
        "gap": st.integers(2, 12),
        "elide": st.booleans(),
        "comments": st.booleans(),
        "blank": st.integers(0, 3),
        "reverse_meta": st.booleans(),
    }
)


def render(txns: list[tuple[int, str, Decimal, dict[str, str]]], style: dict[str, object]) -> str:
    pad = " " * int(style["indent"])  # type: ignore[call-overload]
    gap = " " * int(style["gap"])  # type: ignore[call-overload]
    out = [HEAD]
    for i, (day, payee, amount, meta) in enumerate(txns):
        if style["comments"]:
            out.append(f"; entry {i} — a comment that is not part of the ledger\n")
        out.append("\n" * int(style["blank"]))  # type: ignore[call-overload]
        out.append(f'2025-03-{day:02d} * "{payee}" "物业费 {i}"\n')
        items = sorted(meta.items(), reverse=bool(style["reverse_meta"]))
        out.extend(f'{pad}{key}: "{value}"\n' for key, value in items)
        out.append(
            f"{pad}Assets:Bank:Trust{gap}{amount} CNY"
            + ("  ; paid\n" if style["comments"] else "\n")
        )
        out.append(
            f"{pad}Income:Fees:Property" + ("\n" if style["elide"] else f"{gap}-{amount} CNY\n")
        )
    return "".join(out)


def sealed(txns: list[tuple[int, str, Decimal, dict[str, str]]]) -> str:
    base = load_string(
        render(
            txns,
            {
                "indent": 2,
                "gap": 2,
                "elide": False,
                "comments": False,
                "blank": 1,
                "reverse_meta": False,
            },
        )
    )
    entries = seal_mod.month_entries(base.entries, "2025-03")
    digest = seal_mod.month_digest("2025-03", None, [seal_mod.entry_digest(e) for e in entries])
    return f'2025-04-01 custom "tf-seal" "2025-03" "{digest}"\n'


def tf501(text: str) -> list[str]:
    ledger = load_string(text)
    assert [e for e in ledger.errors if error_code(e) != "TF501"] == []
    return [e.message for e in ledger.errors if error_code(e) == "TF501"]


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(txns=st.lists(TXN, min_size=1, max_size=5), style=STYLE)
def test_formatting_never_breaks_a_seal(txns: list, style: dict) -> None:
    # same-day entries keep their relative order in every rendering, so only formatting differs
    assert tf501(render(txns, style) + sealed(txns)) == []


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(
    txns=st.lists(TXN, min_size=1, max_size=5),
    which=st.integers(0, 4),
    what=st.sampled_from(["amount", "payee", "meta", "day", "drop", "add"]),
)
def test_any_change_breaks_the_seal(txns: list, which: int, what: str) -> None:
    seal_line = sealed(txns)
    changed = list(txns)
    i = which % len(changed)
    day, payee, amount, meta = changed[i]
    if what == "amount":
        changed[i] = (day, payee, amount + Decimal("0.01"), meta)
    elif what == "payee":
        changed[i] = (day, payee + "X", amount, meta)
    elif what == "meta":
        changed[i] = (day, payee, amount, {**meta, "serial": meta.get("serial", "") + "9"})
    elif what == "day":
        changed[i] = (day % 28 + 1, payee, amount, meta)
    elif what == "drop":
        del changed[i]
    else:
        changed.append((day, payee, amount, meta))
    errors = tf501(
        render(
            changed,
            {
                "indent": 2,
                "gap": 2,
                "elide": False,
                "comments": False,
                "blank": 1,
                "reverse_meta": False,
            },
        )
        + seal_line
    )
    assert len(errors) == 1 and "2025-03" in errors[0]
