"""Core commands: ``trustfund init``, ``trustfund check`` and ``trustfund vote``."""

from __future__ import annotations

import collections
from pathlib import Path

import click

from ledger.errors import error_code
from ledger.loader import Ledger, format_error, load, resolve_ledger

LEDGER_ARG = click.argument(
    "ledger_path", metavar="[LEDGER]", required=False, default="main.beancount"
)


def load_ledger(path: str | Path) -> Ledger:
    return load(resolve_ledger(path))


# ---------------------------------------------------------------------------------------
# init

ACCOUNTS = """\
; Chart of accounts of a trust-model community (DESIGN.md §3). Roots stay English
; (Beancount requires it); leaves may carry Chinese after an ASCII first letter.
; Extend below these roots; do not rename them: the trust rules recognise them.

{d} open Assets:Bank:Trust                 CNY  ; 共管账户: owners' common-fund account, dual key
{d} open Assets:Bank:Maintenance           CNY  ; 专项维修资金专户
{d} open Assets:Clearing:Manager           CNY  ; collected by the manager, not yet remitted
{d} open Assets:Receivable:Fees            CNY  ; fees billed, not yet paid (postings carry unit:)
{d} open Liabilities:Prepaid:Fees          CNY  ; 预收: fees paid in advance
{d} open Liabilities:Deposits              CNY  ; 押金 from tenants and advertisers
{d} open Liabilities:Payable:Manager       CNY  ; remuneration and reimbursements owed
{d} open Income:Fees:Property              CNY  ; 物业费
{d} open Income:Fees:Parking               CNY  ; owners' parking fees
{d} open Income:Public:Parking             CNY  ; 公共收益: parking on common parts
{d} open Income:Public:Advertising         CNY  ; 公共收益: advertising
{d} open Income:Public:Leasing             CNY  ; 公共收益: leasing of common parts
{d} open Income:Interest                   CNY
{d} open Income:Maintenance:Deposits       CNY  ; owners' deposits into the maintenance fund
{d} open Income:Maintenance:Interest       CNY  ; interest stays in the maintenance fund
{d} open Income:Suspense                   CNY  ; imported rows no rule classified
{d} open Expenses:Service:Cleaning         CNY
{d} open Expenses:Service:Security         CNY
{d} open Expenses:Service:Greenery         CNY
{d} open Expenses:Service:Elevator         CNY
{d} open Expenses:Manager:Remuneration     CNY  ; 酬金 = rate × fees actually collected
{d} open Expenses:Admin:BankFees           CNY  ; debited by the bank (tf-auto-debit)
{d} open Expenses:Maintenance:Repairs      CNY  ; maintenance-fund projects
{d} open Expenses:Suspense                 CNY  ; imported rows no rule classified
{d} open Equity:Owners:Common              CNY
{d} open Equity:Owners:Maintenance         CNY
"""

TERMS = """\
; Contract terms (合同条款). Each line takes effect on its date; a later line supersedes it.

{d} custom "tf-remuneration" 0.10 "fees"             ; rate × fees actually collected ("fees+public" to include public income)
{d} custom "tf-threshold" 100000.00 CNY 10            ; payments ≥ this need a resolution and a notice 10 days before
{d} custom "tf-remit-days" 7                          ; the manager remits what it collects within 7 days
{d} custom "tf-auto-debit" Expenses:Admin:BankFees    ; bank charges debited without approval
{d} custom "tf-hazard" "elevator-fault"               ; emergencies allowed to skip the vote
{d} custom "tf-hazard" "roof-leak"
{d} custom "tf-hazard" "fire-safety"
{d} custom "tf-hazard" "water-supply"
; Art. 278 rules are built in; override one matter like this:
; {d} custom "tf-vote-rule" "use-maintenance-fund" ">=2/3" ">1/2"
; Public-income contracts:
; {d} custom "tf-contract" "C-0001" Income:Public:Advertising "电梯广告公司" 2000.00 CNY "monthly" {end}
; Budgets, in Fava's own directive:
; {d} custom "budget" Expenses:Service:Cleaning "monthly" 20000.00 CNY
"""

REGISTER = """\
; Unit register (房屋登记). One line per unit: room, area in m², owner id; one per owner: id, name.
; Owner names are private: the public site masks them. A later-dated tf-unit line records a
; change of owner. Import a fee-system master file with `trustfund import hc.xlsx`.
;
; {d} custom "tf-owner" "O-0001" "张三"
; {d} custom "tf-unit" "1-1-101" 89.50 "O-0001"
"""

GOVERNANCE = """\
; Approvals, resolutions, votes, notices and emergencies (审批、决议、表决、公告、应急).
; Every payment cites `approval:`; an approval needs two roles (committee and manager):
; 2025-03-03 custom "tf-approval" "AP-2025-031" "committee" "李四" 1200.00 CNY
; 2025-03-04 custom "tf-approval" "AP-2025-031" "manager" "王五" 1200.00 CNY
; Maintenance-fund use cites a passed `resolution:` or an `emergency:`:
; 2025-02-01 custom "tf-resolution" "R-2025-01" "use-maintenance-fund" "3号楼电梯更换" "3"
; 2025-02-20 custom "tf-vote" "R-2025-01" "3-1-101" "yes"
; 2025-02-28 custom "tf-close" "R-2025-01"
; 2025-03-01 custom "tf-notice" "N-2025-004" "AP-2025-040"
; 2025-03-01 custom "tf-emergency" "E-2025-01" "elevator-fault" "街道办确认函 2025-03-01"
"""

IMPORT_RULES = """\
# Categorisation rules for `trustfund import` (format: the docstring of importers/rules.py;
# a full example: examples/xinyi/import-rules.toml). The first matching [[rule]] wins; a row
# no rule matches goes to Income:Suspense / Expenses:Suspense, which `trustfund check`
# reports as TF106 until you add a rule or re-file the posting.

[accounts]
# "bank account number as the statement prints it" = "ledger account"
# "4402 2300 0910 0012 345" = "Assets:Bank:Trust"
default = "Assets:Bank:Trust"          # a bank statement that names no account number
fee = "Expenses:Admin:BankFees"

[units]
# a room number (building-entrance-room) in the memo of money coming in: fees receivable
pattern = '(?<![\\d-])(\\d{1,3}-\\d{1,2}-\\d{2,5})(?![\\d-])'
account = "Assets:Receivable:Fees"
known-only = true                       # only rooms in the unit register

[[extract]]
key = "approval"                         # copy approval ids out of the memo
pattern = '(AP-\\d{4}-\\w+)'

[[rule]]
memo = "结息|利息"
direction = "in"
statement-account = "Assets:Bank:Maintenance"
account = "Income:Maintenance:Interest"  # the maintenance fund's interest stays in that fund

[[rule]]
memo = "结息|利息"
direction = "in"
account = "Income:Interest"

# [[rule]]
# counterparty = "洁美保洁"
# direction = "out"
# account = "Expenses:Service:Cleaning"
"""

GITIGNORE = """\
# Transient files of trustfund and Beancount (the ledger itself is tracked).
.trustfund.lock
.trustfund.lock.pid
.trustfund-journal.json
.trustfund-commit.json
.*.picklecache
.*.picklecache.*.tmp
*.rejected.csv
"""

MAIN = """\
; {title}: owners' funds under the trust model (信托制物业).
; Everything here belongs to the owners. `trustfund check` runs the trust rules below.
;   accounts.beancount   chart of accounts
;   terms.beancount      contract terms: remuneration, thresholds, remit days, hazards
;   register.beancount   units and owners
;   governance.beancount approvals, resolutions, votes, notices, emergencies
;   imports/             entries written by `trustfund import` (one file per account and month)

option "title" "{title}"
option "operating_currency" "CNY"
option "insert_pythonpath" "TRUE"
plugin "trustfund.xinyi"

{d} custom "fava-option" "language" "zh"
{d} custom "fava-extension" "trustfund.web.extension"

include "accounts.beancount"
include "terms.beancount"
include "register.beancount"
include "governance.beancount"
"""


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--title",
    default="信义小区业主共有资金账本",
    show_default=True,
    help="Ledger title (Fava shows it).",
)
@click.option("--start", default="2025-01-01", show_default=True, help="Date the accounts open.")
def init(directory: Path, title: str, start: str) -> None:
    """Start a new community ledger in DIRECTORY.

    Writes a chart of accounts, contract terms, an empty unit register and governance file,
    starter import rules, and main.beancount with the trust-rule plugin; refuses to overwrite
    an existing ledger.
    """
    from datetime import date

    try:
        start_date = date.fromisoformat(start)
    except ValueError as exc:
        raise click.BadParameter(
            f"{start!r} is not a date (YYYY-MM-DD)", param_hint="--start"
        ) from exc
    main_file = directory / "main.beancount"
    if main_file.exists():
        raise click.ClickException(f"{main_file} already exists: not overwriting a ledger")
    directory.mkdir(parents=True, exist_ok=True)
    d = start_date.isoformat()
    end = date(start_date.year + 1, 12, 31).isoformat()
    files = {
        "accounts.beancount": ACCOUNTS.format(d=d),
        "terms.beancount": TERMS.format(d=d, end=end),
        "register.beancount": REGISTER.format(d=d),
        "governance.beancount": GOVERNANCE,
        "import-rules.toml": IMPORT_RULES,
        ".gitignore": GITIGNORE,
        "main.beancount": MAIN.format(d=d, title=title.replace('"', "'")),
    }
    write_files(directory, files, f"trustfund init: new ledger {title}")
    click.echo(
        f"Created {main_file} ({len(files)} files). Next: trustfund import FILE --ledger {main_file}"
    )


def write_files(directory: Path, files: dict[str, str], message: str) -> None:
    """Write several files through the safe writer (all or nothing)."""
    from ledger.writer import LedgerWriter

    writer = LedgerWriter(directory)
    with writer.transaction(message) as ws:
        for name, text in files.items():
            ws.write(name, text)  # relative to the writer's root (directory), not to the cwd


# ---------------------------------------------------------------------------------------
# check


@click.command()
@LEDGER_ARG
@click.option("-q", "--quiet", is_flag=True, help="Print errors only, no summary.")
def check(ledger_path: str, quiet: bool) -> None:
    """Check LEDGER: Beancount's own checks and every trust rule.

    Prints each error as `file:line: message` (trust-rule messages start with their TFnnn
    code) and exits with status 1 if there is any error.
    """
    ledger = load_ledger(ledger_path)
    if ledger.errors:
        counts: collections.Counter[str] = collections.Counter()
        for error in ledger.errors:
            click.echo(format_error(error))
            counts[error_code(error) or "beancount"] += 1
        if not quiet:
            summary = ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items()))
            click.echo(f"{len(ledger.errors)} error(s) in {ledger.path}: {summary}", err=True)
        raise SystemExit(1)
    if not quiet:
        units = len(ledger.community.units)
        click.echo(
            f"OK: {ledger.path.name}: {len(ledger.entries)} entries, {units} units, "
            f"{len(ledger.files)} files, no errors"
        )


# ---------------------------------------------------------------------------------------
# vote


@click.command()
@click.argument("resolution")
@LEDGER_ARG
def vote(resolution: str, ledger_path: str) -> None:
    """Show the vote tally of RESOLUTION (Civil Code art 278): area and headcount."""
    from trustfund.rules.tally import tally

    ledger = load_ledger(ledger_path)
    if resolution not in ledger.community.resolutions:
        known = ", ".join(sorted(ledger.community.resolutions)) or "none"
        raise click.ClickException(f"unknown resolution {resolution!r} (known: {known})")
    click.echo(render_tally(tally(ledger.community, resolution)))


def _pct(value: object) -> str:
    from decimal import Decimal

    return f"{Decimal(str(value)) * 100:.2f}%"


def render_tally(t: object) -> str:
    """The tally as a terminal table (Chinese labels with English beside)."""
    r = t.resolution  # type: ignore[attr-defined]
    scope = ",".join(r.scope) + "号楼" if r.scope else "全体 all"
    lines = [
        f"{r.id}  {r.title}  [{r.matter}]",
        f"范围 scope: {scope}    表决截止 closed: {t.close_date or '未截止 not closed'}",  # type: ignore[attr-defined]
        f"规则 rule: 参与 participation {t.participation_rule}, 同意 approval {t.approval_rule}",  # type: ignore[attr-defined]
        "",
        f"{'':24}{'面积 area m²':>16}{'人数 owners':>14}",
        f"{'范围内 in scope':24}{t.scope_area:>16,}{t.scope_owners:>14}",  # type: ignore[attr-defined]
        f"{'参与 participating':24}{t.participating_area:>16,}{t.participating_owners:>14}",  # type: ignore[attr-defined]
        f"{'同意 yes':24}{t.yes_area:>16,}{t.yes_owners:>14}",  # type: ignore[attr-defined]
        f"{'反对 no':24}{t.no_area:>16,}{t.no_owners:>14}",  # type: ignore[attr-defined]
        f"{'弃权 abstain':24}{t.abstain_area:>16,}{t.abstain_owners:>14}",  # type: ignore[attr-defined]
        "",
        f"{'参与率 participation':24}{_pct(t.participation_area_ratio):>16}{_pct(t.participation_headcount_ratio):>14}",  # type: ignore[attr-defined]
        f"{'同意率 approval':24}{_pct(t.approval_area_ratio):>16}{_pct(t.approval_headcount_ratio):>14}",  # type: ignore[attr-defined]
        "",
    ]
    if t.passed:  # type: ignore[attr-defined]
        lines.append("结果 result: 通过 PASSED")
    else:
        lines.append("结果 result: 未通过 FAILED (" + ", ".join(t.failed_tests) + ")")  # type: ignore[attr-defined]
    if t.ignored_votes:  # type: ignore[attr-defined]
        lines.append(f"忽略 ignored votes (outside scope or after close): {len(t.ignored_votes)}")  # type: ignore[attr-defined]
    return "\n".join(lines)
