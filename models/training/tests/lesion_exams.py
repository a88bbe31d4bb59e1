"""Small synthetic exams with lesion maps for the training tests: odd exams are positive, with a bright
STIR block (bone marrow edema map) and a dark T1 block (structural map)."""

import dataclasses

import numpy as np

from models.training.config import TINY

GRID = (8, 32, 32)
CFG = dataclasses.replace(TINY, name="testgrid", grid_size=GRID, unet_grid_size=GRID)


def exams(n=8, seed=0):
    rng = np.random.default_rng(seed)
    volumes, labels, maps = {}, {}, {}
    for i in range(n):
        t1, stir = rng.standard_normal(GRID).astype(np.float32), rng.standard_normal(GRID).astype(np.float32)
        m = np.zeros((2, *GRID), np.uint8)
        if i % 2:
            stir[2:5, 8:14, 8:14] += 4
            m[0, 2:5, 8:14, 8:14] = 1
            t1[4:6, 20:26, 20:26] -= 3
            m[1, 4:6, 20:26, 20:26] = 1
        volumes[f"e{i}"] = (t1, stir)
        labels[f"e{i}"] = np.array([i % 2, i % 2, i % 2], np.float32)
        maps[f"e{i}"] = m
    return volumes, labels, maps
