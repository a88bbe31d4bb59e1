"""Statistics against independent implementations (scipy) and worked examples."""

import numpy as np
from scipy.stats import binomtest, mannwhitneyu

from models.training.metrics import auc, binary_metrics, clopper_pearson, pointing_hit, psnr, youden_threshold


def test_auc_equals_mann_whitney_u():
    rng = np.random.default_rng(0)
    y = rng.random(200) < 0.3
    p = np.round(rng.random(200) + 0.5 * y, 2)  # rounded: ties occur
    u = mannwhitneyu(p[y], p[~y]).statistic
    assert abs(auc(y, p) - u / (y.sum() * (~y).sum())) < 1e-12


def test_auc_worked_example():
    # positives 0.9, 0.4; negatives 0.5, 0.1: pairs (0.9>0.5, 0.9>0.1, 0.4<0.5, 0.4>0.1) -> 3/4
    assert auc(np.array([1, 1, 0, 0]), np.array([0.9, 0.4, 0.5, 0.1])) == 0.75


def test_clopper_pearson_equals_scipy_exact():
    for k, n in [(0, 10), (3, 10), (22, 25), (25, 25)]:
        ci = binomtest(k, n).proportion_ci(method="exact")
        assert np.allclose(clopper_pearson(k, n), [ci.low, ci.high], atol=1e-10)


def test_confusion_and_youden_worked_example():
    y = np.array([1, 1, 1, 0, 0, 0])
    p = np.array([0.9, 0.8, 0.3, 0.6, 0.2, 0.1])
    # cut between 0.6 and 0.8 (0.7): sens 2/3, spec 1 -> J = 0.667; cut 0.45: sens 2/3, spec 2/3; cut 0.25: sens 1, spec 2/3 -> J = 0.667
    t = youden_threshold(y, p)
    assert t in (0.7, 0.25)
    m = binary_metrics(y, p, 0.7)
    assert m["confusion"] == {"tp": 2, "fp": 0, "tn": 3, "fn": 1}
    assert m["accuracy"] == 5 / 6


def test_psnr_worked_example():
    ref = np.array([0.0, 1.0, 0.0, 1.0])
    x = ref + np.array([0.1, -0.1, 0.1, -0.1])
    assert abs(psnr(x, ref) - 20.0) < 1e-9  # range 1, mse 0.01 -> 10 log10(100)


def test_pointing_game():
    mask = np.zeros((20, 112, 112), bool)
    mask[4:8, 20:40, 70:90] = True
    cam = np.zeros((10, 7, 7))
    cam[3, 1, 5] = 1.0  # cell centred on slices 6-7, rows 16-31, cols 80-95
    assert pointing_hit(cam, mask)
    cam2 = np.zeros((10, 7, 7))
    cam2[8, 5, 1] = 1.0
    assert not pointing_hit(cam2, mask)
