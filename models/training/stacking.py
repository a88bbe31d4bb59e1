"""Logistic stacking: one exam-level logit from several scores, fitted on a split neither scorer trained
on (the validation split), so the weights say how much each score adds to the others."""

from __future__ import annotations

from typing import Tuple

import numpy as np


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, iterations: int = 100) -> Tuple[np.ndarray, float]:
    """Weights w and bias b minimising sum(BCE(sigmoid(x @ w + b), y)) + l2 / 2 * |w|^2 by Newton's
    method. The small ridge keeps w finite when a score separates the split perfectly."""
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    if x.ndim != 2 or len(x) != len(y):
        raise ValueError(f"x must be [n, features] with one label per row, got {x.shape} and {y.shape}")
    if y.min() == y.max():
        raise ValueError("stacking needs both positive and negative exams")
    a = np.hstack([x, np.ones((len(x), 1))])
    ridge = np.diag([l2] * x.shape[1] + [0.0])
    theta = np.zeros(a.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(a @ theta)))
        gradient = a.T @ (p - y) + ridge @ theta
        hessian = a.T @ (a * (p * (1 - p))[:, None]) + ridge
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    return theta[:-1], float(theta[-1])


def stacked_logit(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    return np.asarray(x, np.float64) @ np.asarray(weights, np.float64) + bias
