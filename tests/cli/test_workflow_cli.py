"""The structures → features → model → screened table workflow, through the command line."""

import csv

import numpy as np
import pytest

pytest.importorskip("dscribe")
from ase.io import write  # noqa: E402

from fastreg.cli import main  # noqa: E402
from fastreg.datasets import load_alloys  # noqa: E402
from fastreg.io.features import read_feature_file  # noqa: E402

TARGET = "formation_energy_per_atom"
SMALL_SOAP = ["--n-max", "3", "--l-max", "2"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """40 training structures (CIF and POSCAR), 12 candidates, a targets CSV with a group column."""
    root = tmp_path_factory.mktemp("alloys")
    structures = load_alloys()[:52]
    for part in ("train", "candidates"):
        (root / part).mkdir()
    with open(root / "targets.csv", "w", newline="") as handle:
        table = csv.writer(handle)
        table.writerow(["id", "system", TARGET])
        for k, atoms in enumerate(structures):
            bare = atoms.copy()
            bare.info = {}
            name = f"s{k:03d}"
            if k >= 40:
                write(root / "candidates" / f"{name}.cif", bare)
            elif k % 2:
                write(root / "train" / f"{name}.vasp", bare, format="vasp")
            else:
                write(root / "train" / f"{name}.cif", bare)
            table.writerow([name, "-".join(sorted(set(atoms.get_chemical_symbols()))), atoms.info[TARGET]])
    return root


def read_table(path):
    with open(path, newline="") as handle:
        header = [line for line in handle if line.startswith("#")]
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    return header, rows


def test_featurize_fit_save_predict(folder, tmp_path, capsys):
    features, model, predictions = tmp_path / "f.npz", tmp_path / "m.skops", tmp_path / "p.csv"
    assert main(["featurize", str(folder / "train"), "-o", str(features), *SMALL_SOAP]) == 0
    data = read_feature_file(features)
    assert data.ids == [f"s{k:03d}" for k in range(40)] and data.descriptor["params"]["n_max"] == 3
    assert main(["fit", str(features), "--targets", str(folder / "targets.csv"), "--target", TARGET, "--unit", "eV/atom",
                 "--groups", "system", "--cv", "3", "--save", str(model)]) == 0
    captured = capsys.readouterr()
    assert "3-fold cross-validation grouped by" in captured.out and "eV/atom" in captured.out
    assert "12 rows of" in captured.err and "match no structure" in captured.err  # the candidates' labels
    assert main(["predict", str(model), str(folder / "candidates"), "-o", str(predictions), "--coverage", "0.8"]) == 0
    header, rows = read_table(predictions)
    assert "# target: formation_energy_per_atom\n" in header and "# unit: eV/atom\n" in header
    assert [r["id"] for r in rows] == [f"s{k:03d}" for k in range(40, 52)]
    assert list(rows[0]) == ["id", "prediction", "lower", "upper", "leverage", "in_domain"]
    assert all(float(r["lower"]) < float(r["prediction"]) < float(r["upper"]) for r in rows)
    assert {r["in_domain"] for r in rows} <= {"true", "false"}
    assert main(["predict", str(model), str(folder / "candidates"), "-o", str(predictions)]) == 1
    assert "exists; pass --force" in capsys.readouterr().err
    parquet = pytest.importorskip("pyarrow.parquet")
    assert main(["predict", str(model), str(folder / "candidates" / "*.cif"), "-o", str(tmp_path / "p.parquet"),
                 "--chunk-size", "5"]) == 0
    table = parquet.read_table(tmp_path / "p.parquet")
    assert table.schema.metadata[b"unit"] == b"eV/atom"
    np.testing.assert_allclose(table.column("prediction").to_numpy(), [float(r["prediction"]) for r in rows], rtol=1e-12)


def test_zarr_features_equal_npz(folder, tmp_path):
    pytest.importorskip("zarr")
    assert main(["featurize", str(folder / "train"), "-o", str(tmp_path / "f.npz"), *SMALL_SOAP]) == 0
    assert main(["featurize", str(folder / "train"), "-o", str(tmp_path / "f.zarr"), *SMALL_SOAP]) == 0
    npz, zarr = read_feature_file(tmp_path / "f.npz"), read_feature_file(tmp_path / "f.zarr")
    np.testing.assert_array_equal(np.asarray(zarr.X), npz.X)
    assert zarr.ids == npz.ids and zarr.feature_names == npz.feature_names and zarr.descriptor == npz.descriptor
    chunks = list(zarr.row_chunks(rows=np.array([3, 1, 30]), chunk_rows=2))
    np.testing.assert_array_equal(np.concatenate([block for _, block in chunks]), npz.X[[3, 1, 30]])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_workflow_errors_are_one_line_naming_the_problem(folder, tmp_path, capsys):
    features = tmp_path / "f.npz"
    assert main(["featurize", str(folder / "train"), "-o", str(features), "--species", "Cu,Ni", *SMALL_SOAP]) == 1
    assert "contains" in capsys.readouterr().err  # an element outside --species, named with its structure
    assert main(["featurize", str(folder / "train"), "-o", str(features), *SMALL_SOAP]) == 0
    capsys.readouterr()
    duplicate = tmp_path / "dup.csv"
    duplicate.write_text(f"id,{TARGET}\ns000,1\ns000,2\n")
    assert main(["fit", str(features), "--targets", str(duplicate), "--target", TARGET]) == 1
    assert "duplicate id 's000'" in capsys.readouterr().err
    assert main(["fit", str(features), "--target", TARGET, "--groups", "system"]) == 1
    assert "--groups names a column of the --targets file" in capsys.readouterr().err
    # the same file name in two folders: ids collide
    twins = tmp_path / "twins"
    for part in ("a", "b"):
        (twins / part).mkdir(parents=True)
        write(twins / part / "x.cif", load_alloys()[0])
    assert main(["featurize", str(twins), "-o", str(tmp_path / "t.npz"), *SMALL_SOAP]) == 1
    assert "duplicate structure id 'x'" in capsys.readouterr().err


def test_predict_names_an_unseen_element_and_skips_bad_files(folder, tmp_path, capsys):
    from ase.build import bulk

    model = tmp_path / "m.skops"
    assert main(["featurize", str(folder / "train"), "-o", str(tmp_path / "f.npz"), *SMALL_SOAP]) == 0
    assert main(["fit", str(tmp_path / "f.npz"), "--targets", str(folder / "targets.csv"), "--target", TARGET,
                 "--save", str(model)]) == 0
    strange = tmp_path / "strange"
    strange.mkdir()
    write(strange / "iron.cif", bulk("Fe", "bcc", a=2.87, cubic=True).repeat(2))
    capsys.readouterr()
    assert main(["predict", str(model), str(strange), "-o", str(tmp_path / "p.csv")]) == 1
    err = capsys.readouterr().err
    assert "structure 0 (iron) contains Fe, an element the descriptor does not know" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "p.csv").exists()
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    write(mixed / "good.cif", load_alloys()[1])
    (mixed / "bad.cif").write_text("data_x\n_cell_length_a oops\n")
    assert main(["predict", str(model), str(mixed), "-o", str(tmp_path / "q.csv")]) == 1
    assert "bad.cif" in capsys.readouterr().err
    assert main(["predict", str(model), str(mixed), "-o", str(tmp_path / "q.csv"), "--skip-bad"]) == 0
    assert "skipped" in capsys.readouterr().err and [r["id"] for r in read_table(tmp_path / "q.csv")[1]] == ["good"]


def test_demo_runs_the_workflow_on_the_shipped_folder(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "$ fastreg featurize" in out and "$ fastreg fit" in out and "$ fastreg predict" in out
    assert "grouped by 63 groups" in out and "screening of 200 held-out candidates" in out
    for name in ("features.npz", "model.skops", "parity.png", "predictions.csv"):
        assert (tmp_path / "demo" / name).exists()
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 1  # outputs exist: --force needed
    assert "exists; pass --force" in capsys.readouterr().err


def test_jackknife_plus_through_fit_and_predict(folder, tmp_path, capsys):
    features = tmp_path / "f.npz"
    assert main(["featurize", str(folder / "train"), "-o", str(features), *SMALL_SOAP]) == 0
    loo, jackknife = tmp_path / "loo.skops", tmp_path / "jk.skops"
    common = ["--targets", str(folder / "targets.csv"), "--target", TARGET]
    assert main(["fit", str(features), *common, "--save", str(loo)]) == 0
    assert main(["fit", str(features), *common, "--save", str(jackknife), "--intervals", "jackknife+"]) == 0
    capsys.readouterr()
    assert main(["predict", str(loo), str(folder / "candidates"), "-o", str(tmp_path / "a.csv"), "--interval", "jackknife+"]) == 1
    assert "save it with 'fastreg fit --intervals jackknife+'" in capsys.readouterr().err
    assert main(["predict", str(jackknife), str(folder / "candidates"), "-o", str(tmp_path / "b.csv"),
                 "--interval", "jackknife+"]) == 0
    rows = read_table(tmp_path / "b.csv")[1]
    widths = np.array([float(r["upper"]) - float(r["lower"]) for r in rows])
    assert np.all(widths > 0) and np.ptp(widths) > 0  # one width per candidate
    assert main(["predict", str(loo), str(folder / "candidates"), "-o", str(tmp_path / "c.csv")]) == 0
    plain = read_table(tmp_path / "c.csv")[1]  # the same fit; only the intervals differ
    np.testing.assert_allclose([float(r["prediction"]) for r in plain], [float(r["prediction"]) for r in rows], rtol=1e-12)
    assert np.ptp([float(r["upper"]) - float(r["lower"]) for r in plain]) < 1e-12


def test_a_zarr_file_is_fitted_chunk_by_chunk_to_the_same_model(folder, tmp_path, capsys, monkeypatch):
    pytest.importorskip("zarr")
    import fastreg.io.features as features_module

    monkeypatch.setattr(features_module, "ZARR_ROWS", 7)  # many chunks, uneven folds in each
    common = ["--targets", str(folder / "targets.csv"), "--target", TARGET, "--model", "ridge"]
    for suffix in ("npz", "zarr"):
        assert main(["featurize", str(folder / "train"), "-o", str(tmp_path / f"f.{suffix}"), *SMALL_SOAP]) == 0
        assert main(["fit", str(tmp_path / f"f.{suffix}"), *common, "--cv", "4", "--save", str(tmp_path / f"{suffix}.skops")]) == 0
        assert main(["predict", str(tmp_path / f"{suffix}.skops"), str(folder / "candidates"), "-o",
                     str(tmp_path / f"{suffix}.csv")]) == 0
    out = capsys.readouterr().out
    assert "read chunk by chunk from" in out and "4-fold cross-validation of ridge" in out
    in_memory, streamed = read_table(tmp_path / "npz.csv")[1], read_table(tmp_path / "zarr.csv")[1]
    np.testing.assert_allclose([float(r["prediction"]) for r in streamed], [float(r["prediction"]) for r in in_memory],
                               rtol=1e-9)
    assert "lower" not in streamed[0] and "leverage" in streamed[0]  # no LOO residuals from statistics alone
    assert main(["fit", str(tmp_path / "f.zarr"), *common, "--intervals", "jackknife+"]) == 1
    assert "jackknife+ needs every row in memory" in capsys.readouterr().err


def test_predict_on_a_local_dask_cluster_equals_predict_here(folder, tmp_path):
    pytest.importorskip("dask.distributed")
    model = tmp_path / "m.skops"
    assert main(["featurize", str(folder / "train"), "-o", str(tmp_path / "f.npz"), *SMALL_SOAP]) == 0
    assert main(["fit", str(tmp_path / "f.npz"), "--targets", str(folder / "targets.csv"), "--target", TARGET,
                 "--save", str(model)]) == 0
    assert main(["predict", str(model), str(folder / "candidates"), "-o", str(tmp_path / "here.csv")]) == 0
    assert main(["predict", str(model), str(folder / "candidates"), "-o", str(tmp_path / "cluster.csv"),
                 "--scheduler", "local"]) == 0
    here, cluster = read_table(tmp_path / "here.csv")[1], read_table(tmp_path / "cluster.csv")[1]
    assert [r["id"] for r in cluster] == [r["id"] for r in here]
    np.testing.assert_allclose([float(r["prediction"]) for r in cluster], [float(r["prediction"]) for r in here],
                               rtol=1e-12)
    assert main(["predict", str(model), str(folder / "candidates"), "-o", str(tmp_path / "x.csv"),
                 "--scheduler", "tcp://127.0.0.1:9"]) == 1


def test_featurize_on_a_local_dask_cluster_writes_the_same_file(folder, tmp_path):
    pytest.importorskip("dask.distributed")
    assert main(["featurize", str(folder / "train"), "-o", str(tmp_path / "here.npz"), *SMALL_SOAP]) == 0
    assert main(["featurize", str(folder / "train"), "-o", str(tmp_path / "cluster.zarr"), *SMALL_SOAP,
                 "--scheduler", "local"]) == 0
    here, cluster = read_feature_file(tmp_path / "here.npz"), read_feature_file(tmp_path / "cluster.zarr")
    assert cluster.ids == here.ids and cluster.descriptor["species"] == here.descriptor["species"]
    assert cluster.descriptor["n_features_out"] == here.descriptor["n_features_out"]
    np.testing.assert_array_equal(np.asarray(cluster.X), here.X)


def test_fit_on_a_local_dask_cluster_saves_the_same_model(folder, tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    assert main(["featurize", str(folder / "train"), "-o", str(tmp_path / "f.zarr"), *SMALL_SOAP]) == 0
    common = ["--targets", str(folder / "targets.csv"), "--target", TARGET, "--model", "ridge"]
    assert main(["fit", str(tmp_path / "f.zarr"), *common, "--save", str(tmp_path / "here.skops")]) == 0
    assert main(["fit", str(tmp_path / "f.zarr"), *common, "--save", str(tmp_path / "cluster.skops"),
                 "--scheduler", "local"]) == 0
    assert "on a Dask cluster" in capsys.readouterr().out
    for name in ("here", "cluster"):
        assert main(["predict", str(tmp_path / f"{name}.skops"), str(folder / "candidates"), "-o",
                     str(tmp_path / f"{name}.csv")]) == 0
    here, cluster = read_table(tmp_path / "here.csv")[1], read_table(tmp_path / "cluster.csv")[1]
    np.testing.assert_allclose([float(r["prediction"]) for r in cluster], [float(r["prediction"]) for r in here],
                               rtol=1e-9)
    np.testing.assert_allclose([float(r["leverage"]) for r in cluster], [float(r["leverage"]) for r in here],
                               rtol=1e-8)
    assert main(["fit", str(tmp_path / "f.zarr"), *common[:4], "--model", "ridgecv", "--scheduler", "local"]) == 0
    assert "cross-validated R² of the chosen alpha" in capsys.readouterr().out


def test_version_prints_the_package_version(capsys):
    import fastreg

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"fastreg {fastreg.__version__}"


@pytest.fixture(scope="module")
def small_features(tmp_path_factory, folder):
    path = tmp_path_factory.mktemp("features") / "f.npz"
    assert main(["featurize", str(folder / "train"), "-o", str(path), *SMALL_SOAP]) == 0
    return path


@pytest.mark.parametrize("model", ["ols", "ridge", "ridgecv", "lasso", "lassocv", "gd"])
def test_every_fit_model_reports_the_numbers_the_python_api_gives(folder, small_features, model, capsys):
    """The printed held-out MAE and R² are those of the same split fitted through the API."""
    import re

    from sklearn.model_selection import train_test_split

    from fastreg.cli.fit import make_model
    from fastreg.io.targets import join_targets, read_targets
    from fastreg.metrics import mean_absolute_error, r2_score

    capsys.readouterr()
    assert main(["fit", str(small_features), "--targets", str(folder / "targets.csv"), "--target", TARGET,
                 "--model", model, "--unit", "eV/atom"]) == 0
    line = [ln for ln in capsys.readouterr().out.splitlines() if f"{model} (test)" in ln][0]
    mae, r2 = float(re.search(r"MAE = ([-\d.]+)", line).group(1)), float(re.search(r"R² = ([-\d.]+)", line).group(1))
    features = read_feature_file(small_features)
    joined = join_targets(features.ids, read_targets(folder / "targets.csv", TARGET))
    X_train, X_test, y_train, y_test = train_test_split(features.X[joined.rows], joined.y, test_size=0.2, random_state=0)
    prediction = make_model(model).fit(X_train, y_train).predict(X_test)
    assert mae == pytest.approx(mean_absolute_error(y_test, prediction), abs=6e-5)  # printed to 4 decimals
    assert r2 == pytest.approx(r2_score(y_test, prediction), abs=6e-4)


def test_featurize_flags_give_what_the_featurizer_gives(folder, tmp_path):
    from fastreg.descriptors import PooledDescriptor
    from fastreg.io import read_structures

    argv = ["featurize", str(folder / "train"), "-o", str(tmp_path / "f.npz"), *SMALL_SOAP, "--stats", "mean,max",
            "--by-species", "--max-centers", "5", "--seed", "7", "--jobs", "2", "--progress"]
    assert main(argv) == 0
    written = read_feature_file(tmp_path / "f.npz")
    structures = list(read_structures(folder / "train"))
    direct = PooledDescriptor(n_max=3, l_max=2, stats=("mean", "max"), by_species=True, max_centers=5,
                              random_state=7).fit(structures)
    np.testing.assert_array_equal(written.X, direct.transform(structures))
    assert written.feature_names == list(direct.get_feature_names_out())
