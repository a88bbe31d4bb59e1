"""Grad-CAM computed analytically in the forward pass, so that an exported ONNX graph (which has no
autograd) returns it with standard operators only.

For task t and sequence s with last-stage features F_s[c, x] (N voxels), Grad-CAM is
    CAM[t,s,x] = ReLU( sum_c alpha[t,s,c] * F_s[c,x] ),   alpha[t,s,c] = mean_x dy_t/dF_s[c,x].
The pooled vector is v_s[c] = max_x F_s[c,x]; the gradient reaches only the maximising voxel(s) and
sums to dy_t/dv_s[c], so alpha[t,s,c] = dy_t/dv_s[c] / N (no argmax mask needed). With concat
pooling the mean part m_s[c] adds dy_t/dm_s[c] / N, spread evenly, so its spatial mean is the same. In eval mode the
head is affine except one ReLU, so with a = BN1(z), h = W1 a, q = BN2(ReLU(h)), y = W2 q:
    dy/dz = ((W2 * g2) * [h > 0]) @ W1 * g1,   g = BN gamma / sqrt(running_var + eps).
Then dy/dv_s follows from the fusion (side_by_side: a slice; sequence_pool: the max branch goes to
the sequence that holds the maximum, the mean branch splits 1/2 each)."""

from __future__ import annotations

import torch
from torch import nn

from .classifier import DualEncoderClassifier, fuse, pool


def _bn_gain(bn: nn.BatchNorm1d) -> torch.Tensor:
    return bn.weight / torch.sqrt(bn.running_var + bn.eps)


class ClassifierWithCam(nn.Module):
    """Eval-mode wrapper for export: (t1, stir) [1,1,D,H,W] -> (probabilities [1,T], cam [1,T,2,d,h,w])."""

    def __init__(self, model: DualEncoderClassifier):
        super().__init__()
        self.model = model.eval()

    def forward(self, t1: torch.Tensor, stir: torch.Tensor):
        m = self.model
        head = m.head
        f_t1, f_stir = m.features(t1, stir)
        v_t1 = pool(f_t1, m.cfg.head.pool)
        v_stir = pool(f_stir, m.cfg.head.pool)
        z = fuse(v_t1, v_stir, m.cfg.head.fusion)
        h = head.fc1(head.bn1(z))  # [1, hidden]
        logits = head.fc2(head.bn2(torch.relu(h)))

        relu_gate = (h > 0).to(h.dtype)  # [1, hidden]
        g_h = head.fc2.weight * _bn_gain(head.bn2).unsqueeze(0) * relu_gate  # [T, hidden]
        g_z = torch.matmul(g_h, head.fc1.weight) * _bn_gain(head.bn1).unsqueeze(0)  # [T, 2C]
        v = v_t1.shape[1]
        g_first, g_second = g_z[:, :v], g_z[:, v:]
        if m.cfg.head.fusion == "side_by_side":
            g_t1, g_stir = g_first, g_second
        else:
            t1_holds_max = (v_t1 >= v_stir).to(v_t1.dtype)  # [1, C]
            g_t1 = g_first * t1_holds_max + 0.5 * g_second
            g_stir = g_first * (1.0 - t1_holds_max) + 0.5 * g_second

        c = f_t1.shape[1]
        n_parts = v // c  # 1 (max) or 2 (max, mean): both contribute dy/dv / N to the spatial mean
        g_seq = torch.stack([g_t1, g_stir], dim=0).reshape(2, g_z.shape[0], n_parts, c).sum(dim=2)
        d, hh, w = f_t1.shape[2:]
        n_vox = float(d * hh * w)
        alpha = g_seq / n_vox  # [2, T, C]
        feats = torch.cat([f_t1, f_stir], dim=0).reshape(2, c, -1)  # [2, C, N]
        cam = torch.relu(torch.matmul(alpha, feats))  # [2, T, N]
        cam = cam.transpose(0, 1).reshape(1, g_z.shape[0], 2, d, hh, w)
        return torch.sigmoid(logits), cam


def autograd_gradcam(model: DualEncoderClassifier, t1: torch.Tensor, stir: torch.Tensor) -> torch.Tensor:
    """Reference Grad-CAM with torch.autograd (eval mode): [1,T,2,d,h,w]."""
    model.eval()
    f_t1, f_stir = model.features(t1, stir)
    f_t1 = f_t1.detach().requires_grad_(True)
    f_stir = f_stir.detach().requires_grad_(True)
    logits = model.logits_from_features(f_t1, f_stir)
    cams = []
    for t in range(logits.shape[1]):
        g_t1, g_stir = torch.autograd.grad(logits[0, t], (f_t1, f_stir), retain_graph=True)
        per_seq = []
        for f, g in ((f_t1, g_t1), (f_stir, g_stir)):
            alpha = g.mean(dim=(2, 3, 4), keepdim=True)
            per_seq.append(torch.relu((alpha * f).sum(dim=1))[0])
        cams.append(torch.stack(per_seq))
    return torch.stack(cams).unsqueeze(0).detach()
