"""TF601–TF607: 五议两公开 trail, objections, budget adoption, surplus disposition."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.errors import TrustError
from ledger.loader import load_string

HEADER = """\
plugin "trustfund.rules.governance"
option "operating_currency" "CNY"
2024-01-01 open Assets:Bank:Trust CNY
2024-01-01 open Income:Fees:Property CNY
2024-01-01 open Expenses:Service:Elevator CNY
2024-01-01 open Expenses:Service:Greenery CNY
2024-01-01 open Equity:Owners:Common CNY
2024-01-01 custom "tf-unit" "1-1-101" 100 "O-1"
2024-01-01 custom "tf-unit" "1-1-102" 100 "O-2"
2024-01-01 custom "tf-unit" "1-1-103" 100 "O-3"
2024-12-01 * "opening"
  Assets:Bank:Trust   1000000.00 CNY
  Equity:Owners:Common
"""

PROCEDURE = '2025-01-01 custom "tf-procedure" "five-two" 60\n'


def resolution(rid: str = "R-1", day: str = "2025-02-01", close: str = "2025-02-20") -> str:
    votes = "".join(f'{day} custom "tf-vote" "{rid}" "{u}" "yes"\n' for u in ("1-1-101", "1-1-102"))
    text = f'{day} custom "tf-resolution" "{rid}" "hire-contractor" "电梯维保" ""\n{votes}'
    if close:
        text += f'{close} custom "tf-close" "{rid}"\n'
    return text


def stages(rid: str = "R-1", **days: str) -> str:
    return "".join(
        f'{day} custom "tf-stage" "{rid}" "{name.replace("_", "-")}"\n'
        for name, day in days.items()
    )


FULL_TRAIL = dict(propose="2025-01-10", discuss="2025-01-15", review="2025-01-25")

APPROVAL = """\
2025-02-21 custom "tf-approval" "AP-1" "committee" "李四" 50000.00 CNY
2025-02-21 custom "tf-approval" "AP-1" "manager" "王五" 50000.00 CNY
"""


def pay(
    day: str, meta: str = 'approval: "AP-1"\n  resolution: "R-1"', amount: str = "1200.00"
) -> str:
    return (
        f'{day} * "电梯公司" "payment {day}"\n  {meta}\n'
        f"  Expenses:Service:Elevator  {amount} CNY\n  Assets:Bank:Trust\n"
    )


def run(body: str) -> tuple[str, list[TrustError]]:
    text = HEADER + body
    ledger = load_string(text)
    for error in ledger.errors:
        assert isinstance(error, TrustError), error  # no Beancount error in the fixtures
    return text, list(ledger.errors)


def codes(errors: list[TrustError]) -> list[str]:
    return sorted(e.code for e in errors)


def line_of(text: str, needle: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def at(error: TrustError) -> int:
    return int(error.source["lineno"]) if error.source else 0


# -- 五议两公开 (TF601, TF602, TF603) ------------------------------------------------------


def test_full_trail_in_order_is_clean() -> None:
    body = PROCEDURE + resolution() + stages(**FULL_TRAIL, publish_decision="2025-02-21")
    body += APPROVAL + pay("2025-03-01")
    _, errors = run(body)
    assert errors == []


def test_a_stage_on_the_same_day_as_the_next_is_in_order() -> None:
    same = dict(propose="2025-01-10", discuss="2025-01-10", review="2025-02-20")
    body = PROCEDURE + resolution() + stages(**same, publish_decision="2025-02-20")
    body += APPROVAL + pay("2025-02-21")
    _, errors = run(body)
    assert errors == []


def test_decision_published_on_the_payment_day_is_enough_the_day_after_is_not() -> None:
    body = PROCEDURE + resolution() + stages(**FULL_TRAIL, publish_decision="2025-03-01")
    _, errors = run(body + APPROVAL + pay("2025-03-01"))
    assert errors == []
    text, errors = run(body + APPROVAL + pay("2025-02-28"))
    assert codes(errors) == ["TF601"]
    assert at(errors[0]) == line_of(text, "payment 2025-02-28")
    assert "publish-decision (决议公开) only on 2025-03-01" in errors[0].message
    assert errors[0].ids == ("resolution:R-1",)
    assert errors[0].amount == Decimal("1200.00")


def test_missing_stages_are_named_at_the_payment() -> None:
    body = PROCEDURE + resolution() + stages(propose="2025-01-10") + APPROVAL
    _text, errors = run(body + pay("2025-03-01"))
    assert codes(errors) == ["TF601"]
    message = errors[0].message
    for name in ("discuss (商议)", "review (审议)", "publish-decision (决议公开)"):
        assert f"{name} not on record" in message
    assert "propose" not in message and "resolve" not in message


def test_no_vote_close_means_the_decision_is_missing() -> None:
    body = PROCEDURE + resolution(close="") + stages(**FULL_TRAIL, publish_decision="2025-02-21")
    _, errors = run(body + APPROVAL + pay("2025-03-01"))
    assert codes(errors) == ["TF601"]
    assert "resolve (决议) not on record" in errors[0].message


def test_a_matter_decided_without_a_vote_records_its_resolve_stage() -> None:
    body = PROCEDURE + resolution(close="") + stages(**FULL_TRAIL, resolve="2025-02-20")
    body += stages(publish_decision="2025-02-21")
    _, errors = run(body + APPROVAL + pay("2025-03-01"))
    assert errors == []


def test_without_a_procedure_or_before_it_no_trail_is_required() -> None:
    body = resolution() + APPROVAL + pay("2025-03-01")
    assert run(body)[1] == []
    later = '2025-06-01 custom "tf-procedure" "five-two"\n'
    assert run(later + body)[1] == []  # R-1 of 2025-02-01 predates the procedure
    switched_off = PROCEDURE + '2025-01-20 custom "tf-procedure" "none"\n'
    assert run(switched_off + body)[1] == []


def test_tf602_stage_before_the_stage_it_follows() -> None:
    body = PROCEDURE + resolution() + stages(propose="2025-01-15", discuss="2025-01-10")
    text, errors = run(body)
    assert codes(errors) == ["TF602"]
    assert at(errors[0]) == line_of(text, '"discuss"')
    assert (
        "discuss (商议) on 2025-01-10 comes before propose (提议) on 2025-01-15"
        in errors[0].message
    )


def test_tf602_decision_published_before_the_vote_closes_and_review_after_it() -> None:
    body = PROCEDURE + resolution() + stages(publish_decision="2025-02-19")
    text, errors = run(body)
    assert codes(errors) == ["TF602"]
    assert at(errors[0]) == line_of(text, '"publish-decision"')
    body = PROCEDURE + resolution() + stages(review="2025-02-25")
    text, errors = run(body)
    assert codes(errors) == ["TF602"]
    assert at(errors[0]) == line_of(text, '"tf-close" "R-1"')  # the decision came first


def test_a_second_discussion_after_the_review_is_in_order() -> None:
    body = PROCEDURE + resolution() + stages(**FULL_TRAIL, publish_decision="2025-02-21")
    body += '2025-01-30 custom "tf-stage" "R-1" "discuss"\n'
    assert run(body + APPROVAL + pay("2025-03-01"))[1] == []


def test_tf603_result_not_evaluated_within_the_days() -> None:
    body = PROCEDURE + resolution() + stages(**FULL_TRAIL, publish_decision="2025-02-21")
    body += APPROVAL + pay("2025-03-01")  # due 60 days later: 2025-04-30
    late = '2025-05-01 * "x" "interest"\n  Assets:Bank:Trust  1.00 CNY\n  Income:Fees:Property\n'
    text, errors = run(body + late)
    assert codes(errors) == ["TF603"]
    assert at(errors[0]) == line_of(text, '"tf-resolution" "R-1"')
    assert "due by 2025-04-30" in errors[0].message
    on_time = stages(evaluate="2025-04-30", publish_result="2025-04-30")
    assert run(body + on_time + late)[1] == []
    ends_on_due_day = late.replace("2025-05-01", "2025-04-30")
    assert run(body + ends_on_due_day)[1] == []  # not yet judged


def test_tf001_resolve_stage_beside_a_vote_close() -> None:
    from ledger.community import build_community
    from ledger.loader import load_string as load

    ledger = load(HEADER + resolution() + stages(resolve="2025-02-20"))
    _, errors = build_community(ledger.entries)
    assert [e.code for e in errors] == ["TF001"]


# -- objections (TF604, TF605) ------------------------------------------------------------

NOTICE = '2025-02-22 custom "tf-notice" "N-1" "AP-1" 2025-03-03\n'


def test_two_value_notice_stays_valid_and_opens_no_window() -> None:
    body = APPROVAL + '2025-02-22 custom "tf-notice" "N-1" "AP-1"\n'
    body += pay("2025-02-23", 'approval: "AP-1"')
    assert run(body)[1] == []


def test_tf604_payment_on_the_deadline_day_the_day_after_is_fine() -> None:
    body = APPROVAL + NOTICE
    text, errors = run(body + pay("2025-03-03", 'approval: "AP-1"'))
    assert codes(errors) == ["TF604"]
    assert errors[0].ids == ("notice:N-1", "approval:AP-1")
    assert at(errors[0]) == line_of(text, "payment 2025-03-03")
    assert run(body + pay("2025-03-04", 'approval: "AP-1"'))[1] == []


def test_a_notice_posted_after_the_payment_is_not_one_it_was_made_under() -> None:
    body = APPROVAL + NOTICE.replace("2025-02-22", "2025-02-26")
    assert run(body + pay("2025-02-25", 'approval: "AP-1"'))[1] == []


def test_tf605_objection_on_the_deadline_day_stops_the_payment() -> None:
    body = APPROVAL + NOTICE + '2025-03-03 custom "tf-objection" "OB-1" "N-1" "1-1-101"\n'
    _text, errors = run(body + pay("2025-03-10", 'approval: "AP-1"'))
    assert codes(errors) == ["TF605"]
    assert errors[0].ids == ("objection:OB-1", "notice:N-1")
    assert "1-1-101" not in errors[0].message  # who objected is not repeated in the message


def test_an_objection_after_the_deadline_does_not_stop_the_payment() -> None:
    body = APPROVAL + NOTICE + '2025-03-04 custom "tf-objection" "OB-1" "N-1" "1-1-101"\n'
    assert run(body + pay("2025-03-10", 'approval: "AP-1"'))[1] == []


@pytest.mark.parametrize(
    ("outcome", "day", "expected"),
    [
        ("dismissed", "2025-03-10", []),  # answered on the payment day: in time
        ("withdrawn", "2025-03-05", []),
        ("dismissed", "2025-03-11", ["TF605"]),  # answered after the payment
        ("upheld", "2025-03-05", ["TF605"]),
    ],
)
def test_objection_outcomes(outcome: str, day: str, expected: list[str]) -> None:
    body = APPROVAL + NOTICE + '2025-02-25 custom "tf-objection" "OB-1" "N-1" "监事会"\n'
    body += f'{day} custom "tf-objection-outcome" "OB-1" "{outcome}"\n'
    _, errors = run(body + pay("2025-03-10", 'approval: "AP-1"'))
    assert codes(errors) == expected
    if outcome == "upheld":
        assert "upheld on 2025-03-05" in errors[0].message


def test_an_objection_lodged_after_the_payment_concerns_later_payments_only() -> None:
    body = APPROVAL + '2025-02-22 custom "tf-notice" "N-1" "AP-1"\n'
    body += pay("2025-02-24", 'approval: "AP-1"')
    body += '2025-02-25 custom "tf-objection" "OB-1" "N-1" "1-1-102"\n'
    text, errors = run(body + pay("2025-02-26", 'approval: "AP-1"'))
    assert codes(errors) == ["TF605"]
    assert at(errors[0]) == line_of(text, "payment 2025-02-26")


def test_notice_named_on_the_payment() -> None:
    body = APPROVAL + NOTICE.replace('"AP-1"', '"AP-1"')
    body += '2025-02-21 custom "tf-approval" "AP-2" "committee" "李四" 500.00 CNY\n'
    body += '2025-02-21 custom "tf-approval" "AP-2" "manager" "王五" 500.00 CNY\n'
    _, errors = run(body + pay("2025-02-28", 'approval: "AP-2"\n  notice: "N-1"'))
    assert codes(errors) == ["TF604"]


def test_objection_to_an_unknown_notice_is_tf002() -> None:
    from ledger.community import build_community

    ledger = load_string(HEADER + '2025-02-25 custom "tf-objection" "OB-1" "N-9" "1-1-101"\n')
    _, errors = build_community(ledger.entries)
    assert [(e.code, e.ids) for e in errors] == [("TF002", ("objection:OB-1", "notice:N-9"))]


# -- budget (TF606) ---------------------------------------------------------------------------

BUDGET = """\
2024-12-01 custom "tf-resolution" "R-B" "budget" "2025年度预算" ""
2024-12-01 custom "tf-vote" "R-B" "1-1-101" "yes"
2024-12-01 custom "tf-vote" "R-B" "1-1-102" "yes"
2024-12-20 custom "tf-close" "R-B"
2024-12-20 custom "tf-budget" "2025" "R-B"
2025-01-01 custom "budget" Expenses:Service:Greenery "monthly" 3500.00 CNY
2025-01-01 custom "budget" Income:Fees:Property "monthly" -50000.00 CNY
"""


def supplement(day: str = "2025-07-01", rid: str = "R-S") -> str:
    meta = f'\n  resolution: "{rid}"' if rid else ""
    return f'{day} custom "budget" Expenses:Service:Greenery "monthly" 4500.00 CNY{meta}\n'


def test_adopted_budget_with_a_supplement_by_resolution_is_clean() -> None:
    body = BUDGET + resolution("R-S", "2025-06-01", "2025-06-20") + supplement()
    assert run(body)[1] == []


def test_tf606_supplement_without_resolution_or_before_it_is_decided() -> None:
    text, errors = run(BUDGET + supplement(rid=""))
    assert codes(errors) == ["TF606"]
    assert at(errors[0]) == line_of(text, "4500.00")
    assert errors[0].ids == ("year:2025", "account:Expenses:Service:Greenery")
    body = BUDGET + resolution("R-S", "2025-06-01", "2025-07-02") + supplement()
    _, errors = run(body)
    assert codes(errors) == ["TF606"]
    assert "closes 2025-07-02, after 2025-07-01" in errors[0].message


def test_tf606_adoption_under_a_resolution_that_did_not_pass() -> None:
    failing = BUDGET.replace('"1-1-102" "yes"', '"1-1-102" "no"')
    text, errors = run(failing)
    assert codes(errors) == ["TF606"]
    assert at(errors[0]) == line_of(text, '"tf-budget" "2025"')
    assert "did not pass" in errors[0].message


def test_tf606_a_later_year_without_adoption_once() -> None:
    body = BUDGET + '2026-01-01 custom "budget" Expenses:Service:Greenery "monthly" 3600.00 CNY\n'
    body += '2026-01-01 custom "budget" Income:Fees:Property "monthly" -51000.00 CNY\n'
    _, errors = run(body)
    assert codes(errors) == ["TF606"]
    assert errors[0].ids == ("year:2026",)


def test_without_tf_budget_budget_lines_are_not_judged() -> None:
    body = BUDGET.replace('2024-12-20 custom "tf-budget" "2025" "R-B"\n', "")
    assert run(body + supplement(rid=""))[1] == []


# -- surplus (TF607) --------------------------------------------------------------------------

YEAR = """\
2025-03-01 * "业主" "物业费"
  Assets:Bank:Trust   10000.00 CNY
  Income:Fees:Property
2025-03-02 * "电梯公司" "维保"
  approval: "AP-1"
  Expenses:Service:Elevator   4000.00 CNY
  Assets:Bank:Trust
"""  # surplus 6000.00


def disposition(kind: str, amount: str, rid: str = "R-D", day: str = "2026-03-01") -> str:
    return f'{day} custom "tf-disposition" "2025" "{kind}" {amount} CNY "{rid}"\n'


def test_dispositions_up_to_the_surplus_are_clean() -> None:
    body = YEAR + resolution("R-D", "2026-02-01", "2026-02-20")
    body += disposition("reserve", "2000.00") + disposition("refund-by-area", "4000.00")
    assert run(body)[1] == []


def test_tf607_dispositions_exceed_the_surplus() -> None:
    body = YEAR + resolution("R-D", "2026-02-01", "2026-02-20")
    body += disposition("reserve", "2000.00") + disposition("carry-forward", "4000.01")
    text, errors = run(body)
    assert codes(errors) == ["TF607"]
    assert errors[0].amount == Decimal("0.01")
    assert at(errors[0]) == line_of(text, '"carry-forward"')


def test_tf607_resolution_not_decided_by_the_disposition() -> None:
    body = YEAR + resolution("R-D", "2026-02-01", "2026-03-05") + disposition("reserve", "10.00")
    _, errors = run(body)
    assert codes(errors) == ["TF607"]
    assert "closes 2026-03-05" in errors[0].message


def test_tf607_a_deficit_cannot_be_refunded() -> None:
    deficit = YEAR.replace("4000.00", "12000.00")  # deficit 2000.00
    body = deficit + resolution("R-D", "2026-02-01", "2026-02-20")
    _, errors = run(body + disposition("refund-by-area", "100.00"))
    assert codes(errors) == ["TF607"]
    assert "deficit of 2000.00" in errors[0].message
    assert run(body + disposition("carry-forward", "2000.00"))[1] == []


def test_carried_surplus_judges_a_ledger_that_no_longer_holds_the_year() -> None:
    body = resolution("R-D", "2026-02-01", "2026-02-20")
    body += '2025-12-31 custom "trustfund-carry-surplus" "2025" "common" 500.00 CNY\n'
    _, errors = run(body + disposition("reserve", "600.00"))
    assert codes(errors) == ["TF607"]
    assert errors[0].amount == Decimal("100.00")
    nothing_known = resolution("R-D", "2026-02-01", "2026-02-20") + disposition("reserve", "9.00")
    assert run(nothing_known)[1] == []


def test_a_disposition_dated_within_its_year_is_tf001() -> None:
    from ledger.community import build_community

    ledger = load_string(HEADER + disposition("reserve", "1.00", "R-D", "2025-12-31"))
    _, errors = build_community(ledger.entries)
    assert [e.code for e in errors] == ["TF001"]
