"""Case work: a network or branch judged as one scheme (``opening``), read and filtered
(``reading``), shared among moderators (``assignment``, with the SLA in ``sla``), decided with
an outcome per account and four eyes on severe actions (``decisions``), appealed (``appeals``),
sampled for blind reviewer QA (``qa``), reported to the platform (``events`` into the
``webhooks`` outbox) and to regulators (``transparency``). Every change is appended to the
case's history and to the audit chain (``history``). The service (``risk.service.cases``) is
the door to all of it.
"""
