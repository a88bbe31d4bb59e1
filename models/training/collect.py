"""Builds a training dataset incrementally while phantom exams are still being generated:
every finished exam (its truth.json is written last) not yet converted is passed, in chunks, through
`node bin/sij.mjs dataset` (the inference front half), then all chunks are merged into one
dataset.json whose file paths point into the chunk folders.

  /usr/bin/python3 -m models.training.collect --out /work/data/datasets/demo \\
      --root /work/data/phantoms --root x=/work/data/phantoms-h4 [--loop 120]

`--root PREFIX=DIR` prefixes the exam ids of that root (two generator runs may reuse folder names).
Labels are the reference labels of each exam's truth.json (the same as phantom-set's manifest.csv)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

from .dataset import SCHEMA, TASKS

REPO = Path(__file__).resolve().parents[2]


def finished_exams(root: Path) -> List[Path]:
    return sorted(p.parent for p in root.glob("*/*/truth.json"))


def converted(out: Path) -> Dict[str, str]:
    """exam folder -> chunk name, for every exam already in a chunk (converted or skipped)."""
    done = {}
    for chunk in sorted(out.glob("chunk-*")):
        f = chunk / "dataset.json"
        if not f.exists():
            continue
        doc = json.loads(f.read_text())
        for e in doc.get("exams", []):
            done[str(Path(e["source"]["folder"]).resolve())] = chunk.name
        for s in doc.get("skipped", []):
            done[str(Path(s["folder"]).resolve())] = chunk.name
    return done


def write_labels(folders: List[Path], file: Path) -> None:
    rows = ["exam_id,site," + ",".join(TASKS)]
    for f in folders:
        truth = json.loads((f / "truth.json").read_text())
        rows.append(f"{f.name},{truth['site']}," + ",".join(str(int(bool(truth["labels"][t]))) for t in TASKS))
    file.write_text("\n".join(rows) + "\n")


def convert(folders: List[Path], out: Path, workers: int, features: bool) -> None:
    n = len(list(out.glob("chunk-*")))
    chunk = out / f"chunk-{n:03d}"
    chunk.mkdir(parents=True)
    write_labels(folders, chunk / "labels.csv")
    cmd = ["node", "bin/sij.mjs", "dataset", *map(str, folders), "--labels", str(chunk / "labels.csv"),
           "--out", str(chunk), "--workers", str(workers)] + (["--features"] if features else [])
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    print(r.stdout[-500:], r.stderr[-1000:], flush=True)
    if r.returncode != 0:
        raise SystemExit(f"sij dataset failed for {chunk} (exit {r.returncode})")


def merge(out: Path, roots: List[Tuple[str, Path]]) -> Dict:
    exams, grid = [], None
    prefixes = {str(root.resolve()): prefix for prefix, root in roots}
    for chunk in sorted(out.glob("chunk-*")):
        f = chunk / "dataset.json"
        if not f.exists():
            continue
        doc = json.loads(f.read_text())
        if grid is None:
            grid = doc["grid"]
        elif doc["grid"] != grid:
            raise SystemExit(f"{f}: grid {doc['grid']} differs from the other chunks' {grid}")
        for e in doc["exams"]:
            folder = Path(e["source"]["folder"]).resolve()
            prefix = next((p for r, p in prefixes.items() if str(folder).startswith(r + "/")), "")
            e = dict(e, id=prefix + e["id"], files={k: f"{chunk.name}/{v}" for k, v in e["files"].items()})
            exams.append(e)
    merged = {"schema": SCHEMA, "grid": grid, "normalisation": {"type": "zscore"}, "exams": exams}
    tmp = out / "dataset.json.tmp"
    tmp.write_text(json.dumps(merged))
    tmp.replace(out / "dataset.json")
    return merged


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m models.training.collect", description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--root", action="append", required=True, help="DIR or PREFIX=DIR")
    p.add_argument("--chunk", type=int, default=40)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--features", action="store_true", help="also compute quality features (about half the time)")
    p.add_argument("--first", action="append", default=[], help="convert this site's exams first (e.g. the unseen site)")
    p.add_argument("--loop", type=float, default=0, help="repeat every N seconds (0: once)")
    a = p.parse_args(argv)
    roots = [(r.split("=", 1)[0], Path(r.split("=", 1)[1])) if "=" in r else ("", Path(r)) for r in a.root]
    a.out.mkdir(parents=True, exist_ok=True)
    while True:
        done = converted(a.out)
        for _, root in roots:  # one root per chunk: two roots may reuse folder names
            todo = [f for f in finished_exams(root) if str(f.resolve()) not in done]
            todo.sort(key=lambda f: (f.parent.name not in a.first, str(f)))
            for i in range(0, len(todo), a.chunk):
                convert(todo[i : i + a.chunk], a.out, a.workers, a.features)
        merged = merge(a.out, roots)
        sites = {}
        for e in merged["exams"]:
            sites[e["site"]] = sites.get(e["site"], 0) + 1
        print(json.dumps({"time": time.strftime("%H:%M:%S"), "exams": len(merged["exams"]), "sites": sites}), flush=True)
        if not a.loop:
            return 0
        time.sleep(a.loop)


if __name__ == "__main__":
    sys.exit(main())
