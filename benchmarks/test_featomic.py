"""The two SOAP backends of PooledDescriptor, same structures, same settings: dscribe against featomic."""

import pytest

pytest.importorskip("featomic")
from fastreg.datasets import load_alloys  # noqa: E402
from fastreg.descriptors import PooledDescriptor  # noqa: E402

from conftest import run  # noqa: E402


@pytest.fixture(scope="module")
def alloys():
    return load_alloys()[:400]


@pytest.mark.parametrize("basis", [(4, 3), (8, 6)], ids=["n_max=4,l_max=3", "n_max=8,l_max=6"])
@pytest.mark.parametrize("backend", ["soap", "featomic_soap"])
def test_backend(benchmark, record, alloys, basis, backend):
    n_max, l_max = basis
    model = PooledDescriptor(backend, n_max=n_max, l_max=l_max, stats=("mean", "std")).fit(alloys)
    impl = "fastreg PooledDescriptor (featomic)" if backend == "featomic_soap" else "dscribe SOAP via PooledDescriptor"
    record(f"pool SOAP of 400 alloys, n_max={n_max}, l_max={l_max}, 1 process", impl)
    run(benchmark, lambda: model.transform(alloys), rounds=3)
