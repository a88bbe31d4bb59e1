"""pydicom reading the same files as the Node bench: dcmread + pixel_array + rescale, per file.

Prints JSON {seconds, cpuSeconds, minorFaults, files, bytes, maxRssKb}. Run with Debian's /usr/bin/python3.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import pydicom

files = [line.strip() for line in open(sys.argv[1]) if line.strip()]
f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
t0 = time.perf_counter()
c0 = time.process_time()
total = 0
for f in files:
    ds = pydicom.dcmread(f)
    arr = ds.pixel_array.astype(np.float32)
    arr = arr * float(getattr(ds, 'RescaleSlope', 1) or 1) + float(getattr(ds, 'RescaleIntercept', 0) or 0)
    total += os.path.getsize(f)
seconds = time.perf_counter() - t0
cpu_seconds = time.process_time() - c0
minor_faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
print(json.dumps({'seconds': seconds, 'cpuSeconds': cpu_seconds, 'minorFaults': minor_faults,
                  'files': len(files), 'bytes': total,
                  'maxRssKb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
