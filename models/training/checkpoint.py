"""Checkpoints: the preset's full configuration travels with the weights and is checked on load."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Tuple

import torch

from .classifier import DualEncoderClassifier
from .config import PRESETS, ModelConfig
from .unet3d import UNet3d


def save(path: Path, model: torch.nn.Module, cfg: ModelConfig, info: Dict) -> None:
    tmp = Path(str(path) + ".tmp")
    torch.save({"preset": cfg.name, "config": cfg.to_json(), "state_dict": model.state_dict(), "info": info}, tmp)
    tmp.replace(path)  # atomic: a crash mid-save never leaves a truncated checkpoint


def _load(path: Path) -> Tuple[Dict, ModelConfig]:
    try:
        ckpt = torch.load(path, map_location="cpu")
    except FileNotFoundError:
        raise ValueError(f"{path}: checkpoint not found") from None
    cfg = PRESETS.get(ckpt.get("preset"))
    if cfg is None or cfg.to_json() != ckpt["config"]:
        raise ValueError(f"{path}: checkpoint configuration does not match preset {ckpt.get('preset')!r}")
    return ckpt, cfg


def load_classifier(path: Path) -> Tuple[DualEncoderClassifier, ModelConfig]:
    ckpt, cfg = _load(path)
    model = DualEncoderClassifier(cfg)
    model.load_state_dict(ckpt["state_dict"])
    return model.eval(), cfg


def load_unet(path: Path) -> Tuple[UNet3d, ModelConfig]:
    ckpt, cfg = _load(path)
    model = UNet3d(cfg.unet)
    model.load_state_dict(ckpt["state_dict"])
    return model.eval(), cfg
