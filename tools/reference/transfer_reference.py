"""Reference values for src/transfer/shared/scores.test.ts, computed once with numpy 1.24 /
scipy 1.10 / scikit-learn 1.2 (Debian): /usr/bin/python3 tools/reference/transfer_reference.py
Each score is written from its paper's reference code (thuml/LogME `_fit_fixed_point` and
`truncated_svd`, Transfer-Learning-Library's
model-selection code, sklearn LedoitWolf, GBC's diagonal variant), along a path independent of
the TypeScript one (LogME's exact-evidence variant in D-space with explicit inverses: "logmeExact").
The printed numbers are hard-coded in the test; nothing here runs at test time."""
import json
import numpy as np
from sklearn.covariance import LedoitWolf
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture


def dataset(n, d, c, z=5):
    # Same closed-form data as makeCase() in scores.test.ts.
    i = np.arange(n)[:, None]
    j = np.arange(d)[None, :]
    y = (np.arange(n) % c)
    f = np.sin(0.37 * (i + 1) * (j + 1) + 0.11 * j) + 0.8 * (y[:, None] == (j % c))
    k = np.arange(z)[None, :]
    logits = 2 * np.cos(0.5 * i + 1.3 * k) + 1.5 * (k == y[:, None])
    return f, y, logits


def logme_dspace(f, y, max_iter=11, tol=1e-3):
    """MacKay evidence maximisation written in D-space (ICML 2021 formulation)."""
    n, d = f.shape
    ev = []
    sig = np.clip(np.linalg.eigvalsh(f.T @ f), 0, None)
    for c in range(int(y.max()) + 1):
        t_ = (y == c).astype(np.float64)
        alpha, beta = 1.0, 1.0
        for _ in range(max_iter):
            t = alpha / beta
            a_mat = alpha * np.eye(d) + beta * f.T @ f
            m = beta * np.linalg.solve(a_mat, f.T @ t_)
            gamma = np.sum(beta * sig / (alpha + beta * sig))
            m2 = m @ m
            res2 = np.sum((t_ - f @ m) ** 2)
            alpha = gamma / (m2 + 1e-5)
            beta = (n - gamma) / (res2 + 1e-5)
            if abs(alpha / beta - t) / t <= tol:
                break
        logdet = np.sum(np.log(alpha + beta * sig))
        e = d / 2 * np.log(alpha) + n / 2 * np.log(beta) - 0.5 * logdet - beta / 2 * res2 - alpha / 2 * m2 - n / 2 * np.log(2 * np.pi)
        ev.append(e / n)
    return float(np.mean(ev))


def truncated_svd_thuml(x):
    """thuml/LogME truncated_svd: SVD through x^T x, singular values <= 1e-10 dropped."""
    u, s, vh = np.linalg.svd(x.transpose() @ x)
    s = np.sqrt(s)
    u_times_sigma = x @ vh.transpose()
    k = np.sum((s > 1e-10) * 1)
    s = s.reshape(-1, 1)
    s = s[:k]
    vh = vh[:k]
    u = u_times_sigma[:, :k] / s.reshape(1, -1)
    return u, s, vh


def logme_thuml_fixed_point(f, y):
    """thuml/LogME LogME._fit_fixed_point, the authors' maths step by step: N > D goes through
    truncated_svd, N <= D through np.linalg.svd(full_matrices=False); the log-determinant sums over
    those min(N, D) singular values only (the score every "LogME" figure of the project means)."""
    n, d = f.shape
    if n > d:
        u, s, vh = truncated_svd_thuml(f)
    else:
        u, s, vh = np.linalg.svd(f, full_matrices=False)
    s = s.reshape(-1, 1)
    sigma = s ** 2
    evidences = []
    for i in range(int(y.max() + 1)):
        y_ = (y == i).astype(np.float64).reshape(-1, 1)
        x = u.T @ y_
        x2 = x ** 2
        res_x2 = (y_ ** 2).sum() - x2.sum()
        alpha, beta = 1.0, 1.0
        for _ in range(11):
            t = alpha / beta
            gamma = (sigma / (sigma + t)).sum()
            m2 = (sigma * x2 / ((t + sigma) ** 2)).sum()
            res2 = (x2 / ((1 + sigma / t) ** 2)).sum() + res_x2
            alpha = gamma / (m2 + 1e-5)
            beta = (n - gamma) / (res2 + 1e-5)
            t_ = alpha / beta
            if abs(t_ - t) / t <= 1e-3:
                break
        evidence = d / 2.0 * np.log(alpha) + n / 2.0 * np.log(beta) - 0.5 * np.sum(np.log(alpha + beta * sigma)) \
            - beta / 2.0 * res2 - alpha / 2.0 * m2 - n / 2.0 * np.log(2 * np.pi)
        evidences.append(evidence / n)
    return float(np.mean(evidences))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def leep(prob, y):  # Transfer-Learning-Library tllib/ranking/leep.py
    n, cs = prob.shape
    ct = int(y.max() + 1)
    joint = np.zeros((ct, cs))
    for i in range(ct):
        joint[i] = np.sum(prob[y == i] / float(n), axis=0)
    p_t_s = (joint / joint.sum(axis=0, keepdims=True)).T
    pred = prob @ p_t_s
    return float(np.sum(np.log(pred[np.arange(n), y])) / n)


def nce(src, y):  # tllib/ranking/nce.py (without the +1e-20 guard, which only touches 0 log 0)
    n = len(src)
    joint = np.zeros((int(y.max() + 1), int(src.max() + 1)))
    for s, t in zip(src, y):
        joint[t, s] += 1.0 / n
    pz = joint.sum(axis=0)
    h = 0.0
    for t in range(joint.shape[0]):
        for s in range(joint.shape[1]):
            if joint[t, s] > 0:
                h -= joint[t, s] * np.log(joint[t, s] / pz[s])
    return float(-h)


def h_score(f, y):  # tllib/ranking/hscore.py
    covf = np.cov(f, rowvar=False)
    g = np.zeros_like(f)
    for i in range(int(y.max() + 1)):
        g[y == i] = np.mean(f[y == i, :], axis=0)
    covg = np.cov(g, rowvar=False)
    return float(np.trace(np.dot(np.linalg.pinv(covf, rcond=1e-15), covg)))


def h_score_shrinkage(f, y):  # Ibrahim et al. 2022 reference code
    f = f - np.mean(f, axis=0, keepdims=True)
    g = np.zeros_like(f)
    cov = LedoitWolf(assume_centered=False).fit(f)
    alpha = cov.shrinkage_
    for i in range(int(y.max() + 1)):
        g[y == i] = np.mean(f[y == i, :], axis=0)
    covg = np.cov(g, rowvar=False)
    return float(np.trace(np.dot(np.linalg.pinv(cov.covariance_, rcond=1e-15), (1 - alpha) * covg))), float(alpha)


def gbc(f, y, floor=1e-12):  # GBC diagonal variant (Pandy et al. 2022)
    cs = range(int(y.max() + 1))
    mu = {c: f[y == c].mean(axis=0) for c in cs}
    var = {c: f[y == c].var(axis=0) + floor for c in cs}
    total = 0.0
    for a in cs:
        for b in cs:
            if a == b:
                continue
            s = (var[a] + var[b]) / 2
            db = np.sum((mu[a] - mu[b]) ** 2 / s) / 8 + 0.5 * (np.sum(np.log(s)) - 0.5 * np.sum(np.log(var[a])) - 0.5 * np.sum(np.log(var[b])))
            total += np.exp(-db)
    return float(-total)


out = {}
for name, (n, d, c) in {"tall": (60, 8, 3), "wide": (12, 30, 3), "mid": (90, 20, 4)}.items():
    f, y, logits = dataset(n, d, c)
    prob = softmax(logits)
    hs, shrink = h_score_shrinkage(f, y)
    r = {
        "n": n, "d": d, "c": c,
        "logme": logme_thuml_fixed_point(f, y),
        "logmeExact": logme_dspace(f, y),
        "leep": leep(prob, y),
        "nce": nce(np.argmax(logits, axis=1), y),
        "hscore": h_score(f, y),
        "hscoreShrinkage": hs,
        "shrinkage": shrink,
        "gbc": gbc(f, y),
        "pca80Components": int(PCA(n_components=0.8, svd_solver="full").fit(f).n_components_),
        "eigvalsCov": np.linalg.eigvalsh(np.cov(f, rowvar=False))[::-1][:3].tolist(),
    }
    out[name] = r

# LogME where the two evidences part: few images, wide features (the fine stage's N of 30-200 and
# D of 1280), and a rank-deficient tall matrix (N > D, duplicated columns).
for name, (n, d, c) in {"wide128": (30, 128, 3), "wide1280": (40, 1280, 4)}.items():
    f, y, _ = dataset(n, d, c)
    out[name] = {"n": n, "d": d, "c": c, "logme": logme_thuml_fixed_point(f, y), "logmeExact": logme_dspace(f, y)}
f, y, _ = dataset(50, 6, 2)
f = np.concatenate([f, f[:, :2]], axis=1)
out["rankDeficient"] = {"n": 50, "d": 8, "c": 2, "logme": logme_thuml_fixed_point(f, y)}

# N-LEEP on well-separated blobs: EM reaches the same optimum from any sane start, so sklearn's
# diagonal GMM is a fair reference for ours (1 component per class, PCA keeping 80% variance).
rng = np.random.default_rng(0)
centres = np.array([[0, 0, 0, 0], [4, 0, 1, 0], [0, 4, 0, 1]], dtype=float)
yb = np.repeat(np.arange(3), 40)
fb = np.round(centres[yb] + rng.normal(0, 1.0, size=(120, 4)) * np.array([1.0, 0.8, 0.5, 0.3]), 6)
red = PCA(n_components=0.8, svd_solver="full").fit_transform(fb)
gm = GaussianMixture(3, covariance_type="diag", random_state=0, n_init=5, tol=1e-8, max_iter=1000).fit(red)
out["nleepBlobs"] = {"features": np.round(fb, 6).tolist(), "labels": yb.tolist(), "components": int(red.shape[1]),
                     "nleep": leep(gm.predict_proba(red), yb)}
print(json.dumps(out, separators=(",", ":")))
