"""The shipped data, the bandgap job and the command line."""

import os
import subprocess
import sys
from pathlib import Path

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


def _benchmark_json(path, medians):
    """A pytest-benchmark JSON with one benchmark per (case, impl) → median."""
    import json

    runs = [{"extra_info": {"case": case, "impl": impl, "bytes": 8e6, "agreement": 1e-12},
             "stats": {"median": median}} for (case, impl), median in medians.items()]
    path.write_text(json.dumps({"benchmarks": runs, "datetime": "2026-12-06T00:00:00",
                                "machine_info": {"cpu": {"brand_raw": "test cpu", "count": 2},
                                                 "versions": {"fastreg": "0.1.0"}}}))
    return path


def test_bench_report_writes_the_table_and_the_picture(tmp_path):
    import importlib.util
    import json

    import matplotlib.image

    spec = importlib.util.spec_from_file_location("report", Path(__file__).parents[2] / "benchmarks" / "report.py")
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    new = _benchmark_json(tmp_path / "new.json", {("Ridge", "fastreg"): 0.01, ("Ridge", "scikit-learn"): 0.04,
                                                  ("Ridge", "glum"): 0.005, ("Lasso", "fastreg"): 0.02,
                                                  ("Lasso", "scikit-learn"): 0.02})
    old = _benchmark_json(tmp_path / "old.json", {("Ridge", "fastreg"): 0.02})
    (tmp_path / "skipped.json").write_text(json.dumps([["test_ridge[glum]", "glum is not installed"]]))
    assert report.main([str(new), "--out", str(tmp_path / "out"), "--compare", str(old),
                        "--skipped", str(tmp_path / "skipped.json")]) == 0
    text = (tmp_path / "out" / "results.md").read_text()
    assert "| Ridge | 10.00 ms | 4.00× | glum | 8.00× | 0.50× **peer faster** | 1e-12 |" in text  # summary row
    assert "| scikit-learn | 40.00 ms | 4.00× | 1.00× | 0.2 | – | 1e-12 | new |" in text  # 4× slower, 0.2 GB/s
    assert "| fastreg | 10.00 ms | – | 4.00× | 0.8 | – | 1e-12 | 2.00× |" in text  # twice as fast as before
    assert "| test_ridge[glum] | glum is not installed |" in text and "test cpu, 2 logical cores" in text
    assert matplotlib.image.imread(tmp_path / "out" / "speedups.png").shape[0] > 100


def test_bench_suite_refuses_before_running(tmp_path, capsys, monkeypatch):
    (tmp_path / "results.md").write_text("earlier results")
    assert main(["bench", "--quick", "--out", str(tmp_path)]) == 1
    assert "results.md exists; pass --force" in capsys.readouterr().err
    assert main(["bench", "--quick", "--out", str(tmp_path / "new"), "--compare", str(tmp_path / "none.json")]) == 1
    assert "--compare: no such benchmark JSON" in capsys.readouterr().err
    import fastreg.cli.bench as bench

    monkeypatch.setattr(bench, "find_suite", lambda: None)
    assert main(["bench", "--full", "--out", str(tmp_path / "new")]) == 1
    assert "no benchmarks/ folder was found" in capsys.readouterr().err
    assert (tmp_path / "results.md").read_text() == "earlier results" and not (tmp_path / "new").exists()
