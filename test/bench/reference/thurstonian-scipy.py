"""
The yardstick of issue #21: a plain scipy L-BFGS-B Thurstonian fit (mu and log sigma per outcome,
standard-normal priors on both, analytic gradient) of a pairs file, as a whole Python process.
No intervals, no coherence: what the issue timed at 1.07 s against utilscope's 3.7 s.
Usage: python3 thurstonian-scipy.py <outcomes.json> <pairs.jsonl>   (test/bench/fit-pairs.bench.ts)
"""
import json, sys
import numpy as np
from scipy.optimize import minimize
from scipy.special import log_ndtr
from scipy.stats import norm

outcomes = json.load(open(sys.argv[1]))['outcomes']
index = {o['id']: k for k, o in enumerate(outcomes)}
a, b, wa, wb = [], [], [], []
for line in open(sys.argv[2]):
    if line.strip():
        r = json.loads(line)
        a.append(index[r['a']]); b.append(index[r['b']]); wa.append(r['aWins']); wb.append(r['bWins'])
a = np.array(a); b = np.array(b); wa = np.array(wa, float); wb = np.array(wb, float)
n = len(outcomes)

def objective(theta):
    mu, ls = theta[:n], theta[n:]
    s2 = np.exp(2 * ls)
    scale = np.sqrt(s2[a] + s2[b])
    z = (mu[a] - mu[b]) / scale
    la, lb = log_ndtr(z), log_ndtr(-z)
    f = -(wa @ la + wb @ lb) + 0.5 * (mu @ mu) + 0.5 * (ls @ ls)
    pdf = norm.pdf(z)
    dz = -(wa * pdf / np.exp(la) - wb * pdf / np.exp(lb))
    g_mu = np.bincount(a, dz / scale, n) - np.bincount(b, dz / scale, n) + mu
    dscale = -dz * z / scale
    g_ls = np.bincount(a, dscale * s2[a] / scale, n) + np.bincount(b, dscale * s2[b] / scale, n) + ls
    return f, np.concatenate([g_mu, g_ls])

result = minimize(objective, np.zeros(2 * n), jac=True, method='L-BFGS-B')
mu = result.x[:n]
print(json.dumps({'converged': bool(result.success), 'iterations': int(result.nit), 'mean': ((mu - mu.mean()) / mu.std()).tolist()}))
