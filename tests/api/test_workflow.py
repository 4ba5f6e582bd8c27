"""Targets files, model files and screening: the pieces between structures and a screened table."""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

pytest.importorskip("dscribe")
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import fastreg  # noqa: E402
from fastreg.datasets import load_alloys  # noqa: E402
from fastreg.descriptors import PooledDescriptor  # noqa: E402
from fastreg.io.models import load, save  # noqa: E402

TARGET = "formation_energy_per_atom"


@pytest.fixture(scope="module")
def alloys():
    return load_alloys()[:90]


@pytest.fixture(scope="module")
def model(alloys):
    train = alloys[:70]
    y = np.array([a.info[TARGET] for a in train])
    pipeline = make_pipeline(PooledDescriptor(n_max=3, l_max=2), StandardScaler(), fastreg.RidgeCV(alphas=np.logspace(-3, 3, 7)))
    pipeline.fit(train, y)
    features = pipeline[:-1].transform(train)
    domain = fastreg.ApplicabilityDomain(alpha=pipeline[-1].alpha_, threshold="loo").fit(features)
    return fastreg.ScreeningModel(pipeline, domain=domain, target=TARGET, unit="eV/atom", report={"r2": 0.9})


def test_screen_equals_the_in_memory_pipeline_for_any_chunking(model, alloys):
    candidates = alloys[70:]
    want = model.pipeline.predict(candidates)
    features = model.pipeline[:-1].transform(candidates)
    lower, upper = model.pipeline[-1].predict_interval(features, coverage=0.8)
    for chunk_size in (1, 7, 1000):
        chunks = list(fastreg.screen(model, iter(candidates), chunk_size=chunk_size, coverage=0.8))
        assert len(chunks) == -(-len(candidates) // chunk_size)
        table = {name: np.concatenate([c[name] for c in chunks]) for name in chunks[0]}
        assert list(table) == ["id", "prediction", "lower", "upper", "leverage", "in_domain"]
        # BLAS may round a 1-row product differently from a 20-row one: equal to the last few ulps
        np.testing.assert_allclose(table["prediction"], want, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(table["lower"], lower, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(table["upper"], upper, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(table["leverage"], model.domain.score(features), rtol=1e-10)
        np.testing.assert_array_equal(table["in_domain"], model.domain.check(features))
        assert table["id"].tolist() == [str(a.info["id"]) for a in candidates]
    plain = next(fastreg.screen(model.pipeline, candidates, interval=None))  # a bare pipeline: no domain
    assert list(plain) == ["id", "prediction"]


def test_screen_bad_arguments(model, alloys):
    with pytest.raises(ValueError, match="chunk_size"):
        fastreg.screen(model, alloys, chunk_size=0)
    with pytest.raises(ValueError, match="interval must be"):
        fastreg.screen(model, alloys, interval="bootstrap")
    with pytest.raises(ValueError, match="first step is a fitted PooledDescriptor"):
        fastreg.screen(fastreg.Ridge(), alloys)


def test_saved_model_predicts_bit_for_bit_in_a_fresh_process(model, alloys, tmp_path):
    path = save(model, tmp_path / "model")
    assert path.suffix == ".skops" and not list(tmp_path.glob(".*part"))
    structures = tmp_path / "candidates.extxyz"
    from ase.io import write

    write(structures, alloys[70:])
    script = textwrap.dedent(f"""
        import numpy as np, fastreg
        from fastreg.io import read_structures
        model = fastreg.load({str(path)!r})
        np.save({str(tmp_path / "fresh.npy")!r}, model.predict(list(read_structures({str(structures)!r}))))
        print(model.target, model.unit, type(model.domain).__name__, model.report["r2"])
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == [TARGET, "eV/atom", "ApplicabilityDomain", "0.9"]
    from fastreg.io import read_structures

    in_memory = model.predict(list(read_structures(structures)))
    np.testing.assert_array_equal(np.load(tmp_path / "fresh.npy"), in_memory)
    with pytest.raises(ValueError, match="exists; pass --force"):
        save(model, path)
    save(model, path, force=True)


class Foreign:
    """A type fastreg does not define: a model file holding it must not load."""

    def __init__(self):
        self.payload = 1


def test_a_model_file_with_a_foreign_type_is_refused(tmp_path):
    import skops.io as sio

    path = tmp_path / "evil.skops"
    path.write_bytes(sio.dumps({"format": "fastreg-model", "format_version": 1, "versions": {}, "model": Foreign()}))
    with pytest.raises(ValueError, match=r"refusing to load types that fastreg does not define: .*Foreign"):
        load(path)
    other = tmp_path / "other.skops"
    other.write_bytes(sio.dumps({"just": "data"}))
    with pytest.raises(ValueError, match="not a fastreg model file"):
        load(other)
    (tmp_path / "junk.skops").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="cannot read a model from"):
        load(tmp_path / "junk.skops")


def test_loading_under_other_library_versions_warns(model, tmp_path, monkeypatch):
    import fastreg.io.models as models

    real = models.library_versions()
    monkeypatch.setattr(models, "library_versions", lambda: {**real, "scikit-learn": "0.1", "dscribe": "0.0"})
    path = save(model, tmp_path / "old.skops")
    monkeypatch.setattr(models, "library_versions", lambda: real)
    with pytest.warns(UserWarning, match=r"other library versions \(scikit-learn 0\.1 → .*dscribe 0\.0 →"):
        load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(save(model, tmp_path / "same.skops"))


def test_feature_and_model_files_that_are_not_ours_are_named(tmp_path, model):
    import skops.io as sio

    from fastreg.io.features import read_feature_file, save_features

    np.save(tmp_path / "one.npy", np.ones(3))
    (tmp_path / "one.npz").write_bytes((tmp_path / "one.npy").read_bytes())
    with pytest.raises(ValueError, match="holds one array, not an .npz archive"):
        read_feature_file(tmp_path / "one.npz")
    np.savez(tmp_path / "other.npz", a=np.ones(2))
    with pytest.raises(ValueError, match="lacks X, feature_names"):
        read_feature_file(tmp_path / "other.npz")
    zarr = pytest.importorskip("zarr")
    zarr.open_group(str(tmp_path / "foreign.zarr"), mode="w").attrs["format"] = "something else"
    with pytest.raises(ValueError, match="is not a fastreg feature file"):
        read_feature_file(tmp_path / "foreign.zarr")
    (tmp_path / "empty.zarr").mkdir()
    with pytest.raises(ValueError, match="cannot read features from"):
        read_feature_file(tmp_path / "empty.zarr")
    save_features(tmp_path / "f.npz", np.ones((2, 2)), ["a", "b"], ["s0", "s1"], {"e": np.ones(2)})
    with pytest.raises(ValueError, match="has no target 'gap'; available: e"):
        read_feature_file(tmp_path / "f.npz").target("gap")
    newer = tmp_path / "newer.skops"
    newer.write_bytes(sio.dumps({"format": "fastreg-model", "format_version": 99, "versions": {}, "model": 1}))
    with pytest.raises(ValueError, match="written by a newer fastreg"):
        load(newer)
    assert model.feature_names == list(model.pipeline[0].get_feature_names_out())
    assert "formation_energy_per_atom [eV/atom]: RidgeCV" in repr(model)
    with pytest.raises(ValueError, match="first step is a fitted PooledDescriptor"):
        fastreg.ScreeningModel(model.pipeline[1:])


def test_screening_model_methods_and_progress(model, alloys, capsys):
    candidates = alloys[70:80]
    np.testing.assert_array_equal(model.predict(candidates), model.pipeline.predict(candidates))
    tables = list(model.screen(candidates, chunk_size=4, progress=True, n_jobs=1))
    assert [len(t["id"]) for t in tables] == [4, 4, 2]
    assert "screen" in capsys.readouterr().err  # the tqdm bar is on stderr
    assert model.pipeline[0].n_jobs == 1  # n_jobs for one screening does not change the model
