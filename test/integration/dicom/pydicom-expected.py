"""Pixel values of the pydicom test corpus as pydicom decodes them (the test's independent side).

pydicom here has only its numpy and RLE handlers, so encapsulated JPEG-family files are first
decompressed by gdcm (or dcmtk) and the result read by pydicom. Bits above Bits Stored are
masked / sign-extended as PS3.5 8.1.1 requires, which pydicom 2.3 leaves to the caller.
Writes <out>/<n>.f64 (float64, frames x rows x cols x samples) and prints a JSON index.
"""
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pydicom

root, out = sys.argv[1], sys.argv[2]
index = {}


def masked(ds, arr):
    bits, allocated = int(ds.BitsStored), int(ds.BitsAllocated)
    if bits >= allocated or allocated == 1 or arr.dtype.kind == 'f':
        return arr
    a = arr.astype(np.int64) & ((1 << bits) - 1)
    if int(ds.PixelRepresentation) == 1:
        a = np.where(a >= (1 << (bits - 1)), a - (1 << bits), a)
    return a


def decode(path):
    ds = pydicom.dcmread(path)
    try:
        return ds, ds.pixel_array, 'pydicom'
    except Exception:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, 'raw.dcm')
        for cmd in (['gdcmconv', '--raw', path, raw], ['dcmdjpeg', path, raw], ['dcmdjpls', path, raw]):
            if subprocess.run(cmd, capture_output=True).returncode == 0:
                try:
                    plain = pydicom.dcmread(raw)
                    return plain, plain.pixel_array, cmd[0]
                except Exception:
                    continue
    return ds, None, None


def expect(n, name):
    path = os.path.join(root, name)
    try:
        ds = pydicom.dcmread(path)
    except Exception as e:
        return {'readable': False, 'error': str(e)[:120]}
    if 'PixelData' not in ds:
        return {'readable': True, 'pixels': False}
    try:
        plain, arr, via = decode(path)
    except Exception as e:
        return {'readable': True, 'pixels': True, 'decoded': False, 'error': str(e)[:120]}
    if arr is None:
        return {'readable': True, 'pixels': True, 'decoded': False}
    frames = int(getattr(plain, 'NumberOfFrames', 1) or 1)
    samples = int(plain.SamplesPerPixel)
    arr = masked(plain, arr).reshape(frames, int(plain.Rows), int(plain.Columns), samples)
    arr.astype('<f8').tofile(os.path.join(out, f'{n}.f64'))
    return {
        'readable': True, 'pixels': True, 'decoded': True, 'via': via, 'bin': f'{n}.f64',
        'frames': frames, 'samples': samples,
        'photometric': str(plain.PhotometricInterpretation),
    }


names = [n for n in sorted(os.listdir(root)) if os.path.isfile(os.path.join(root, n))]
# gdcm/dcmtk run as child processes, so threads overlap them despite the GIL.
with ThreadPoolExecutor(max_workers=4) as pool:
    for name, entry in zip(names, pool.map(expect, range(len(names)), names)):
        index[name] = entry
print(json.dumps(index))
