"""Every importer ``trustfund import`` knows, in the order they are tried.

The first importer whose ``identify`` accepts a file takes it, so the most specific come first
(a WeChat bill before the generic bank statement, which accepts any table with a date and an
amount column).
"""

from __future__ import annotations

from importers.bank import BankStatementImporter
from importers.base import ImportContext, SourceImporter
from importers.feesystem import FeeMasterImporter, FeeSystemImporter
from importers.iso import Camt053Importer, Mt940Importer, OfxImporter
from importers.payapps import (
    AlipayImporter,
    AlipayMerchantImporter,
    WeChatImporter,
    WeChatMerchantImporter,
)
from importers.registers import (
    ApprovalRegisterImporter,
    EmergencyRegisterImporter,
    NoticeRegisterImporter,
    ResolutionRegisterImporter,
    UnitRegisterImporter,
    VoteRegisterImporter,
)

IMPORTER_CLASSES: tuple[type[SourceImporter], ...] = (
    WeChatImporter,
    AlipayImporter,
    WeChatMerchantImporter,
    AlipayMerchantImporter,
    Camt053Importer,
    OfxImporter,
    Mt940Importer,
    FeeSystemImporter,
    FeeMasterImporter,
    ApprovalRegisterImporter,
    ResolutionRegisterImporter,
    VoteRegisterImporter,
    NoticeRegisterImporter,
    EmergencyRegisterImporter,
    UnitRegisterImporter,
    BankStatementImporter,
)


def all_importers(context: ImportContext | None = None) -> list[SourceImporter]:
    """One instance of every importer, built with ``context``."""
    context = context or ImportContext()
    return [cls(context) for cls in IMPORTER_CLASSES]
