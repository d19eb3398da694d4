"""Benchmark: LightGBM's own predict against the model compiled to C by treelite + tl2cgen.

    uv venv /tmp/tl && uv pip install --python /tmp/tl/bin/python treelite tl2cgen \\
        lightgbm==4.7.0 numpy pyarrow
    /tmp/tl/bin/python benchmarks/bench_compiled_predict.py --booster BOOSTER.txt \\
        --values RUN.arrow [--threads 2]

Neither treelite nor tl2cgen is a dependency of the project (this measures whether adopting them
pays): run it from a separate environment, as above. ``--booster`` is a registered model's
``booster.txt`` (``bench_score.py`` leaves one under its work dir's ``mlartifacts``),
``--values`` a run's values file (``runs/<run_id>.arrow``), whose columns hold the model input.
Prints the compile time, wall and CPU seconds of raw-score prediction by both, twice, and the
largest difference between their raw scores (LightGBM is the reference).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pyarrow.ipc as ipc
import tl2cgen
import treelite


def timed(label: str, predict) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Run ``predict``; print its wall and CPU seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    result = np.asarray(predict(), dtype="float64").reshape(-1)
    print(
        f"{label}: {time.perf_counter() - started:.2f} s, {time.process_time() - cpu:.2f} CPU s",
        flush=True,
    )
    return result


def main() -> int:
    """Compile, predict with both, compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--booster", type=Path, required=True)
    parser.add_argument("--values", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    booster = lgb.Booster(model_file=str(args.booster))
    table = ipc.open_file(str(args.values)).read_all()
    rows = np.column_stack(
        [
            table.column(name).to_numpy(zero_copy_only=False).astype("float64")
            for name in booster.feature_name()
        ]
    )
    print(f"{booster.num_trees()} trees, {rows.shape[0]:,} rows x {rows.shape[1]} features")
    model = treelite.frontend.load_lightgbm_model(str(args.booster))
    library = Path(tempfile.mkdtemp(prefix="compiled_")) / "model.so"
    started = time.perf_counter()
    tl2cgen.export_lib(
        model,
        toolchain="gcc",
        libpath=str(library),
        params={"parallel_comp": 8, "quantize": 1},
        nthread=2,
    )
    print(f"compiled in {time.perf_counter() - started:.1f} s -> {library}")
    compiled = tl2cgen.Predictor(str(library), nthread=args.threads)
    for _ in range(2):
        reference = timed(
            "lightgbm", lambda: booster.predict(rows, raw_score=True, num_threads=args.threads)
        )
        ours = timed(
            "tl2cgen",
            lambda: compiled.predict(tl2cgen.DMatrix(rows, dtype="float64"), pred_margin=True),
        )
    difference = float(np.max(np.abs(reference - ours)))
    load = Path("/proc/loadavg").read_text().strip()
    print(f"largest raw-score difference {difference:.3g}; load {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
