"""PooledDescriptor: columns fixed at fit, against dscribe directly, in scikit-learn's machinery."""

import pickle

import numpy as np
import pytest

pytest.importorskip("dscribe")
from ase import Atoms  # noqa: E402
from dscribe.descriptors import ACSF, SOAP, CoulombMatrix  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

import naive  # noqa: E402
from fastreg import RidgeCV  # noqa: E402
from fastreg.datasets import load_alloys  # noqa: E402
from fastreg.descriptors import PooledDescriptor  # noqa: E402


@pytest.fixture(scope="module")
def alloys():
    return load_alloys()[:48]


def target(structures):
    return np.array([atoms.info["formation_energy_per_atom"] for atoms in structures])


def per_atom_reference(descriptor, structures, stats):
    """dscribe per structure, pooled by the plain-loop reference."""
    described = [descriptor.create(atoms) for atoms in structures]
    offsets = np.concatenate([[0], np.cumsum([len(d) for d in described])])
    return naive.pool(np.concatenate(described), offsets, stats, None, None)


def test_soap_columns_equal_dscribe_pooled_by_the_reference(alloys):
    model = PooledDescriptor(stats=("mean", "std", "max"), r_cut=4.0, n_max=3, l_max=2, sigma=0.4).fit(alloys)
    species = sorted({s for atoms in alloys for s in atoms.get_chemical_symbols()})
    assert model.species_ == species
    soap = SOAP(species=species, periodic=True, r_cut=4.0, n_max=3, l_max=2, sigma=0.4, rbf="gto")
    want = per_atom_reference(soap, alloys[:10], ("mean", "std", "max"))
    got = model.transform(alloys[:10])
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12 * np.abs(want).max())
    names = model.get_feature_names_out()
    assert len(names) == got.shape[1] == model.n_features_out_ and names[0].startswith("mean:soap[")


def test_acsf_and_a_given_instance_are_pooled_too(alloys):
    species = sorted({s for atoms in alloys for s in atoms.get_chemical_symbols()})
    model = PooledDescriptor("acsf", r_cut=5.0, descriptor_params={"g2_params": [[1.0, 2.0]], "g4_params": None})
    got = model.fit(alloys).transform(alloys[:6])
    acsf = ACSF(species=species, r_cut=5.0, g2_params=[[1.0, 2.0]], periodic=True)
    np.testing.assert_allclose(got, per_atom_reference(acsf, alloys[:6], ("mean",)), rtol=1e-10, atol=1e-14)
    given = PooledDescriptor(acsf, stats=("max",)).fit(alloys[:2])  # an instance fixes its own species
    assert given.species_ == species
    np.testing.assert_allclose(given.transform(alloys[:6]), per_atom_reference(acsf, alloys[:6], ("max",)))


def test_lmbtr_pools_and_global_descriptors_pass_through(alloys):
    small = {"grid": {"min": 0.0, "max": 5.0, "n": 12, "sigma": 0.2}}
    lmbtr = PooledDescriptor("lmbtr", descriptor_params=small).fit(alloys)
    rows = lmbtr.transform(alloys[:3])
    assert rows.shape == (3, lmbtr.n_features_out_) and np.all(np.isfinite(rows)) and rows.any()
    matrix = PooledDescriptor("coulomb_matrix", stats=("mean", "std")).fit(alloys)  # stats do not apply
    assert matrix.n_atoms_max_ == max(len(atoms) for atoms in alloys)
    reference = CoulombMatrix(n_atoms_max=matrix.n_atoms_max_, permutation="sorted_l2")
    np.testing.assert_allclose(matrix.transform(alloys[:4]), np.array([reference.create(a) for a in alloys[:4]]))
    big = alloys[0].repeat((2, 2, 2))
    with pytest.raises(ValueError, match=rf"structure 0 .*has {len(big)} atoms.*at most {matrix.n_atoms_max_}"):
        matrix.transform([big])
    with pytest.raises(ValueError, match="by_species needs a per-atom descriptor"):
        PooledDescriptor("coulomb_matrix", by_species=True).fit(alloys).transform(alloys[:2])


def test_later_structures_get_the_training_columns(alloys):
    """A batch holding fewer elements than training still gets every column."""
    model = PooledDescriptor(by_species=True).fit(alloys)
    copper_nickel = [a for a in alloys if set(a.get_chemical_symbols()) <= {"Cu", "Ni", "Ag"}][:3]
    assert copper_nickel, "the fixture should hold a structure of at most three elements"
    alone = model.transform(copper_nickel)
    assert alone.shape[1] == model.n_features_out_
    index = [k for k, a in enumerate(alloys) if a is copper_nickel[0]][0]
    np.testing.assert_array_equal(alone[0], model.transform(alloys)[index])


def test_an_unseen_element_names_structure_and_element(alloys):
    model = PooledDescriptor().fit(alloys)
    iron = Atoms("Fe2", scaled_positions=[[0, 0, 0], [0.5, 0.5, 0.5]], cell=[2.87] * 3, pbc=True)
    iron.info["id"] = "mp-13"
    with pytest.raises(ValueError, match=r"structure 1 \(mp-13\) contains Fe, an element .*fitted on Ag, Al"):
        model.transform([alloys[0], iron])
    with pytest.raises(ValueError, match="species holds Xx"):
        PooledDescriptor(species=["Cu", "Xx"]).fit(alloys)
    fixed = PooledDescriptor(species=["Cu", "Ni", "Fe", "Au", "Ag", "Al", "Pd", "Pt"]).fit(alloys[:1])
    assert "Fe" in fixed.species_ and fixed.transform([iron]).shape == (1, fixed.n_features_out_)


def test_bad_settings_and_input_are_clear(alloys):
    with pytest.raises(ValueError, match="descriptor must be one of soap"):
        PooledDescriptor("sop").fit(alloys)
    with pytest.raises(ValueError, match="unknown statistic"):
        PooledDescriptor(stats=("median",)).fit(alloys)
    with pytest.raises(ValueError, match="not a numeric array"):
        PooledDescriptor().fit(np.ones((3, 4)))
    with pytest.raises(ValueError, match="structure 1 is a str"):
        PooledDescriptor().fit([alloys[0], "POSCAR"])
    with pytest.raises(ValueError, match="cannot build the soap descriptor"):
        PooledDescriptor(descriptor_params={"n_maks": 3}).fit(alloys)


def test_pipeline_cross_validation_grid_search_and_pickle(alloys):
    pipeline = make_pipeline(PooledDescriptor(n_max=3, l_max=2), RidgeCV(alphas=np.logspace(-6, 1, 8)))
    y = target(alloys)
    scores = cross_val_score(pipeline, alloys, y, cv=KFold(3))
    X = PooledDescriptor(n_max=3, l_max=2).fit(alloys).transform(alloys)  # every fold sees all 7 elements
    np.testing.assert_allclose(scores, cross_val_score(RidgeCV(alphas=np.logspace(-6, 1, 8)), X, y, cv=KFold(3)),
                               rtol=1e-10)
    search = GridSearchCV(pipeline, {"pooleddescriptor__l_max": [1, 2]}, cv=KFold(3)).fit(alloys, y)
    assert search.best_params_["pooleddescriptor__l_max"] in (1, 2)
    fitted = search.best_estimator_
    restored = pickle.loads(pickle.dumps(fitted))
    assert "_built" not in restored[0].__dict__  # the dscribe object is rebuilt, not pickled
    np.testing.assert_array_equal(restored.predict(alloys[:5]), fitted.predict(alloys[:5]))


def test_parallel_transform_equals_serial(alloys):
    serial = PooledDescriptor(stats=("mean", "std")).fit(alloys)
    parallel = PooledDescriptor(stats=("mean", "std"), n_jobs=2, chunk_size=200).fit(alloys)
    np.testing.assert_array_equal(serial.transform(alloys), parallel.transform(alloys))


def test_featomic_backend_pools_featomic_rows_with_fixed_columns(alloys, tmp_path):
    featomic = pytest.importorskip("featomic")
    import metatensor

    from fastreg.io.models import load, save

    model = PooledDescriptor("featomic_soap", stats=("mean", "max"), n_max=3, l_max=2).fit(alloys)
    rows = model.transform(alloys[:8])
    assert rows.shape == (8, model.n_features_out_) and model.get_feature_names_out()[0].startswith("mean:featomic_soap[")
    calculator = featomic.SoapPowerSpectrum(**model.dscribe_descriptor().parameters)
    numbers = sorted({a.number for s in alloys for a in s})
    pairs = metatensor.Labels(["neighbor_1_type", "neighbor_2_type"],
                              np.array([[a, b] for a in numbers for b in numbers if a <= b], dtype=np.int32))
    for k, atoms in enumerate(alloys[:8]):  # one structure at a time, straight from featomic
        block = calculator.compute([atoms]).keys_to_samples("center_type").keys_to_properties(pairs).block()
        values = np.asarray(block.values)[np.argsort(np.asarray(block.samples.values)[:, 1])]
        np.testing.assert_allclose(rows[k], np.concatenate([values.mean(axis=0), values.max(axis=0)]), rtol=1e-12,
                                   atol=1e-14)
    every_centre = PooledDescriptor("featomic_soap", stats=("mean", "max"), n_max=3, l_max=2, max_centers=64)
    np.testing.assert_array_equal(every_centre.fit(alloys).transform(alloys[:8]), rows)  # ≥ atoms: all centres
    few = PooledDescriptor("featomic_soap", n_max=3, l_max=2, max_centers=3, random_state=1).fit(alloys)
    assert not np.allclose(few.transform(alloys[:8]), model.transform(alloys[:8])[:, : few.n_features_out_])
    instance = PooledDescriptor(calculator, stats=("mean", "max")).fit(alloys)  # a calculator object works too
    np.testing.assert_array_equal(instance.transform(alloys[:8]), rows)
    pipeline = make_pipeline(model, RidgeCV()).fit(alloys, target(alloys))
    restored = load(save(pipeline, tmp_path / "featomic.skops"))
    np.testing.assert_array_equal(restored.predict(alloys[:4]), pipeline.predict(alloys[:4]))
