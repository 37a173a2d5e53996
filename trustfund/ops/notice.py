"""``trustfund notice``: the 公示 to post on the notice board, as a printable A4.

    trustfund notice 2025-03 main.beancount -o 公示-2025-03.pdf
    trustfund notice 2025Q1 --from 2025-04-05 --days 10 --payments-over 5000

One or two A4 pages, from the same public report as the site (:mod:`reports.public` through the
publication policy): the period, the fund balances, income and spending by category, the
payments over an amount (``--payments-over``, default 10,000; the rest counted), the 公示期 from
and to (``--from``, default today, for ``--days``, default the notice days of the ledger's
``tf-threshold``, else 10), where to raise objections (``--objections``), signature lines for the
committee and the manager, the seal hash of each month of the period, and a QR code of the
published site (``--site-url``, else the ledger's ``tf-site``).

PDF through WeasyPrint (``pip install 'trustfund[pdf]'``; it needs Debian's pango libraries:
``apt-get install libpango-1.0-0 libpangoft2-1.0-0``), with the Chinese font embedded (the
first of Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Zen Hei found by fontconfig). Without
WeasyPrint, or with ``-o FILE.html``, the same page as print-ready HTML (print it from a
browser at A4, margins as set).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from ledger.writer import atomic_write
from reports.period import Period

DEFAULT_OVER = Decimal("10000")
DEFAULT_DAYS = 10
MAX_PAYMENTS = 24  # listed on the notice; more are counted (two pages at most)
DEFAULT_OBJECTIONS = "书面向业主委员会提出（业委会办公室或意见箱），写明房号、异议事项和理由"


def weasyprint_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the pango libraries are missing
        return False
    return True


def _qr(url: str) -> str:
    import segno

    svg = segno.make(url, error="m").svg_data_uri(scale=3, border=2)
    return str(svg)


def _money(value: Decimal | None) -> str:
    from reports.format import money

    return money(value) if value is not None else ""


def context(
    ledger: Any,
    period: Period,
    *,
    start: date,
    days: int | None,
    over: Decimal,
    objections: str,
    site_url: str | None,
) -> dict[str, Any]:
    """What the notice shows (the public report of ``period``, published)."""
    from reports import public
    from reports.common import FUND_LABELS, resolve
    from reports.publication import Policy
    from trustfund.ops.publish import _zh, site_url_of

    src = resolve(ledger)
    policy = Policy.of(ledger)
    report = public.compute(src, period, policy=policy)
    community = src.community
    if days is None:
        threshold = community.thresholds.at(period.last_day)
        days = int(threshold.notice_days) if threshold is not None else DEFAULT_DAYS
    funds = [
        {
            "name": FUND_LABELS.get(row.fund, (row.name, ""))[0],
            "opening": _money(row.opening),
            "income": _money(row.income),
            "expense": _money(row.expense),
            "other": _money(row.transfers + row.equity),
            "closing": _money(row.closing),
            "cash": _money(row.cash),
        }
        for row in report.funds
    ]
    categories: dict[str, list[dict[str, str]]] = {}
    for row in report.categories:
        key = f"{row.fund_name} {_zh(row.kind)}"
        categories.setdefault(key, []).append({"label": row.label, "amount": _money(row.amount)})
    totals = {
        key: _money(
            sum(
                (r.amount for r in report.categories if f"{r.fund_name} {_zh(r.kind)}" == key),
                Decimal(0),
            )
        )
        for key in categories
    }
    large = [p for p in report.payments if p.amount >= over]
    large.sort(key=lambda p: (-p.amount, p.date))
    listed = sorted(large[:MAX_PAYMENTS], key=lambda p: (p.date, -p.amount))
    rest = [p for p in report.payments if p not in listed]
    payments = [
        {
            "date": p.date.isoformat(),
            "payee": p.payee or "—",
            "purpose": p.purpose,
            "amount": _money(p.amount),
            "approval": p.approval or "无",
            "basis": _zh(p.basis) if p.basis else "",
            "invoice": str(p.invoice or ""),
        }
        for p in listed
    ]
    seals = [
        {
            "month": row.month,
            "status": _zh(row.status),
            "digest": row.digest,
            "sealed_on": row.sealed_on.isoformat() if row.sealed_on else "",
        }
        for row in report.seals
    ]
    url = site_url_of(community, site_url)
    title = policy.text(str(src.title or "")) or "业主共有资金"
    return {
        "title": title,
        "period": period,
        "period_title": _period_title(period),
        "funds": funds,
        "categories": categories,
        "totals": totals,
        "payments": payments,
        "over": _money(over),
        "rest_count": len(rest),
        "rest_total": _money(sum((p.amount for p in rest), Decimal(0))),
        "payment_count": len(report.payments),
        "start": start,
        "end": start + timedelta(days=max(days, 1) - 1),
        "days": days,
        "objections": objections,
        "seals": seals,
        "site_url": url,
        "qr": _qr(url) if url else "",
        "arrears_units": sum(r.units for r in report.arrears),
        "arrears_amount": _money(sum((r.amount for r in report.arrears), Decimal(0))),
        "collection_rate": report.collection.rate,
    }


def _period_title(period: Period) -> str:
    if period.kind == "month":
        return f"{period.start.year}年{period.start.month}月"
    if period.kind == "quarter":
        return f"{period.start.year}年第{(period.start.month + 2) // 3}季度"
    return f"{period.start.year}年度"


def render_html(values: dict[str, Any]) -> str:
    """The notice as a print-ready HTML page (A4)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("trustfund.web", "static_site"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("notice.html").render(**values)


def render_pdf(html: str) -> bytes:
    """The notice as PDF (WeasyPrint; fonts embedded)."""
    import weasyprint

    return bytes(weasyprint.HTML(string=html).write_pdf())


def _parse_amount(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise click.BadParameter(f"not an amount: {text!r}", param_hint="--payments-over") from None
    if value < 0:
        raise click.BadParameter("must not be negative", param_hint="--payments-over")
    return value


@click.command("notice")
@click.argument("period_text", metavar="PERIOD")
@click.argument("ledger_path", metavar="[LEDGER]", required=False, default="main.beancount")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="PDF (or .html) to write; default 公示-PERIOD.pdf (.html without WeasyPrint).",
)
@click.option(
    "--payments-over",
    "over",
    default=str(DEFAULT_OVER),
    show_default=True,
    metavar="AMOUNT",
    help="List the payments of at least this amount (the others are counted).",
)
@click.option(
    "--from",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="First day of the 公示期 (default: today).",
)
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    default=None,
    help="Length of the 公示期 in days (default: the notice days of tf-threshold, else 10).",
)
@click.option(
    "--objections",
    default=DEFAULT_OBJECTIONS,
    show_default=True,
    help="Where and how owners raise objections.",
)
@click.option(
    "--site-url", default=None, metavar="URL", help="Site for the QR code (default: tf-site)."
)
def notice(
    period_text: str,
    ledger_path: str,
    output: Path | None,
    over: str,
    start: Any,
    days: int | None,
    objections: str,
    site_url: str | None,
) -> None:
    """Print the 公示 of PERIOD (2025-03 or 2025Q1) on one or two A4 pages, to post and sign."""
    from ledger.loader import load, resolve_ledger

    try:
        period = Period.parse(period_text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="PERIOD") from exc
    amount = _parse_amount(over)
    pdf_ok = weasyprint_available()
    if output is None:
        output = Path(f"公示-{period.label}.{'pdf' if pdf_ok else 'html'}")
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise click.BadParameter("the notice is a .pdf or an .html file", param_hint="-o")
    if suffix == ".pdf" and not pdf_ok:
        raise click.ClickException(
            "writing PDF needs WeasyPrint and the pango libraries (pip install 'trustfund[pdf]'; "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0); or write -o FILE.html and print "
            "it from a browser"
        )
    ledger = load(resolve_ledger(ledger_path))
    first_day = start.date() if start is not None else date.today()
    values = context(
        ledger,
        period,
        start=first_day,
        days=days,
        over=amount,
        objections=objections,
        site_url=site_url,
    )
    html = render_html(values)
    data = render_pdf(html) if suffix == ".pdf" else html.encode("utf-8")
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(output, data)
    click.echo(
        f"wrote {output}: 公示 {values['period_title']}, 公示期 {values['start']} – {values['end']}"
    )
    if not values["site_url"]:
        click.echo(
            'note: no QR code: give --site-url or add `custom "tf-site" "https://…/"` to the ledger',
            err=True,
        )


__all__ = ["context", "notice", "render_html", "render_pdf", "weasyprint_available"]
