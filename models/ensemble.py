"""Boosters trained on different draws of worlds, averaged into one LightGBM booster.

Which generated worlds a model was trained on moves its figures on a platform it never saw as
much as any feature does (issue 15: average precision 0.84-0.92 across draws of the same
recipe); the average of boosters trained on several draws ranks better than any one of them.
Serving, explanations and the registry all read one ``lightgbm.Booster``, so the members are
folded into one: every member's trees, each leaf scaled by 1/k. Its raw score is then the mean
of the members' log-odds, and LightGBM's own TreeSHAP (``pred_contrib``) on it is exactly the
mean of the members' contributions (SHAP values are linear in the model). LightGBM has no call
that averages models, so the model text is joined here: its format is stable and documented by
``Booster.model_to_string`` and read back by ``lightgbm.Booster(model_str=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from models.errors import ModelError

END_OF_TREES = "end of trees"
# lines of a tree whose numbers are outputs in log-odds: scaled with the tree
_SCALED = ("leaf_value=", "internal_value=")
_TREE_HEADER = re.compile(r"^Tree=\d+$", re.MULTILINE)


def _parts(model: str) -> tuple[str, list[str], str]:
    """A model text's header, its tree blocks and what follows the trees."""
    end = model.index(END_OF_TREES)
    body, tail = model[:end], model[end:]
    starts = [match.start() for match in _TREE_HEADER.finditer(body)]
    if not starts:
        raise ModelError("a booster to average holds no trees")
    header = body[: starts[0]]
    trees = [body[a:b].strip("\n") for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    return header, trees, tail


def _scaled_tree(tree: str, factor: float, index: int) -> str:
    """One tree block renumbered ``index`` with its outputs times ``factor``."""
    lines = []
    for line in tree.split("\n"):
        if line.startswith("Tree="):
            line = f"Tree={index}"
        else:
            for key in _SCALED:
                if line.startswith(key):
                    values = line[len(key) :].split()
                    line = key + " ".join(repr(float(v) * factor) for v in values)
        lines.append(line)
    return "\n".join(lines)


def _header_without_sizes(header: str) -> str:
    """The header with no ``tree_sizes`` line: the sizes are the first member's, and LightGBM
    reads trees one after another when the line is absent."""
    return "\n".join(line for line in header.split("\n") if not line.startswith("tree_sizes="))


def average_boosters(boosters: Sequence[Any]) -> Any:
    """One ``lightgbm.Booster`` whose raw score is the mean of ``boosters``' raw scores (one
    class, the same features in the same order)."""
    import lightgbm as lgb  # lazy: ~0.5 s to import, not needed to read this module

    if not boosters:
        raise ModelError("no booster to average")
    if len(boosters) == 1:
        return boosters[0]
    names = boosters[0].feature_name()
    if any(booster.feature_name() != names for booster in boosters[1:]):
        raise ModelError("boosters to average must share their features, in the same order")
    factor = 1.0 / len(boosters)
    header, _, tail = _parts(boosters[0].model_to_string())
    trees = [tree for booster in boosters for tree in _parts(booster.model_to_string())[1]]
    blocks = [_scaled_tree(tree, factor, index) for index, tree in enumerate(trees)]
    text = _header_without_sizes(header) + "\n".join(f"{b}\n\n" for b in blocks) + tail
    return lgb.Booster(model_str=text)
