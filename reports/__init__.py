"""Reports: pure functions from loaded entries to typed rows; renderers apart.

Each report module has ``compute(ledger_or_entries, period, ...)`` returning a dataclass whose
``tables()`` lists :class:`reports.table.Table` (bilingual columns, rows with ``to_dict()``):

- :mod:`reports.public`: the public balance (公示) of a month, quarter or year;
- :mod:`reports.budget`: budget against actual (预算执行), from Fava's ``custom "budget"``;
- :mod:`reports.audit`: the special audit (专项审计) of the maintenance and common funds;
- :mod:`reports.unit`: one unit's statement (分户对账单).

Renderers: :mod:`reports.render_text`, :mod:`reports.render_html` (self-contained, printable),
:mod:`reports.render_xlsx` (openpyxl) and :mod:`reports.render_csv`; each has
``render(report)`` and ``write(report, path)``. :mod:`trustfund.ops.reporting` holds the
``trustfund report`` command and ``write_all``. Periods: :class:`reports.period.Period`.

Work shared between reports computed from the same entries (payments, sub-ledgers, the
remuneration schedule) is computed once (:func:`reports.common.memo`); nothing reloads.
"""
