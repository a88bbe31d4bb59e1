"""Mini-batches of exams from in-memory volumes, shared by every training loop: shuffled id chunks
and the stacked [B,1,D,H,W] T1 and STIR tensors (and [B,M,D,H,W] lesion maps) they stand for."""

from __future__ import annotations

from typing import Dict, Iterator, List, Sequence, Tuple

import numpy as np
import torch


def shuffled_batches(ids: Sequence[str], batch: int, g: torch.Generator) -> Iterator[List[str]]:
    """One epoch of full batches in a new random order (the last partial batch is dropped:
    BatchNorm1d cannot train on a batch of one)."""
    order = torch.randperm(len(ids), generator=g).tolist()
    for s in range(len(ids) // batch):
        yield [ids[j] for j in order[s * batch : (s + 1) * batch]]


def exam_batch(volumes: Dict[str, Tuple[np.ndarray, np.ndarray]], ids: Sequence[str]) -> Tuple[torch.Tensor, torch.Tensor]:
    t1 = torch.from_numpy(np.stack([volumes[k][0] for k in ids])).unsqueeze(1)
    stir = torch.from_numpy(np.stack([volumes[k][1] for k in ids])).unsqueeze(1)
    return t1, stir


def map_batch(maps: Dict[str, np.ndarray], ids: Sequence[str]) -> torch.Tensor:
    return torch.from_numpy(np.stack([maps[k] for k in ids]))
