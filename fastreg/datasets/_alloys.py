"""Labelled periodic alloy structures from ASE's EMT calculator, and the shipped set."""

import numpy as np

from ._files import data_path

ELEMENTS = ("Cu", "Ni", "Au", "Ag", "Pd", "Pt", "Al")  # the fcc metals EMT parametrises
# experimental fcc lattice constants (Å); mixtures follow Vegard's law
LATTICE_CONSTANTS = {"Al": 4.05, "Cu": 3.61, "Ni": 3.52, "Pd": 3.89, "Ag": 4.09, "Pt": 3.92, "Au": 4.08}
TARGETS = ("energy_per_atom", "formation_energy_per_atom")


def _materials():
    try:
        import ase  # noqa: F401
        from ase.build import bulk
        from ase.calculators.emt import EMT
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("alloy structures need ASE: pip install 'fastreg[materials]'") from None
    return bulk, EMT


def reference_energies(elements=ELEMENTS):
    """EMT energy per atom (eV) of each pure fcc element at its lattice constant."""
    bulk, EMT = _materials()
    energies = {}
    for element in elements:
        atoms = bulk(element, "fcc", a=LATTICE_CONSTANTS[element], cubic=True)
        atoms.calc = EMT()
        energies[element] = atoms.get_potential_energy() / len(atoms)
    return energies


def generate_alloys(n_structures, *, elements=ELEMENTS, supercell=(2, 2, 2), max_components=3, strain=0.02,
                    rattle=0.05, max_vacancies=1, energies=True, random_state=0):
    """Yield random fcc alloy supercells one at a time (deterministic per ``random_state``).

    Each structure: 1 to ``max_components`` elements with random fractions
    substituted on a cubic fcc supercell, the Vegard-law lattice constant,
    a random symmetric strain (entries up to ``strain``), Gaussian rattling
    (``rattle`` Å) and up to ``max_vacancies`` vacancies. With ``energies``,
    ``atoms.info`` holds ``energy`` (eV), ``energy_per_atom`` and
    ``formation_energy_per_atom`` (eV/atom, relative to the pure elements),
    all from EMT; always ``id`` and ``composition``.

    Parameters
    ----------
    n_structures : int
        How many structures to make.
    elements : sequence of str, default=ELEMENTS
        Elements to draw from (EMT's fcc metals: Al, Cu, Ag, Au, Ni, Pd, Pt).
    supercell : tuple of 3 int, default=(2, 2, 2)
        Repeats of the cubic fcc cell (4 atoms).
    max_components : int, default=3
        Most elements in one structure.
    strain : float, default=0.02
        Largest entry of the random symmetric strain.
    rattle : float, default=0.05
        Standard deviation of the Gaussian displacement of each atom, Å.
    max_vacancies : int, default=1
        Most atoms removed.
    energies : bool, default=True
        Compute the EMT energies (slower).
    random_state : int, default=0
        Seed; the same seed gives the same structures.

    Yields
    ------
    atoms : ase.Atoms
        One periodic structure, with its labels in ``atoms.info``.
    """
    unknown = sorted(set(elements) - set(LATTICE_CONSTANTS))
    if unknown:
        raise ValueError(f"EMT alloys support {sorted(LATTICE_CONSTANTS)}; got {unknown}.")
    bulk, EMT = _materials()
    rng = np.random.default_rng(random_state)
    references = reference_energies(elements) if energies else None
    template = bulk("Cu", "fcc", a=1.0, cubic=True).repeat(supercell)
    for index in range(n_structures):
        n_components = int(rng.integers(1, min(max_components, len(elements)) + 1))
        chosen = rng.choice(elements, size=n_components, replace=False)
        symbols = rng.choice(chosen, size=len(template), p=rng.dirichlet(np.ones(n_components)))
        atoms = template.copy()
        atoms.set_chemical_symbols(list(symbols))
        a = np.mean([LATTICE_CONSTANTS[s] for s in symbols])
        deformation = np.eye(3) + np.triu(rng.uniform(-strain, strain, (3, 3)))
        deformation = (deformation + deformation.T) / 2  # symmetric strain
        atoms.set_cell(atoms.cell * a @ deformation, scale_atoms=True)
        atoms.positions += rng.normal(0.0, rattle, atoms.positions.shape)
        n_vacancies = int(rng.integers(0, max_vacancies + 1))
        if n_vacancies:
            del atoms[list(rng.choice(len(atoms), size=n_vacancies, replace=False))]
        counts = {s: int(np.sum(atoms.symbols == s)) for s in sorted(set(atoms.get_chemical_symbols()))}
        atoms.info["id"] = index
        atoms.info["composition"] = "".join(f"{s}{c}" for s, c in counts.items())
        if energies:
            atoms.calc = EMT()
            energy = float(atoms.get_potential_energy())
            atoms.calc = None
            reference = sum(c * references[s] for s, c in counts.items())
            atoms.info["energy"] = energy
            atoms.info["energy_per_atom"] = energy / len(atoms)
            atoms.info["formation_energy_per_atom"] = (energy - reference) / len(atoms)
        yield atoms


def make_alloys(n_structures, *, elements=ELEMENTS, random_state=0, **options):
    """Make a list of labelled alloy structures; see :func:`generate_alloys`.

    Parameters
    ----------
    n_structures : int
        How many structures to make.
    elements : sequence of str, default=ELEMENTS
        Elements to draw from.
    random_state : int, default=0
        Seed; the same seed gives the same structures.
    **options : dict
        Further keywords of :func:`generate_alloys`.

    Returns
    -------
    structures : list of ase.Atoms
        The structures, labels in ``atoms.info``.
    """
    return list(generate_alloys(n_structures, elements=elements, random_state=random_state, **options))


def load_alloys():
    """The shipped alloy set (``data/alloys.extxyz``), as a list of ``ase.Atoms``.

    1200 structures made by ``data/make_alloys.py`` with :func:`make_alloys`
    (seed 0); targets in ``atoms.info``: ``energy_per_atom`` and
    ``formation_energy_per_atom`` (eV/atom, EMT).

    Returns
    -------
    structures : list of ase.Atoms
        The 1200 structures, labels in ``atoms.info``.
    """
    _materials()
    from ase.io import read

    return read(data_path("alloys.extxyz"), index=":", format="extxyz")
