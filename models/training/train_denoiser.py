"""Training of one denoising / homogenising U-Net: z-scored raw volume -> z-scored clean volume,
MSE on random in-plane crops (full depth), time-boxed."""

from __future__ import annotations

import time
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
import torch.nn.functional as F

from .config import ModelConfig
from .dataset import Dataset
from .metrics import psnr, ssim
from .unet3d import UNet3d


def load_pairs(ds: Dataset, ids: List[str], seq: str):
    exams = [ds.exam(i) for i in ids]
    exams = [e for e in exams if ds.has(e, f"{seq}Clean")]
    if not exams:
        raise ValueError(f"no exam in the training split has a clean {seq} target ({seq}Clean)")
    x = np.stack([ds.volume(e, seq) for e in exams])
    y = np.stack([ds.volume(e, f"{seq}Clean") for e in exams])
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y).unsqueeze(1)


def train_unet(
    ds: Dataset,
    train_ids: List[str],
    seq: str,
    cfg: ModelConfig,
    minutes: float,
    max_steps: int = 2000,
    batch: int = 4,
    crop: int = 64,
    seed: int = 0,
    log: Callable[[Dict], None] = print,
) -> UNet3d:
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    x, y = load_pairs(ds, train_ids, seq)
    model = UNet3d(cfg.unet)
    model.check_grid(cfg.unet_grid_size)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    _, _, _, h, w = x.shape
    ch, cw = min(crop, h), min(crop, w)  # crop sizes must keep the grid's divisibility (64 and 112 do)
    t0 = time.time()
    step = 0
    model.train()
    while step < max_steps and time.time() - t0 < minutes * 60:
        idx = torch.randint(0, x.shape[0], (batch,), generator=g)
        r = int(torch.randint(0, h - ch + 1, (1,), generator=g))
        c = int(torch.randint(0, w - cw + 1, (1,), generator=g))
        xb = x[idx, :, :, r : r + ch, c : c + cw]
        yb = y[idx, :, :, r : r + ch, c : c + cw]
        if torch.rand(1, generator=g).item() < 0.5:
            xb, yb = xb.flip(-1), yb.flip(-1)
        lr = 2e-3 * 0.5 * (1 + np.cos(np.pi * min(1.0, (time.time() - t0) / (minutes * 60))))
        for group in opt.param_groups:
            group["lr"] = lr
        loss = F.mse_loss(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 25 == 0:
            log({"stage": f"denoise_{seq}", "step": step, "loss": round(loss.item(), 5), "s": round(time.time() - t0)})
    model.eval()
    log({"stage": f"denoise_{seq}", "done": True, "steps": step, "s": round(time.time() - t0)})
    return model


@torch.no_grad()
def denoise(model: UNet3d, volume: np.ndarray) -> np.ndarray:
    return model.eval()(torch.from_numpy(volume)[None, None])[0, 0].numpy()


def evaluate_unet(model: UNet3d, ds: Dataset, ids: List[str], seq: str, outputs: Optional[Dict[str, np.ndarray]] = None) -> Dict:
    """PSNR/SSIM of the input and of the U-Net output against the clean target (z-scored units).
    `outputs`: the U-Net outputs by exam id where already computed."""
    rows = []
    for i in ids:
        e = ds.exam(i)
        if not ds.has(e, f"{seq}Clean"):
            continue
        x, ref = ds.volume(e, seq), ds.volume(e, f"{seq}Clean")
        out = outputs[i] if outputs is not None else denoise(model, x)
        rows.append((psnr(x, ref), psnr(out, ref), ssim(x, ref), ssim(out, ref)))
    if not rows:
        return {"n": 0}
    a = np.array(rows)
    return {
        "n": len(rows),
        "psnrInput": round(float(a[:, 0].mean()), 2),
        "psnrOutput": round(float(a[:, 1].mean()), 2),
        "ssimInput": round(float(a[:, 2].mean()), 4),
        "ssimOutput": round(float(a[:, 3].mean()), 4),
        "examsImproved": int((a[:, 1] > a[:, 0]).sum()),
    }
