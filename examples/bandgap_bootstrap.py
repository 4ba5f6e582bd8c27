"""95 % bootstrap intervals of the band-gap model's coefficients, refitted 10,000 times inside compiled code.

Run: python examples/bandgap_bootstrap.py  (the README quotes its output; tests/api/test_jit.py checks it)
"""

import numba, numpy as np
from fastreg import jit
from fastreg.datasets import load_bandgap

data = load_bandgap()
X = data.data[:, [data.feature_names.index("lattice_constant"), data.feature_names.index("delta_en")]]
y = data.target

@numba.njit(parallel=True)
def bootstrap(X, y, draws):
    n_draws = draws.shape[0]
    coefs = np.empty((n_draws, X.shape[1] + 1))
    infos = np.empty(n_draws, dtype=np.int64)
    for b in numba.prange(n_draws):
        coef, intercept, info = jit.fit_ridge(X[draws[b]], y[draws[b]], 0.0, True)
        coefs[b, 0] = intercept
        for j in range(coef.shape[0]):
            coefs[b, j + 1] = coef[j]
        infos[b] = info
    return coefs, infos

if __name__ == "__main__":
    draws = np.random.default_rng(0).integers(0, len(y), (10_000, len(y)))  # drawn outside: reproducible
    coefs, infos = bootstrap(X, y, draws)
    ok = infos == jit.INFO_OK  # a resample of too few distinct compounds is rank deficient: left out
    low, high = np.percentile(coefs[ok], [2.5, 97.5], axis=0)
    for name, lo, hi in zip(["θ₀ (eV)", "θ₁ (eV/Å)", "θ₂ (eV/Pauling)"], low, high):
        print(f"{name:<16} 95 % bootstrap interval [{lo:+.3f}, {hi:+.3f}]")
    print(f"{ok.sum()} of 10000 resamples full rank")
