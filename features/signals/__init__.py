"""Signal computations: one module per signal group, paired with ``features.specs.<group>``.

Each group module's ``<group>_signals`` builder computes exactly the columns whose specs its
``features.specs`` namesake declares (``features.build`` joins them into the feature table).
``tables`` is the point-in-time view of the snapshot that every group reads: it computes no
feature column, so it has no spec partner.
"""
