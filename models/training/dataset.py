"""Reader for the training dataset written by `sij dataset` (schema "sij-dataset/1",
docs/INTERFACES.md section 2): dataset.json plus one raw float32 file per volume."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from .tensors import read_f32

SCHEMA = "sij-dataset/1"
TASKS = ("active_inflammation", "asas_bme", "structural")
VOLUME_KEYS = ("t1", "stir", "t1Clean", "stirClean", "t1Mask", "stirMask")


@dataclass(frozen=True)
class Exam:
    id: str
    site: str
    labels: Dict[str, bool]
    files: Dict[str, str]
    features: Optional[Dict] = None
    source_folder: Optional[str] = None

    def label_vector(self) -> np.ndarray:
        return np.array([float(self.labels[t]) for t in TASKS], dtype=np.float32)


class Dataset:
    def __init__(self, folder: Path, grid_size: Sequence[int], spacing: Sequence[float], exams: List[Exam]):
        self.folder = folder
        self.grid_size = tuple(grid_size)
        self.spacing = tuple(spacing)
        self.exams = exams
        self._by_id = {e.id: e for e in exams}

    def exam(self, exam_id: str) -> Exam:
        if exam_id not in self._by_id:
            raise ValueError(f"{self.folder / 'dataset.json'}: no exam with id {exam_id!r}")
        return self._by_id[exam_id]

    def sites(self) -> List[str]:
        return sorted({e.site for e in self.exams})

    def has(self, exam: Exam, key: str) -> bool:
        return key in exam.files

    def volume(self, exam: Exam, key: str) -> np.ndarray:
        """[D,H,W] float32. Clean targets are z-scored here (the inputs already are), so that input
        and target share units whatever the writer did."""
        if key not in exam.files:
            raise ValueError(f"{self.folder / 'dataset.json'}: exam {exam.id!r} has no {key!r} volume")
        data = read_f32(self.folder / exam.files[key], self.grid_size)
        if key.endswith("Clean"):
            data = zscore(data)
        return data


def zscore(v: np.ndarray) -> np.ndarray:
    std = float(v.std())
    return ((v - v.mean()) / (std if std > 0 else 1.0)).astype(np.float32)


def load_dataset(folder: Path) -> Dataset:
    folder = Path(folder)
    path = folder / "dataset.json"
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise ValueError(f"{path}: not found (build it with `node bin/sij.mjs dataset ...`)") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON ({e})") from None
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"{path}: schema is {doc.get('schema')!r}, expected {SCHEMA!r}")
    norm = doc.get("normalisation", {}).get("type")
    if norm != "zscore":
        raise ValueError(f"{path}: normalisation {norm!r} is not supported (expected 'zscore')")
    grid = doc.get("grid", {})
    size, spacing = grid.get("size"), grid.get("spacing")
    if not (isinstance(size, list) and len(size) == 3 and isinstance(spacing, list) and len(spacing) == 3):
        raise ValueError(f"{path}: grid must have size [D,H,W] and spacing [s,r,c]")
    exams = []
    for i, e in enumerate(doc.get("exams", [])):
        where = f"{path}: exams[{i}]"
        for k in ("id", "site", "labels", "files"):
            if k not in e:
                raise ValueError(f"{where}: missing {k!r}")
        missing = [t for t in TASKS if t not in e["labels"]]
        if missing:
            raise ValueError(f"{where} ({e['id']}): labels lack {missing}")
        for k in ("t1", "stir"):
            if k not in e["files"]:
                raise ValueError(f"{where} ({e['id']}): files lack {k!r}")
        unknown = [k for k in e["files"] if k not in VOLUME_KEYS]
        if unknown:
            raise ValueError(f"{where} ({e['id']}): unknown volume keys {unknown}")
        labels = {t: bool(e["labels"][t]) for t in TASKS}
        source = e.get("source") or {}
        exams.append(Exam(str(e["id"]), str(e["site"]), labels, dict(e["files"]), e.get("features"), source.get("folder")))
    if not exams:
        raise ValueError(f"{path}: lists no exams")
    return Dataset(folder, size, spacing, exams)
