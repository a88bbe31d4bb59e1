"""Writes manifest.json (schema "sij-model-manifest/1", docs/INTERFACES.md section 3)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

from .jsonfmt import write_json
from .config import ModelConfig, feature_grid
from .tensors import sha256_file

SCHEMA = "sij-model-manifest/1"
DISCLAIMER = "Demonstration model trained on synthetic data only. Not for clinical use."

TASK_LABELS = {
    "active_inflammation": "Active inflammatory changes indicative of axSpA",
    "asas_bme": "Active inflammation fulfilling the ASAS definition (BME)",
    "structural": "Structural changes indicative of axSpA",
}

NETWORK_FILES = {
    "denoiseT1": "denoise_t1.onnx",
    "denoiseStir": "denoise_stir.onnx",
    "classifier": "classifier.onnx",
}


def build_manifest(
    folder: Path,
    cfg: ModelConfig,
    *,
    model_id: str,
    version: str,
    name: str,
    training_data: Dict,
    thresholds: Optional[Dict[str, float]] = None,
    operating_points: Optional[Dict[str, Dict]] = None,
    metrics: Optional[Dict] = None,
    quality_reference: Optional[Dict] = None,
    disclaimer: str = DISCLAIMER,
    extra_files: List[str] = (),
) -> Dict:
    folder = Path(folder)
    thresholds = thresholds or {}
    operating_points = operating_points or {}

    def net(key: str) -> Dict:
        file = NETWORK_FILES[key]
        return {"file": file, "sha256": sha256_file(folder / file)}

    networks = {
        "denoiseT1": {**net("denoiseT1"), "input": "input", "output": "output"},
        "denoiseStir": {**net("denoiseStir"), "input": "input", "output": "output"},
        "classifier": {
            **net("classifier"),
            "inputs": {"t1": "t1", "stir": "stir"},
            "outputs": {"probabilities": "probabilities", "cam": "cam"},
            "camLayout": ["task", "sequence", "z", "y", "x"],
            "camGrid": feature_grid(cfg),
        },
    }
    return {
        "schema": SCHEMA,
        "id": model_id,
        "version": version,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "name": name,
        "intendedUse": "Demonstration and software testing of the SIJ Reader workstation.",
        "clinicalUse": False,
        "disclaimer": disclaimer,
        "trainingData": training_data,
        "inputs": {
            "sequences": {"t1": {"required": True}, "stir": {"required": True}},
            "orientation": {"expected": "semicoronal", "onMismatch": "warn"},
            "minSlices": 10,
            "grid": {"size": list(cfg.grid_size), "spacing": list(cfg.grid_spacing)},
            "normalisation": {"type": "zscore"},
        },
        "networks": networks,
        "tasks": [
            {
                "key": key,
                "label": TASK_LABELS[key],
                "threshold": float(thresholds.get(key, 0.5)),
                "operatingPoint": operating_points.get(key, {}),
            }
            for key in cfg.head.tasks
        ],
        "qualityReference": quality_reference or {"t1": {"features": {}}, "stir": {"features": {}}},
        "metrics": metrics or {},
        "architecture": cfg.to_json(),
        "files": [{"path": p, "sha256": sha256_file(folder / p)} for p in extra_files],
    }


def write_manifest(folder: Path, manifest: Dict) -> None:
    write_json(Path(folder) / "manifest.json", manifest)
