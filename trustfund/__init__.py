"""trustfund: the trust-model (信托制物业) rules as Beancount plugins.

``plugin "trustfund.xinyi"`` in a ledger runs every rule; each rule is also a plugin of its own
(``trustfund.rules.directives``, ``trustfund.rules.funds``, ``trustfund.rules.remuneration``,
``trustfund.rules.approval``, ``trustfund.rules.maintenance``, ``trustfund.rules.seal``).
"""

__version__ = "0.1.0"
