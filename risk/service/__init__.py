"""The one door through which ``api/`` and the ``risk`` CLI reach the store: one module per domain
(accounts, networks, queue, decisions, keys, runs, audit, explanations, reports, ...)."""
