"""The trust rules (DESIGN.md §2, §5 layer 3): one Beancount plugin module per rule.

``plugin "trustfund.xinyi"`` runs them all over one shared index; each is also a plugin of its
own (``plugin "trustfund.rules.approval"``). They import only :mod:`ledger`.
"""
