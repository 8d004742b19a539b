"""Reference values for src/probe/shared/probe.test.ts: sklearn's multinomial L2 logistic
regression (lbfgs, tight tolerance) on standardised closed-form data (same as dataset() in
transfer_reference.py). /usr/bin/python3 tools/reference/probe_reference.py
Printed numbers are hard-coded in the test."""
import json
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

n, d, c = 90, 20, 4
i = np.arange(n)[:, None]
j = np.arange(d)[None, :]
y = np.arange(n) % c
f = np.sin(0.37 * (i + 1) * (j + 1) + 0.11 * j) + 0.8 * (y[:, None] == (j % c))
x = StandardScaler().fit_transform(f)


def newton(x, y, C, iters=50):
    """Exact optimum by Newton's method (full Hessian, minimum-norm steps: the softmax leaves the
    sum of the biases free, and starting from 0 keeps it 0 as L-BFGS does)."""
    n, d = x.shape
    k = int(y.max()) + 1
    xa = np.hstack([x, np.ones((n, 1))])
    th = np.zeros((k, d + 1))
    onehot = np.eye(k)[y]
    reg = np.ones(d + 1); reg[-1] = 0
    for _ in range(iters):
        z = xa @ th.T
        p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
        g = (p - onehot).T @ xa / n + th * reg / (C * n)
        h = np.zeros((k * (d + 1), k * (d + 1)))
        for a in range(k):
            for b in range(k):
                w = p[:, a] * ((a == b) - p[:, b])
                h[a*(d+1):(a+1)*(d+1), b*(d+1):(b+1)*(d+1)] = (xa * w[:, None]).T @ xa / n
        h += np.diag(np.tile(reg, k)) / (C * n)
        step = np.linalg.lstsq(h, g.ravel(), rcond=None)[0]
        th -= step.reshape(k, d + 1)
    z = xa @ th.T
    lse = np.log(np.exp(z - z.max(1, keepdims=True)).sum(1)) + z.max(1)
    obj = np.mean(lse - z[np.arange(n), y]) + np.sum(th[:, :d] ** 2) / (2 * C * n)
    return th[:, :d], th[:, d], obj


out = {}
for C in (0.05, 2.0):
    m = LogisticRegression(C=C, solver="lbfgs", tol=1e-12, max_iter=100000).fit(x, y)
    p = m.predict_proba(x)
    z = x @ m.coef_.T + m.intercept_
    lse = np.log(np.exp(z - z.max(1, keepdims=True)).sum(1)) + z.max(1)
    obj = np.mean(lse - z[np.arange(n), y]) + np.sum(m.coef_ ** 2) / (2 * C * n)
    out[str(C)] = {"coef": m.coef_[:, :3].tolist(), "intercept": m.intercept_.tolist(),
                   "proba0": p[0].tolist(), "proba7": p[7].tolist(), "objective": obj,
                   "trainAccuracy": float(m.score(x, y))}
    w, b, nobj = newton(x, y, C)
    out[str(C)].update({"newtonCoef": w[:, :3].tolist(), "newtonIntercept": b.tolist(), "newtonObjective": nobj})
print(json.dumps(out, separators=(",", ":")))
