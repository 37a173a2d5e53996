"""Ledgers for the web tests: a small hand-written one and the demo community."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "xinyi" / "main.beancount"

#: Private data the publication must never show.
SMALL_SECRETS = (
    "张三丰",
    "欧阳小明",
    "李四海",
    "13812345678",
    "510104199001011234",
    "zhang@example.com",
    "成都市武侯区某街1号",
)

SMALL = """\
option "title" "测试小区"
option "operating_currency" "CNY"

2025-01-01 custom "fava-extension" "trustfund.web.extension"
2025-01-01 custom "fava-option" "import-config" "importers.py"
2025-01-01 open Assets:Bank:Trust CNY
2025-01-01 open Assets:Bank:Maintenance CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Income:Maintenance:Deposits CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Expenses:Maintenance:Elevator CNY
2025-01-01 open Equity:Owners:Common
2025-01-01 custom "tf-unit" "1-1-101" 90.00 "O-0001"
2025-01-01 custom "tf-owner" "O-0001" "张三丰"
  phone: "13812345678"
  id-number: "510104199001011234"
  address: "成都市武侯区某街1号"
2025-01-01 custom "tf-unit" "1-1-102" 110.00 "O-0002"
2025-01-01 custom "tf-owner" "O-0002" "欧阳小明"
  email: "zhang@example.com"
2025-01-01 custom "budget" Expenses:Service:Cleaning "monthly" 1000.00 CNY
2025-01-01 custom "tf-resolution" "R-2025-01" "use-maintenance-fund" "1号楼电梯维修" "1"
2025-01-10 custom "tf-vote" "R-2025-01" "1-1-101" "yes"
2025-01-11 custom "tf-vote" "R-2025-01" "1-1-102" "yes"
2025-01-20 custom "tf-close" "R-2025-01"
2025-01-02 custom "tf-approval" "AP-1" "committee" "李四海" 2000.00 CNY
2025-01-02 custom "tf-approval" "AP-1" "manager" "王五" 2000.00 CNY
2025-01-02 document Assets:Bank:Trust "/tmp/private-statement.pdf"
2025-01-03 * "张三丰" "1-1-101 物业费 张三丰 电话13812345678"
  receipt: "docs/receipts/张三丰-身份证.pdf"
  id-number: "510104199001011234"
  Assets:Bank:Trust  198.00 CNY
  Income:Fees:Property
    unit: "1-1-101"
2025-01-04 * "欧阳小明" "1-1-102 维修资金"
  Assets:Bank:Maintenance  5000.00 CNY
  Income:Maintenance:Deposits
    unit: "1-1-102"
2025-01-05 * "成都洁美保洁有限公司" "保洁费"
  approval: "AP-1"
  Expenses:Service:Cleaning  900.00 CNY
  Assets:Bank:Trust
2025-02-01 * "成都迅达电梯有限公司" "1号楼电梯维修"
  resolution: "R-2025-01"
  approval: "AP-1"
  contract: "C-2025-01"
  price-audit: "SJ-2025-01"
  Expenses:Maintenance:Elevator  1000.00 CNY
  Assets:Bank:Maintenance
"""


def write_small(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "main.beancount"
    path.write_text(SMALL, encoding="utf-8")
    return path


def slug_of(client: object) -> str:
    response = client.get("/")  # type: ignore[attr-defined]
    assert response.status_code == 302, response.status_code
    return str(response.headers["Location"]).strip("/").split("/")[0]


def text_of(response: object) -> str:
    """A response as text a person would read: JSON decoded (no ``\\uXXXX`` escapes)."""
    import json

    if getattr(response, "is_json", False):
        return json.dumps(response.get_json(), ensure_ascii=False)  # type: ignore[attr-defined]
    return str(response.get_data(as_text=True))  # type: ignore[attr-defined]
