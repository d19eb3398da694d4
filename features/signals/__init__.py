"""Signal computations: one module per signal group, all reading the ``tables`` view.

``tables`` is the point-in-time view of the snapshot that every group module reads;
``features.build`` joins the groups' columns into the feature table.
"""
