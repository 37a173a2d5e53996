"""Operations: what a treasurer runs (DESIGN.md §5, layer 5).

The click commands (``trustfund init/check/vote``, ``import``, ``report``, ``seal``/``verify``,
``close-year``, ``batch``, ``demo``), year close, the district batch and the demo generator.
They use every layer below (ledger, importers, rules, reports); nothing below imports them.
"""
