"""The Spark engine of the feature pipeline: the same transforms, run per network on a cluster.

Import the submodules directly (``features.spark.session``, ``.networks``, ``.build``); nothing
here imports PySpark, so the package is importable without the ``spark`` extra.
"""
