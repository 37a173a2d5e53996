"""``trustfund codes``: an access code per unit, for the unit's page on the owners' site.

    trustfund codes main.beancount -o ../codes-2025.csv --site-url https://xinyi.example.org/
    trustfund codes main.beancount -o ../codes-2025.csv --url https://fava.example.org
    trustfund codes main.beancount -o ../codes-rotated.csv --rotate 3-1-101

Each code is 10 characters of an unambiguous alphabet (no 0/O, 1/I/L: 49.5 bits, from
:func:`secrets.choice`). The ledger records only a salted slow hash of it
(``custom "tf-access" "3-1-101" "pbkdf2-sha256:ITER:SALT:HEX"`` in ``access.beancount``, written
through the locked writer :class:`ledger.writer.LedgerWriter`, committed when the folder is a
git repository). The plain codes are written once, to FILE (``unit,code`` CSV, mode 0600, never
over an existing file) and to a printable sheet beside it (FILE with ``.html``: one slip per unit
with the code and a QR code of the unit page's address), to be printed and handed out; keep FILE
out of the ledger folder, which is shared and versioned.

The QR code on each slip opens the unit's page: on the static site (``trustfund publish``) when
a site address is known (``--site-url``, else the ledger's ``custom "tf-site" "https://…/"``),
as ``SITE/unit.html#PAGE.CODE`` (the fragment never reaches the host; the slip also prints the
13-character page number for typing it in); otherwise on ``trustfund serve --public`` at
``--url``. Hashing is slow on purpose (PBKDF2, 600,000 iterations): the codes are hashed on all
cores.

Without ``--rotate`` codes are made for every unit of the register that has none yet;
``--rotate UNIT`` (repeatable) replaces those units' codes (the old ones stop working at the next
load of the site); ``--all`` replaces every code.
"""

from __future__ import annotations

import csv
import html
import io
import os
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import click

from reports.publication import access_digest, format_code, hash_code, new_code

ACCESS_FILE = "access.beancount"


def _write_new(path: Path, text: str) -> None:
    """Write ``path`` once, mode 0600, all or nothing; refuse an existing file."""
    from ledger.writer import atomic_write

    try:
        atomic_write(path, text, mode=0o600, exclusive=True)
    except FileExistsError:
        raise click.ClickException(
            f"{path} exists: the codes are written once; choose a new file name"
        ) from None


def unit_url(base: str, slug: str, room: str, code: str) -> str:
    """The address of a unit's page on the owners' site, with its code."""
    query = urlencode({"unit": room, "code": format_code(code)})
    return f"{base.rstrip('/')}/{quote(slug)}/extension/MyUnit/?{query}"


def sheet(title: str, rows: list[tuple[str, str, str]]) -> str:
    """A printable HTML page: one slip per unit (room, code, QR code of its page)."""
    import segno

    slips = []
    for room, code, url in rows:
        page = ""
        if "/unit.html#" in url:
            name = url.rsplit("#", 1)[1].split(".", 1)[0]
            page = (
                f'<p class="code">页面编号 Page: <b>{html.escape(name)}</b>'
                "（打开网站“我的房屋”，输入页面编号和访问码）</p>"
            )
        qr = segno.make(url, error="m").svg_inline(scale=3, dark="#000")
        slips.append(
            '<div class="slip">'
            f"<h2>{html.escape(title)} · 房号 {html.escape(room)}</h2>"
            f'<p class="code">访问码 Access code: <b>{html.escape(format_code(code))}</b></p>'
            f"{page}"
            f'<div class="qr">{qr}</div>'
            f'<p class="url">{html.escape(url)}</p>'
            "<p>扫码或打开网址，输入房号和访问码，查看本户账单、缴费、欠费、预缴、维修资金和表决记录。"
            "请妥善保管，遗失请向业委会申请更换。/ Scan or open the address to see this unit's "
            "bills, payments, arrears and votes. Keep this slip private.</p>"
            "</div>"
        )
    return (
        "<!doctype html><html lang=zh><meta charset=utf-8>"
        f"<title>{html.escape(title)} 访问码</title>"
        "<style>body{font-family:sans-serif;margin:0}"
        ".slip{box-sizing:border-box;width:50%;float:left;height:33vh;padding:1em;"
        "border:1px dashed #999;page-break-inside:avoid;font-size:12px}"
        ".slip h2{font-size:14px;margin:0 0 .3em}.code b{font-size:18px;letter-spacing:.1em}"
        ".qr svg{width:30mm;height:30mm}.url{word-break:break-all;color:#555}"
        "@media print{.slip{height:auto;min-height:90mm}}</style>" + "".join(slips) + "</html>"
    )


@click.command("codes")
@click.argument("ledger_path", metavar="[LEDGER]", required=False, default="main.beancount")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="CSV of unit,code to write once (mode 0600); the sheet goes beside it as .html. "
    "Default: access-codes-YYYY-MM-DD.csv in the current folder.",
)
@click.option("--rotate", "rotate", multiple=True, metavar="UNIT", help="Replace this unit's code.")
@click.option("--all", "all_units", is_flag=True, help="Replace the code of every unit.")
@click.option(
    "--url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Address of `trustfund serve --public`, for the QR codes when there is no static site.",
)
@click.option(
    "--site-url",
    default=None,
    metavar="URL",
    help="Address of the static site (`trustfund publish`); default: the ledger's tf-site.",
)
def codes(
    ledger_path: str,
    output: Path | None,
    rotate: tuple[str, ...],
    all_units: bool,
    url: str,
    site_url: str | None,
) -> None:
    """Make an access code per unit; record only its hash (tf-access); print the codes once."""
    from ledger.loader import resolve_ledger
    from ledger.writer import LedgerWriter

    main = resolve_ledger(ledger_path)
    root = main.parent
    output = output or Path(f"access-codes-{date.today().isoformat()}.csv")
    output = output if output.suffix.lower() == ".csv" else output.with_suffix(".csv")
    target = output.resolve()
    if root == target.parent or root in target.parents:
        raise click.ClickException(
            f"{output} is inside the ledger folder {root}: the plain codes must not be kept "
            "with the ledger; write them elsewhere (-o ../codes.csv)"
        )
    page = target.with_suffix(".html")
    for path in (target, page):
        if path.exists():
            raise click.ClickException(
                f"{path} exists: the codes are written once; choose a new file name"
            )
    writer = LedgerWriter(root)
    today = date.today()
    created: list[Path] = []
    try:
        ws, count = _issue(
            writer, main, rotate, all_units, url, site_url, target, page, today, created
        )
    except BaseException:
        for path in created:  # the ledger was not written: these codes would not work
            path.unlink(missing_ok=True)
        raise
    click.echo(f"{count} code(s): hashes in {root / ACCESS_FILE}")
    click.echo(f"plain codes (once, keep private): {target} and the printable sheet {page}")
    if ws.git_error:
        click.echo(f"note: written, but not committed: {ws.git_error}", err=True)


def _issue(
    writer: Any,
    main: Path,
    rotate: tuple[str, ...],
    all_units: bool,
    url: str,
    site_url: str | None,
    target: Path,
    page: Path,
    today: date,
    created: list[Path],
) -> tuple[Any, int]:
    from fava.util import slugify

    from ledger.loader import load

    with writer.transaction("trustfund codes") as ws:
        ledger = load(main)
        community = ledger.community
        units = sorted(community.units, key=lambda r: [(len(p), p) for p in r.split("-")])
        unknown = [room for room in rotate if room not in community.units]
        if unknown:
            raise click.ClickException(
                f"unknown unit(s) {', '.join(unknown)}: not in the unit register (tf-unit)"
            )
        if rotate:
            chosen = list(dict.fromkeys(rotate))
        elif all_units:
            chosen = units
        else:
            chosen = [room for room in units if access_digest(community, room) is None]
        if not chosen:
            raise click.ClickException(
                f"every one of the {len(units)} units has a code; use --rotate UNIT to replace "
                "one (or --all to replace every code)"
            )
        made = [(room, new_code()) for room in chosen]
        hashes = _hashes([code for _, code in made])
        lines = [f"; trustfund codes {today.isoformat()}: hashes of the units' access codes"]
        lines += [
            f'{today.isoformat()} custom "tf-access" "{room}" "{digest}"'
            for (room, _), digest in zip(made, hashes, strict=True)
        ]
        ws.append(ACCESS_FILE, "\n".join(lines) + "\n")
        ws.ensure_include(main, ACCESS_FILE)
        # the plain codes, once: written before the ledger so a failure loses no code
        buffer = io.StringIO()
        table = csv.writer(buffer, lineterminator="\n")
        table.writerow(["unit", "code"])
        table.writerows((room, format_code(code)) for room, code in made)
        title = str(ledger.options.get("title") or "")
        slug = slugify(title) or "ledger"
        from trustfund.ops.publish import site_url_of
        from trustfund.ops.unitpages import page_url, parse

        static = site_url_of(community, site_url)
        rows = []
        for (room, code), digest in zip(made, hashes, strict=True):
            secret = parse(digest)
            if static and secret is not None:
                rows.append((room, code, page_url(static, secret, code)))
            else:
                rows.append((room, code, unit_url(url, slug, room, code)))
        _write_new(target, buffer.getvalue())
        created.append(target)
        _write_new(page, sheet(title or "trustfund", rows))
        created.append(page)
    return ws, len(made)


def _hashes(codes: list[str]) -> list[str]:
    """The ``tf-access`` hash of each code, on every core (PBKDF2 releases the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    if len(codes) < 4:
        return [hash_code(code) for code in codes]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(hash_code, codes))
