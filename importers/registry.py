"""Every importer ``trustfund import`` knows, in the order they are tried.

The first importer whose ``identify`` accepts a file takes it, so the most specific come first
(a WeChat bill before the generic bank statement, which accepts any table with a date and an
amount column). Entries are ``"module:Class"`` strings: a module that does not exist yet is
skipped, so areas can land in any order.
"""

from __future__ import annotations

import importlib

from importers.base import ImportContext, SourceImporter

IMPORTER_CLASSES: tuple[str, ...] = (
    "importers.payapps:WeChatImporter",
    "importers.payapps:AlipayImporter",
    "importers.payapps:WeChatMerchantImporter",
    "importers.payapps:AlipayMerchantImporter",
    "importers.iso:Camt053Importer",
    "importers.iso:OfxImporter",
    "importers.iso:Mt940Importer",
    "importers.feesystem:FeeSystemImporter",
    "importers.feesystem:FeeMasterImporter",
    "importers.registers:ApprovalRegisterImporter",
    "importers.registers:ResolutionRegisterImporter",
    "importers.registers:VoteRegisterImporter",
    "importers.registers:NoticeRegisterImporter",
    "importers.registers:EmergencyRegisterImporter",
    "importers.registers:UnitRegisterImporter",
    "importers.bank:BankStatementImporter",
)


def importer_classes() -> list[type[SourceImporter]]:
    """The importer classes that exist (missing modules or classes are skipped)."""
    classes: list[type[SourceImporter]] = []
    for spec in IMPORTER_CLASSES:
        module_name, _, class_name = spec.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        cls = getattr(module, class_name, None)
        if isinstance(cls, type) and issubclass(cls, SourceImporter):
            classes.append(cls)
    return classes


def all_importers(context: ImportContext | None = None) -> list[SourceImporter]:
    """One instance of every importer, built with ``context``."""
    context = context or ImportContext()
    return [cls(context) for cls in importer_classes()]
