"""Case work: a network or branch judged as one scheme (``opening``), read and filtered
(``reading``), shared among moderators (``assignment``, with the SLA in ``sla``), decided with
an outcome per account and four eyes on severe actions (``decisions``), and appealed
(``appeals``). Every change is appended to the case's history and to the audit chain
(``history``). The service (``risk.service.cases``) is the door to all of it.
"""
