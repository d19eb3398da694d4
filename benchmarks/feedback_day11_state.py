"""Where the stack's day-11 ranking loses: the ``stack`` loop of ``bench_feedback`` replayed for
ten days (no wrong decisions), then, on the accounts not yet decided: AP of the stack, of the
champion alone and of the platform model alone (with the stack's weights), and the rank of the
scheme and legitimate accounts by whether their network has a confirmed decision.

    uv run --frozen python benchmarks/feedback_day11_state.py 0.3 20000
"""

from __future__ import annotations

import sys
from dataclasses import replace

import bench_feedback as bf
import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from risk.service.exploration import ExplorationPlan


def main() -> None:
    share, accounts = float(sys.argv[1]), int(sys.argv[2])
    champion = bf.train_champion(20000, 7)
    table = bf.world_table(accounts, 11, share)
    plan = ExplorationPlan(capacity=100, share=0.05, seed=7)
    columns = ["account_id", "label", "inclusion_probability", "day"]
    loop = bf.Loop(champion, pd.DataFrame(columns=columns))
    for day in range(1, 11):
        queue = bf.queue_of(loop, table, set(loop.decided["account_id"]), plan, day)
        truth = table.loc[queue["account_id"], "label"].to_numpy()
        decided = pd.concat([loop.decided, queue.assign(label=truth, day=day)], ignore_index=True)
        loop = bf.learn(replace(loop, decided=decided), table, "stack", (0.5, 0.8, 0.95), 7 + day)
    rest = table[~table.index.isin(set(loop.decided["account_id"]))]
    scores = pd.Series(bf.loop_scores(loop, table, rest), index=rest.index)
    y = rest["label"]
    print(f"AP {average_precision_score(y, scores):.4f}: {int(y.sum())} schemes of {len(y)}")
    labels = loop.decided.set_index("account_id")["label"]
    networks = table.loc[labels.index, "network_id"]
    confirmed, touched = set(networks[labels == 1]), set(networks)
    state = np.where(
        rest["network_id"].isin(confirmed),
        "confirmed-net",
        np.where(rest["network_id"].isin(touched), "touched-net", "untouched"),
    )
    ranks = pd.DataFrame({"rank": scores.rank(ascending=False), "y": y, "net_state": state})
    print(ranks.groupby(["net_state", "y"])["rank"].describe()[["count", "25%", "50%", "75%"]])
    first = scores + (ranks["net_state"] == "confirmed-net") * 10
    print(f"AP with confirmed networks first {average_precision_score(y, first):.4f}")
    base = replace(loop.scorer, stack=None)
    print(f"AP champion alone {average_precision_score(y, base.predict_proba(rest)):.4f}")
    stack = loop.scorer.stack
    if stack is not None:
        platform = stack.booster.predict(base.matrix(rest))
        print(
            f"AP platform alone {average_precision_score(y, platform):.4f};"
            f" weights {stack.champion_weight:.3f} {stack.platform_weight:.3f}"
        )


if __name__ == "__main__":
    main()
