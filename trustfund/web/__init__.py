"""The web views of a community ledger.

- :mod:`trustfund.web.extension`: the Fava extension (公示, 预算执行, 维修资金, 投票, 审计, 我的房屋),
  enabled in a ledger with ``custom "fava-extension" "trustfund.web.extension"``;
- :mod:`trustfund.web.public`: the redacted publication the owners' site serves;
- :mod:`trustfund.web.app`: ``create_app(ledger_path, public)`` and ``serve(...)``;
- :mod:`trustfund.web.command`: ``trustfund serve [LEDGER] [--public]``.
"""
