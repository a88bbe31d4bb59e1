"""Raw float32 tensor files (little-endian, C order), the format of `sij dataset` and the goldens."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

import numpy as np


def read_f32(path: Path, shape: Sequence[int]) -> np.ndarray:
    path = Path(path)
    expected = int(np.prod(shape)) * 4
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ValueError(f"{path}: file not found") from None
    if size != expected:
        raise ValueError(f"{path}: {size} bytes, expected {expected} for float32 shape {list(shape)}")
    data = np.fromfile(path, dtype="<f4").reshape(shape)
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{path}: contains NaN or infinite values")
    return data


def write_f32(path: Path, array: np.ndarray) -> None:
    np.ascontiguousarray(array, dtype="<f4").tofile(path)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
