"""The one door through which ``api/`` and the ``risk`` CLI reach the store, one module per domain.

accounts, networks, queue, explanations: what moderators and regulators read (audited views);
decisions, keys, audit, runs, reports: what they record, manage and export; database and config:
opening the store and showing the settings; training and demo: the CLI's training glue and the
demo's building steps. Functions take keyword-only arguments and know nothing of HTTP.
"""
