"""featurize against dscribe; streaming, parallel, seeded subsampling, bad input (needs the materials extra)."""

import numpy as np
import pytest

ase = pytest.importorskip("ase")
dscribe = pytest.importorskip("dscribe")

from ase import Atoms  # noqa: E402
from dscribe.descriptors import SOAP  # noqa: E402

from fastreg.datasets import generate_alloys, load_alloys, make_alloys  # noqa: E402
from fastreg.descriptors import featurize  # noqa: E402
from fastreg.descriptors._featurize import DEFAULT_SOAP  # noqa: E402


@pytest.fixture(scope="module")
def alloys():
    return load_alloys()[:60]


def test_mean_pooling_equals_dscribe_outer_average(alloys):
    X, names = featurize(alloys)
    species = sorted({s for atoms in alloys for s in atoms.get_chemical_symbols()})
    outer = SOAP(species=species, periodic=True, average="outer", **DEFAULT_SOAP)
    reference = np.array([outer.create(atoms) for atoms in alloys])
    np.testing.assert_allclose(X, reference, rtol=1e-8, atol=1e-8 * np.abs(reference).max())
    assert len(names) == X.shape[1] and names[0].startswith("mean:soap[")


def test_stream_chunks_and_jobs_give_identical_rows(alloys):
    settings = dict(stats=("mean", "std", "max"), by_species=True, max_centers=10, random_state=3)
    serial, names = featurize(alloys, **settings)
    streamed, _ = featurize((atoms for atoms in alloys), chunk_size=100, **settings)
    parallel, _ = featurize(alloys, n_jobs=2, chunk_size=300, **settings)
    np.testing.assert_array_equal(serial, streamed)
    np.testing.assert_array_equal(serial, parallel)
    assert names[0].startswith("mean[") and len(names) == serial.shape[1]


def test_centre_subsampling_is_seeded(alloys):
    a, _ = featurize(alloys[:10], max_centers=5, random_state=1)
    b, _ = featurize(alloys[:10], max_centers=5, random_state=1)
    c, _ = featurize(alloys[:10], max_centers=5, random_state=2)
    full, _ = featurize(alloys[:10])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and not np.array_equal(a, full)


def test_featurize_bad_input(alloys):
    with pytest.raises(ValueError, match="empty"):
        featurize([])
    with pytest.raises(ValueError, match="structure 1 has no atoms"):
        featurize([alloys[0], Atoms()], descriptor=SOAP(species=["Cu", "Ni", "Au", "Ag", "Pd", "Pt", "Al"],
                                                        periodic=True, **DEFAULT_SOAP))
    descriptor = SOAP(species=["Cu", "Ni"], periodic=True, **DEFAULT_SOAP)
    strange = [a for a in alloys if set(a.get_chemical_symbols()) - {"Cu", "Ni"}][0]
    index = [k for k, a in enumerate(alloys) if a is strange][0]
    with pytest.raises(ValueError, match=rf"structure {index}( \(.*\))? contains [A-Z][a-z]?(, [A-Z][a-z]?)*, an element"):
        featurize(alloys, descriptor=descriptor)
    molecule = alloys[0].copy()
    molecule.pbc = False
    with pytest.warns(UserWarning, match=r"structure 0 (\(0\) )?is not periodic"):
        featurize([molecule])
    with pytest.raises(ValueError, match="n_jobs"):
        featurize(alloys, n_jobs=0)


def test_make_alloys_is_deterministic_and_labelled():
    a = make_alloys(5, random_state=4)
    b = list(generate_alloys(5, random_state=4))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.positions, y.positions)
        assert x.info["formation_energy_per_atom"] == y.info["formation_energy_per_atom"]
    pure = make_alloys(1, elements=("Cu",), strain=0.0, rattle=0.0, max_vacancies=0)[0]
    assert abs(pure.info["formation_energy_per_atom"]) < 1e-12  # relative to the pure element
    with pytest.raises(ValueError, match="Fe"):
        make_alloys(1, elements=("Fe",))


def test_growing_rows_keeps_every_block_in_order():
    from fastreg.descriptors._rows import GrowingRows

    rng = np.random.default_rng(0)
    blocks = [rng.standard_normal((k, 7)).astype(np.float32) for k in (1, 300, 5, 2000, 3)]
    rows = GrowingRows()
    for block in blocks:
        rows.append(block)
    X = rows.array()
    np.testing.assert_array_equal(X, np.vstack(blocks))
    assert X.dtype == np.float32 and X.flags.writeable
    X[0, 0] = 1.0  # a normal, writeable array
    assert GrowingRows().array() is None


def test_degenerate_structures_are_rejected_before_the_descriptor_runs(alloys):
    from ase.build import bulk

    collapsed = bulk("Cu", "fcc", a=0.03)  # once took 49 s and 14.5 GB inside the descriptor
    with pytest.raises(ValueError, match=r"structure 1 has a degenerate cell: volume 6\.75e-06 Å³ for 1 atoms"):
        featurize([alloys[0], collapsed])
    duplicated = alloys[0].copy()
    duplicated.positions[3] = duplicated.positions[2] + duplicated.cell[1] + [0.02, 0, 0]  # one cell over
    duplicated.info["id"] = "dup"
    with pytest.raises(ValueError, match=r"structure 1 \(dup\) has atoms 2 and 3 0\.02 Å apart"):
        featurize([alloys[1], duplicated])
    from fastreg.descriptors._featurize import _closest_pair

    i, j, distance = _closest_pair(alloys[5])
    reference = alloys[5].get_all_distances(mic=True)
    np.fill_diagonal(reference, np.inf)
    assert distance == pytest.approx(reference.min(), rel=1e-9)


def test_parallel_featurize_leaves_joblib_usable(alloys):
    """fastreg's workers are its own: joblib's (scikit-learn's n_jobs, dscribe's) still work afterwards."""
    from joblib import Parallel, delayed

    featurize(alloys[:12], n_jobs=2, chunk_size=100)
    assert Parallel(n_jobs=2)(delayed(abs)(-k) for k in range(4)) == [0, 1, 2, 3]
    species = sorted({s for atoms in alloys for s in atoms.get_chemical_symbols()})
    soap = SOAP(species=species, periodic=True, **DEFAULT_SOAP)
    assert len(soap.create(alloys[:4], n_jobs=2)) == 4
