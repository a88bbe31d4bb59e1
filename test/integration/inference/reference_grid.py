"""Independent reference for `sij dataset`: pydicom + scipy resampling onto the model grid.

Reads one series folder, builds the voxel -> patient affine from the DICOM positions, lays the
grid in the stack's own frame (columns along the row direction, rows along the column direction,
slices along the normal, centred on the stack centre), applies the documented anti-aliasing
(Gaussian sigma (factor - 1) / 2 source voxels where the grid is coarser, truncate 3, border
replicated), samples trilinearly (points beyond half a voxel outside the stack are 0) and z-scores.
Usage: reference_grid.py SERIES_DIR OUT.f32 D H W S R C
"""
import glob
import sys

import numpy as np
import pydicom
import scipy.ndimage as nd

folder, out = sys.argv[1], sys.argv[2]
D, H, W = (int(v) for v in sys.argv[3:6])
S, R, C = (float(v) for v in sys.argv[6:9])

slices = [pydicom.dcmread(f) for f in glob.glob(folder + "/*.dcm")]
iop = np.array(slices[0].ImageOrientationPatient, dtype=float)
row, col = iop[:3], iop[3:]
normal = np.cross(row, col)
slices.sort(key=lambda s: float(np.dot(np.array(s.ImagePositionPatient, dtype=float), normal)))
vol = np.stack([s.pixel_array.astype(np.float64) * float(getattr(s, "RescaleSlope", 1))
                + float(getattr(s, "RescaleIntercept", 0)) for s in slices])  # [k, j, i]
dr, dc = (float(v) for v in slices[0].PixelSpacing)  # between rows, between columns
p0 = np.array(slices[0].ImagePositionPatient, dtype=float)
p1 = np.array(slices[-1].ImagePositionPatient, dtype=float)
nz, ny, nx = vol.shape
ds = np.dot(p1 - p0, normal) / (nz - 1)
src = np.eye(4)
src[:3, 0], src[:3, 1], src[:3, 2], src[:3, 3] = row * dc, col * dr, normal * ds, p0

grid = np.eye(4)
grid[:3, 0], grid[:3, 1], grid[:3, 2] = row * C, col * R, normal * S
centre = src @ np.array([(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2, 1.0])
grid[:3, 3] = centre[:3] - grid[:3, :3] @ np.array([(W - 1) / 2, (H - 1) / 2, (D - 1) / 2])

m = np.linalg.inv(src) @ grid
factors = [np.abs(m[a, :3]).max() for a in range(3)]  # per source axis i, j, k
sigma = [(f - 1) / 2 if f > 1 else 0 for f in factors]
vol = nd.gaussian_filter(vol, sigma=[sigma[2], sigma[1], sigma[0]], mode="nearest", truncate=3.0)

k, j, i = np.meshgrid(np.arange(D), np.arange(H), np.arange(W), indexing="ij")
pts = np.stack([i.ravel(), j.ravel(), k.ravel(), np.ones(i.size)])
x, y, z = (m @ pts)[:3]
outside = (x < -0.5) | (y < -0.5) | (z < -0.5) | (x > nx - 0.5) | (y > ny - 0.5) | (z > nz - 0.5)
vals = nd.map_coordinates(vol, [np.clip(z, 0, nz - 1), np.clip(y, 0, ny - 1), np.clip(x, 0, nx - 1)], order=1)
vals[outside] = 0
vals = (vals - vals.mean()) / vals.std()
vals.astype("<f4").tofile(out)
