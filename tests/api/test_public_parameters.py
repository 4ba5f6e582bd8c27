"""Public parameters no other test sets, each against scikit-learn or a plain reference."""

import numpy as np
import pytest
import sklearn.linear_model as sk

import naive
from conftest import make_regression
from fastreg import BayesianRidge, enet_path, gradient_descent_batched, lasso_path


@pytest.mark.parametrize("precompute", [True, False])
@pytest.mark.parametrize("positive", [False, True])
def test_path_parameters_match_scikit_learn(rng, precompute, positive):
    X, y = make_regression(rng, n_samples=120, n_features=8, noise=0.5)
    ours = lasso_path(X, y, eps=1e-2, positive=positive, precompute=precompute, tol=1e-10, max_iter=10_000)
    theirs = sk.lasso_path(X, y, eps=1e-2, positive=positive, tol=1e-10, max_iter=10_000)  # neither centres
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-7, atol=1e-9)
    if positive:
        assert np.all(ours[1] >= 0)


def test_coef_init_and_random_selection_reach_the_same_optimum(rng):
    X, y = make_regression(rng, n_samples=100, n_features=6, noise=0.5)
    alphas = np.array([0.5, 0.1])
    plain = enet_path(X, y, alphas=alphas, l1_ratio=0.7, tol=1e-12, max_iter=20_000)[1]
    warm = enet_path(X, y, alphas=alphas, l1_ratio=0.7, tol=1e-12, max_iter=20_000, coef_init=np.ones(6))[1]
    shuffled = enet_path(X, y, alphas=alphas, l1_ratio=0.7, tol=1e-12, max_iter=20_000, selection="random",
                         random_state=3)[1]
    np.testing.assert_allclose(warm, plain, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(shuffled, plain, rtol=1e-7, atol=1e-9)
    again = enet_path(X, y, alphas=alphas, l1_ratio=0.7, tol=1e-12, max_iter=20_000, selection="random",
                      random_state=3)[1]
    np.testing.assert_array_equal(again, shuffled)  # seeded


def test_bayesian_ridge_priors_and_tol_match_scikit_learn(rng):
    X, y = make_regression(rng, n_samples=150, n_features=5, noise=1.0)
    params = dict(alpha_1=1e-2, alpha_2=3.0, lambda_1=5.0, lambda_2=1e-3, tol=1e-8, max_iter=500)
    ours, theirs = BayesianRidge(**params).fit(X, y), sk.BayesianRidge(**params).fit(X, y)
    assert ours.alpha_ == pytest.approx(theirs.alpha_, rel=1e-7)
    assert ours.lambda_ == pytest.approx(theirs.lambda_, rel=1e-7)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8)


def test_gradient_descent_batched_options_match_the_plain_loop(rng):
    X, y = make_regression(rng, n_samples=200, n_features=4, noise=0.2)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    rates = np.array([0.05, 0.2])
    result = gradient_descent_batched(Xs, y, learning_rates=rates, max_iter=40, momentum=0.5, nesterov=True,
                                      alpha=0.3, tol=0.0)
    for k, rate in enumerate(rates):
        w, b, losses = naive.gradient_descent(Xs, y, rate, 40, alpha=0.3, momentum=0.5, nesterov=True)
        np.testing.assert_allclose(result.coefs[k], w, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(result.loss_curves[k], losses, rtol=1e-9)


def test_fold_statistics_equal_each_fold_computed_from_its_rows(rng):
    """Against explicit centred normal equations of each fold's rows, not against sufficient_stats."""
    from sklearn.model_selection import KFold

    from fastreg._solvers.statistics import fold_statistics

    X, y = make_regression(rng, n_samples=90, n_features=5)
    w = rng.random(90) + 0.5
    splits = list(KFold(3, shuffle=True, random_state=0).split(X))
    total, helds = fold_statistics(X, y[:, None], w, splits)
    for (train, test), held in zip(splits, helds):
        for rows, stats in ((test, held), (train, total - held)):
            A, B, mean_x, mean_y = naive.centered_normal_equations(X[rows], y[rows, None], w[rows])
            got_A, got_B, _, got_mean_x, got_mean_y = stats.normal_equations(True)
            np.testing.assert_allclose(got_A, A, rtol=1e-10)
            np.testing.assert_allclose(got_B, B, rtol=1e-10)
            np.testing.assert_allclose(got_mean_x, mean_x, rtol=1e-12)
    assert total.sum_weights == pytest.approx(w.sum())


def test_featurize_float32_and_reference_energies():
    pytest.importorskip("dscribe")
    from ase.build import bulk
    from ase.calculators.emt import EMT

    from fastreg.datasets import load_alloys
    from fastreg.datasets._alloys import LATTICE_CONSTANTS, reference_energies
    from fastreg.descriptors import featurize

    structures = load_alloys()[:6]
    single, _ = featurize(structures, dtype=np.float32)
    double, _ = featurize(structures)
    assert single.dtype == np.float32 and np.allclose(single, double, rtol=1e-6, atol=1e-7)
    energies = reference_energies(("Cu", "Ni"))
    for element, energy in energies.items():
        atoms = bulk(element, "fcc", a=LATTICE_CONSTANTS[element], cubic=True)
        atoms.calc = EMT()
        assert energy == pytest.approx(atoms.get_potential_energy() / len(atoms), rel=1e-12)
