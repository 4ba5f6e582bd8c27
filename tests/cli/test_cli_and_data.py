"""The shipped data, the bandgap job and the command line."""

import os
import subprocess
import sys

import numpy as np
import pytest

import naive
from fastreg.cli import main
from fastreg.datasets import load_bandgap


def test_load_bandgap():
    data = load_bandgap()
    assert data.data.shape == (12, 3) and data.target.shape == (12,)
    assert data.feature_names == ["lattice_constant", "delta_en", "valence_electrons"]
    assert data.compounds[0] == "ZnO" and data.target[data.compounds.index("AlN")] == 4.20
    X, y = load_bandgap(return_X_y=True)
    np.testing.assert_array_equal(X, data.data)


def test_bandgap_job_prints_recomputed_normal_equation(capsys, tmp_path):
    plot = tmp_path / "parity.png"
    assert main(["bandgap", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    data = load_bandgap()
    X = data.data[:, :2]
    for rows in (slice(None), [data.compounds.index(c) for c in ("ZnO", "ZnS", "GaAs", "Si", "InP")]):
        coef, intercept = naive.lstsq_fit(X[rows], data.target[rows])
        for value in (intercept, *coef):
            assert f"{value:+.4f}" in out
    assert "sign ok" in out and "VIOLATED" not in out
    from sklearn.linear_model import LinearRegression as SkLinearRegression
    from sklearn.metrics import mean_absolute_error, r2_score
    from sklearn.model_selection import LeaveOneOut, cross_val_predict

    loo = cross_val_predict(SkLinearRegression(), X, data.target, cv=LeaveOneOut())
    assert f"leave-one-out: R² = {r2_score(data.target, loo):.3f}   MAE = {mean_absolute_error(data.target, loo):.3f} eV" in out
    Z = np.c_[np.ones(12), X]
    hat = np.diag(Z @ np.linalg.solve(Z.T @ Z, Z.T))
    assert f"{hat[data.compounds.index('ZnO')]:>10.3f}" in out.split("ZnO", 1)[1].splitlines()[0]
    assert "tutorial quotes" in out
    assert plot.stat().st_size > 10_000


@pytest.mark.parametrize("argv", [["--help"], ["bandgap", "--help"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert "bandgap" in capsys.readouterr().out


def test_python_dash_m_and_console_script_agree():
    one = subprocess.run([sys.executable, "-m", "fastreg", "bandgap"], capture_output=True, text=True, check=True)
    script = os.path.join(os.path.dirname(sys.executable), "fastreg")
    two = subprocess.run([script, "bandgap"], capture_output=True, text=True, check=True)
    assert one.stdout == two.stdout and "R²" in one.stdout


def test_import_is_light():
    code = "import sys, fastreg; print(sorted(m for m in ('numba', 'sklearn', 'matplotlib', 'scipy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_second_process_loads_kernels_from_cache():
    code = (
        "import numpy as np, fastreg\n"
        "from fastreg._kernels import cholesky as _cholesky, gram as _gram\n"
        "fastreg.Ridge().fit(np.random.rand(50, 3), np.random.rand(50))\n"
        "print(len(_gram.augmented_gram.stats.cache_misses), len(_gram.augmented_gram.stats.cache_hits),"
        " len(_cholesky.factor_scaled.stats.cache_misses))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # fills the cache
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    misses, hits, cholesky_misses = map(int, out.split())
    assert (misses, cholesky_misses) == (0, 0) and hits >= 1


def test_featurize_fit_round_trip(tmp_path, capsys):
    pytest.importorskip("dscribe")
    from ase.io import write

    from fastreg.datasets import load_alloys

    structures = tmp_path / "some.extxyz"
    write(structures, load_alloys()[:80], format="extxyz")
    features = tmp_path / "features.npz"
    assert main(["featurize", str(structures), "-o", str(features), "--stats", "mean,std", "--max-centers", "8"]) == 0
    data = np.load(features)
    assert data["X"].shape == (80, 2 * 1624) and list(data["ids"]) == [str(i) for i in range(80)]
    assert "formation_energy_per_atom" in data["target_names"]
    plot = tmp_path / "parity.png"
    assert main(["fit", str(features), "--target", "formation_energy_per_atom", "--model", "ridgecv", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "mean predictor (test)" in out and "largest coefficients" in out and plot.exists()
    assert main(["fit", str(features), "--target", "formation_energy_per_atom", "--model", "lasso", "--cv", "3"]) == 0
    assert "3-fold cross-validation" in capsys.readouterr().out


def test_cli_errors_name_the_problem(tmp_path, capsys):
    pytest.importorskip("dscribe")
    missing = tmp_path / "nothing.xyz"
    assert main(["featurize", str(missing), "-o", str(tmp_path / "x.npz")]) == 1  # input errors: 1
    assert f"{missing}: no such file or folder" in capsys.readouterr().err
    np.savez(tmp_path / "f.npz", X=np.ones((3, 2)), feature_names=np.array(["a", "b"]),
             target_names=np.array(["gap"]), target_gap=np.ones(3))
    assert main(["fit", str(tmp_path / "f.npz"), "--target", "energy"]) == 1
    assert "no target 'energy'; available: gap" in capsys.readouterr().err


def test_bench_runs_every_case(capsys):
    assert main(["bench", "--scale", "0.001", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    for case in ("OLS", "problems of 64x8", "Lasso one alpha", "pool mean+max"):
        assert case in out
    assert out.count("speed-up") >= 5
    with pytest.raises(SystemExit) as exit_info:  # argument errors: usage and 2, from argparse
        main(["bench", "--scale", "2"])
    assert exit_info.value.code == 2 and "--scale" in capsys.readouterr().err
