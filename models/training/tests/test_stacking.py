import numpy as np
import pytest
from scipy.optimize import minimize

from models.training.stacking import fit_logistic, stacked_logit


def objective(theta, x, y, l2):
    z = x @ theta[:-1] + theta[-1]
    return np.sum(np.logaddexp(0, z) - y * z) + 0.5 * l2 * np.sum(theta[:-1] ** 2)


def test_newton_reaches_the_minimum_scipy_finds():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(140, 2))
    y = (rng.random(140) < 1 / (1 + np.exp(-(0.8 * x[:, 0] + 1.5 * x[:, 1] - 0.7)))).astype(float)
    w, b = fit_logistic(x, y, l2=1e-2)
    ref = minimize(objective, np.zeros(3), args=(x, y, 1e-2), method="BFGS", options={"gtol": 1e-9}).x
    np.testing.assert_allclose(np.r_[w, b], ref, atol=1e-5)


def test_a_large_sample_recovers_the_generating_weights():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(200_000, 2))
    y = (rng.random(len(x)) < 1 / (1 + np.exp(-(0.5 * x[:, 0] - 2.0 * x[:, 1] + 1.0)))).astype(float)
    w, b = fit_logistic(x, y)
    np.testing.assert_allclose(np.r_[w, b], [0.5, -2.0, 1.0], atol=0.03)


def test_a_separable_split_keeps_finite_weights():
    x = np.array([[-2.0, 0.0], [-1.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    w, b = fit_logistic(x, np.array([0, 0, 1, 1.0]))
    assert np.all(np.isfinite(w)) and w[0] > 1
    assert np.all(np.diff(stacked_logit(x, w, b)) > 0)


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="both positive and negative"):
        fit_logistic(np.zeros((3, 1)), np.ones(3))
