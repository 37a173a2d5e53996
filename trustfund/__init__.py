"""trustfund: the trust-model (信托制物业) rules as Beancount plugins.

``plugin "trustfund.xinyi"`` in a ledger runs every rule; each rule is also a plugin of its own
(``trustfund.rules.directives``, ``trustfund.rules.funds``, ``trustfund.rules.fees``,
``trustfund.rules.remuneration``, ``trustfund.rules.approval``, ``trustfund.rules.people``,
``trustfund.rules.invoices``, ``trustfund.rules.contracts``, ``trustfund.rules.maintenance``,
``trustfund.rules.seal``, ``trustfund.rules.suspense``).
"""

__version__ = "0.1.0"
