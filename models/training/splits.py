"""Site-level splits: an unseen site is held out entirely; the other sites are split into training
and validation exams, stratified by the label pattern, with a fixed seed."""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, List

import numpy as np

from .dataset import Dataset


def make_splits(ds: Dataset, unseen_site: str, val_fraction: float = 0.2, seed: int = 0) -> Dict[str, List[str]]:
    sites = ds.sites()
    if unseen_site not in sites:
        raise ValueError(f"unseen site {unseen_site!r} is not in the dataset (sites: {', '.join(sites)})")
    if len(sites) < 2:
        raise ValueError("need at least two sites: one to train on and one unseen")
    strata = defaultdict(list)
    unseen = []
    for e in ds.exams:
        if e.site == unseen_site:
            unseen.append(e.id)
        else:
            strata[tuple(e.labels.values())].append(e.id)
    rng = np.random.default_rng(seed)
    train, val = [], []
    for key in sorted(strata):
        ids = sorted(strata[key])
        rng.shuffle(ids)
        n_val = int(round(len(ids) * val_fraction))
        val += ids[:n_val]
        train += ids[n_val:]
    return {
        "train": sorted(train),
        "validation": sorted(val),
        "unseen": sorted(unseen),
        "trainSites": [s for s in sites if s != unseen_site],
        "unseenSite": unseen_site,
    }
