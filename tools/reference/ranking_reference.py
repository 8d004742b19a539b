"""Reference values for src/metrics/ranking.test.ts, computed once with scipy (Debian python3,
scipy 1.10.1): /usr/bin/python3 tools/reference/ranking_reference.py
The printed numbers are hard-coded in the test; this script is never run at test time."""
import json
import numpy as np
from scipy import stats

cases = {
    # scipy docstring examples (ties in both x and y)
    "doc": ([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]),
    # no ties
    "plain": ([0.3, 1.2, -0.5, 2.2, 0.9, 1.7, -1.1], [1.0, 0.2, -0.3, 2.5, 1.1, 0.4, -2.0]),
    # heavy ties in y only, and joint ties
    "ties": ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 3, 1, 2, 2, 5, 5, 5, 0, 3, 1]),
    "joint": ([1, 1, 2, 2, 3, 3, 3, 4, 0, 4], [2, 2, 1, 3, 3, 3, 0, 1, 1, 5]),
}
rng = np.random.default_rng(7)
x = rng.integers(0, 6, size=40).astype(float)
y = np.round(x + rng.normal(0, 2, size=40))
cases["random40"] = (x.tolist(), y.tolist())

out = {}
for name, (x, y) in cases.items():
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out[name] = {
        "x": x.tolist(),
        "y": y.tolist(),
        "rankTrue": stats.weightedtau(x, y).statistic,
        "rankNone": stats.weightedtau(x, y, rank=None).statistic,
        "rankNoneYX": stats.weightedtau(y, x, rank=None).statistic,
        "rankFalse": stats.weightedtau(x, y, rank=False).statistic,
        "multiplicative": stats.weightedtau(x, y, rank=None, additive=False).statistic,
        "unweighted": stats.weightedtau(x, y, weigher=lambda r: 1).statistic,
        "kendallB": stats.kendalltau(x, y).statistic,
        "spearman": stats.spearmanr(x, y).statistic,
    }
print(json.dumps(out, separators=(",", ":")))
