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
2025-01-01 custom "tf-access" "1-1-101" "pbkdf2-sha256:1000:00112233445566778899aabbccddeeff:57f99ee89b5d3e2628e51652e7d7e5aa2d4153038fe9a4c1e71dfda2950ae61a"
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


#: The access code of 1-1-101 in SMALL and HOSTILE (its hash is in the ledger).
CODE_101 = "ABCDE-FGHJK"
ACCESS_101 = "pbkdf2-sha256:1000:00112233445566778899aabbccddeeff:57f99ee89b5d3e2628e51652e7d7e5aa2d4153038fe9a4c1e71dfda2950ae61a"
CODE_102 = "MNPQR-STUVW"
ACCESS_102 = "pbkdf2-sha256:1000:ffeeddccbbaa99887766554433221100:9829f4dba7822b19631b67a138fde4e2687249979008d919fb7c6bd7a8095f1f"

#: A ledger with private data in every place the owners' side could show it (issue 12).
HOSTILE = """\
option "title" "攻防小区"
option "operating_currency" "CNY"

plugin "trustfund.xinyi"

2025-01-01 custom "fava-extension" "trustfund.web.extension"
2025-01-01 custom "fava-option" "import-config" "importers.py"
2025-01-01 custom "fava-option" "language" "zh"
2025-01-01 custom "fava-sidebar-link" "王建国的链接" "/secret"
2025-01-01 open Assets:Bank:Trust CNY
  name: "共管账户"
2025-01-01 open Assets:Bank:Maintenance CNY
2025-01-01 open Assets:Receivable:Fees CNY
2025-01-01 open Liabilities:Prepaid:Fees CNY
2025-01-01 open Liabilities:Deposits:D王建国 CNY
  note: "王建国 押金 联系电话 139 8765 4321"
2025-01-01 open Income:Fees:Property CNY
2025-01-01 open Income:Public:Leasing CNY
2025-01-01 open Income:Maintenance:Deposits CNY
2025-01-01 open Expenses:Service:Cleaning CNY
2025-01-01 open Expenses:Refunds CNY
2025-01-01 open Expenses:Maintenance:Elevator CNY
2025-01-01 open Equity:Owners:Common CNY
2025-01-01 custom "tf-member" "曹敏锦" "committee"
2025-01-01 custom "tf-member" "莫雪刚" "manager"
2025-01-01 custom "tf-party" "成都洁美保洁有限公司" "organisation"
2025-01-01 custom "tf-party" "John Smith" "person"
2025-01-01 custom "tf-unit" "1-1-101" 90.00 "O-0001"
2025-01-01 custom "tf-owner" "O-0001" "张三丰"
  qq: "2876543210"
  wx: "wxid_zhangsanfeng88"
  bank: "6222 0212 3456 7890 123"
  note: "成都市武侯区某街1号 3单元"
2025-01-01 custom "tf-unit" "1-1-102" 110.00 "O-0002"
2025-01-01 custom "tf-owner" "O-0002" "买买提·艾力"
2025-01-01 custom "tf-unit" "2-1-101" 80.00 "O-0003"
2025-01-01 custom "tf-owner" "O-0003" "Olivia Brown"
2025-01-01 custom "tf-access" "1-1-101" "{ACCESS_101}"
2025-01-01 custom "tf-access" "1-1-102" "{ACCESS_102}"
2025-01-01 custom "tf-contract" "C-2025-02" Income:Public:Leasing "邻里便利店" 500.00 CNY "monthly" 2025-12-31
2025-01-01 custom "budget" Expenses:Service:Cleaning "monthly" 1000.00 CNY
2025-01-01 custom "tf-resolution" "R-2025-01" "use-maintenance-fund" "1号楼电梯维修" "1"
2025-01-10 custom "tf-vote" "R-2025-01" "1-1-101" "yes"
2025-01-11 custom "tf-vote" "R-2025-01" "1-1-102" "no"
2025-01-20 custom "tf-close" "R-2025-01"
2025-01-02 custom "tf-approval" "AP-1" "committee" "曹敏锦" 5000.00 CNY
  note: "张三丰 推荐 电话13812345678"
2025-01-02 custom "tf-approval" "AP-1" "manager" "莫雪刚" 5000.00 CNY
2025-01-02 * "期初余额" "期初余额 结转"
  Assets:Bank:Trust  10000.00 CNY
  Equity:Owners:Common
2025-01-02 document Assets:Bank:Trust "docs/审价报告.pdf"
  public: TRUE
2025-01-02 document Assets:Bank:Trust "docs/passwd.pdf"
  public: TRUE
2025-01-02 document Assets:Bank:Trust "docs/张三丰-身份证.pdf"
2025-01-02 document Assets:Bank:Trust "{OUTSIDE}"
  public: TRUE
2025-01-02 note Liabilities:Deposits:D王建国 "王建国 来电 138-1234-5678"
2025-01-02 event "address" "张三丰 成都市武侯区某街1号"
2025-01-03 * "张三丰" "1-1-101 物业费 张三丰 电话138 1234 5678"
  receipt: "docs/receipts/张三丰-身份证.pdf"
  id-number: "510104 19900101 1234"
  wx: "wxid_zhangsanfeng88"
  Assets:Bank:Trust  198.00 CNY
  Income:Fees:Property
    unit: "1-1-101"
    payer: "张三丰"
2025-01-01 * "物业费" "2025-01 物业费 1-1-102"
  Assets:Receivable:Fees  300.00 CNY
    unit: "1-1-102"
  Income:Fees:Property  -300.00 CNY
2025-01-04 * "买买提·艾力" "1-1-102 物业费 租户刘德华代缴 身份证 51010419900101123X"
  Assets:Bank:Trust  200.00 CNY
  Assets:Receivable:Fees  -200.00 CNY
    unit: "1-1-102"
2025-01-05 * "买买提·艾力" "1-1-102 预缴物业费"
  Assets:Bank:Trust  120.00 CNY
  Liabilities:Prepaid:Fees  -120.00 CNY
    unit: "1-1-102"
2025-01-04 * "Olivia Brown" "2-1-101 维修资金 Olivia Brown"
  Assets:Bank:Maintenance  5000.00 CNY
  Income:Maintenance:Deposits
    unit: "2-1-101"
2025-01-05 * "王建国" "租户押金 卡号 6222-0212-3456-7890-123"
  Assets:Bank:Trust  1000.00 CNY
  Liabilities:Deposits:D王建国  -1000.00 CNY
2025-01-06 * "成都洁美保洁有限公司" "保洁费 联系人刘德华 138-1234-5678"
  approval: "AP-1"
  invoice: "INV-2025-001"
  contact: "刘德华"
  Expenses:Service:Cleaning  900.00 CNY
  Assets:Bank:Trust
2025-01-07 * "John Smith" "refund to John Smith +86 139 8765 4321"
  approval: "AP-1"
  Expenses:Refunds  50.00 CNY
  Assets:Bank:Trust
2025-01-08 * "邻里便利店" "2025-01 商铺租金"
  contract: "C-2025-02"
  Assets:Bank:Trust  500.00 CNY
  Income:Public:Leasing
2025-02-01 * "成都迅达电梯有限公司" "1号楼电梯维修 张三丰报修"
  resolution: "R-2025-01"
  approval: "AP-1"
  contract: "C-2025-01"
  price-audit: "docs/审价报告.pdf"
  public: TRUE
  Expenses:Maintenance:Elevator  1000.00 CNY
  Assets:Bank:Maintenance
"""

#: Strings of HOSTILE the owners' side must never show (the committee's Fava shows them).
HOSTILE_SECRETS = (
    "王建国",
    "张三丰",
    "买买提",
    "艾力",
    "Olivia",
    "John Smith",
    "刘德华",
    "2876543210",
    "wxid_zhangsanfeng88",
    "6222 0212 3456 7890 123",
    "6222-0212-3456-7890-123",
    "6222021234567890123",
    "成都市武侯区",
    "138 1234 5678",
    "138-1234-5678",
    "13812345678",
    "139 8765 4321",
    "510104 19900101 1234",
    "51010419900101123X",
    "pbkdf2-sha256",
    "57f99ee89b5d3e26",
    "root:x:0:0",
    "outside-secret",
    "身份证.pdf",
    "receipts/",
    "importers.py",
    "/secret",
    ".beancount",
)


def write_hostile(folder: Path) -> Path:
    """HOSTILE in ``folder`` with its documents: a public one, a public one that is a link
    to /etc/passwd, a private one, and a public one outside the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = folder / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "审价报告.pdf").write_bytes(b"%PDF-1.4 public price audit")
    (docs / "张三丰-身份证.pdf").write_bytes(b"%PDF-1.4 private id card")
    target = Path("/etc/passwd")
    link = docs / "passwd.pdf"
    if not link.exists():
        link.symlink_to(target)
    outside = folder.parent / "outside-secret.pdf"
    outside.write_bytes(b"%PDF-1.4 outside-secret")
    path = folder / "main.beancount"
    text = HOSTILE.replace("{ACCESS_101}", ACCESS_101).replace("{ACCESS_102}", ACCESS_102)
    path.write_text(text.replace("{OUTSIDE}", str(outside)), encoding="utf-8")
    return path


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
