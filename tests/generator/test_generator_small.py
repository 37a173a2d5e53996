"""The generator at a tiny size: deterministic for a seed, clean under every rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from beancount.core import data

from ledger.loader import format_error, load
from trustfund.ops.generator import generate, main


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", units=40, buildings=3, seed=7)
    generate(tmp_path / "b", units=40, buildings=3, seed=7)
    generate(tmp_path / "c", units=40, buildings=3, seed=8)
    a, b, c = _tree(tmp_path / "a"), _tree(tmp_path / "b"), _tree(tmp_path / "c")
    assert a == b
    assert set(a) == set(c)
    assert a["register.beancount"] != c["register.beancount"]
    assert "2025/2025-12.beancount" in a and len([k for k in a if k.startswith("2025/")]) == 12


def test_command_line_writes_the_same_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "cli"), "--units", "40", "--buildings", "3", "--seed", "7"]) == 0
    assert capsys.readouterr().out.strip().endswith("main.beancount")
    generate(tmp_path / "api", units=40, buildings=3, seed=7)
    assert _tree(tmp_path / "cli") == _tree(tmp_path / "api")


def test_two_years_load_with_zero_errors(tmp_path: Path) -> None:
    main_file = generate(tmp_path / "two", units=40, buildings=3, years=2, start_year=2024, seed=3)
    ledger = load(main_file, cache=False)
    assert [format_error(e) for e in ledger.errors] == []
    community = ledger.community
    assert len(community.units) == 40
    assert {u[0].building for u in community.units.values()} == {"1", "2", "3"}
    # each year: the budget (00), the elevator (01), the related party (02), the supplement
    # (03); each January the settlement of the year before (09)
    assert set(community.resolutions) == {
        *(f"R-{y}-0{k}" for y in (2024, 2025) for k in range(4)),
        "R-2025-09",
        "R-2026-09",
    }
    assert set(community.emergencies) == {"E-2024-01", "E-2025-01"}
    txns = [e for e in ledger.entries if isinstance(e, data.Transaction)]
    assert min(t.date for t in txns).year == 2024 and max(t.date for t in txns).year == 2025
    periods = {t.meta["period"] for t in txns if "period" in t.meta}
    assert len(periods) == 24  # a remuneration accrual every month


def test_rejects_impossible_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path / "x", units=5, buildings=4)


def test_the_community_is_honest_by_construction(tmp_path: Path) -> None:
    """Roster, parties, the fee standard, contracts the payments keep to, two persons."""
    from ledger.index import build_index
    from trustfund.rules.contracts import is_income_contract

    main_file = generate(tmp_path / "honest", units=40, buildings=3, seed=11)
    ledger = load(main_file, cache=False)
    assert [format_error(e) for e in ledger.errors] == []
    community = ledger.community
    assert community.first_date is not None
    assert community.has_roster and community.fee_at("property", community.first_date)
    index = build_index(ledger.entries, community)
    for approval in community.approvals.values():
        latest = approval.latest_by_role()
        assert set(latest) == {"committee", "manager"}
        assert len({s.name for s in latest.values()}) == 2
        for signoff in latest.values():
            assert community.member_role(signoff.name, signoff.date) == signoff.role
    related = [p for p in index.payments if community.party_kind(p.payee, p.date) == "related"]
    assert len(related) == 1 and related[0].related_flag and related[0].resolutions
    for pay in index.payments:
        if not pay.auto_debit:
            assert community.party_kind(pay.payee, pay.date) in ("organisation", "related")
    expense = [c for c in community.contracts.values() if not is_income_contract(c)]
    assert {c.frequency for c in expense} == {"monthly", "once"}
    assert community.resolutions["R-2025-01"].budget is not None


def test_a_large_community_votes_its_recurring_contracts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where two monthly payments to one payee reach the threshold (here lowered to 2,500 so a
    40-unit community shows it), the owners vote the year's contracts and every such payment
    cites the vote and is noticed: nothing is split, nothing is TF307."""
    from trustfund.ops import generator

    monkeypatch.setattr(generator, "THRESHOLD", generator.Decimal("2500.00"))
    main_file = generate(tmp_path / "large", units=40, buildings=3, seed=11)
    ledger = load(main_file, cache=False)
    assert [format_error(e) for e in ledger.errors] == []
    assert "R-2025-00" in ledger.community.resolutions
    cited = [
        t
        for t in ledger.entries
        if isinstance(t, data.Transaction) and t.meta.get("resolution") == "R-2025-00"
    ]
    assert "安泰保安服务有限公司" in {t.payee for t in cited}
    notices = {n.approval_id for ns in ledger.community.notices.values() for n in ns}
    assert all(t.meta["approval"] in notices for t in cited)
