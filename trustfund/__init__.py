"""trustfund: the trust-model (信托制物业) rules as Beancount plugins.

``plugin "trustfund.xinyi"`` in a ledger runs every rule; each rule is also a plugin of its own
(``trustfund.directives``, ``trustfund.funds``, ``trustfund.remuneration``,
``trustfund.approval``, ``trustfund.maintenance``, ``trustfund.seal``).
"""

__version__ = "0.1.0"
