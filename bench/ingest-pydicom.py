"""pydicom reading the same files as the Node bench: dcmread + pixel_array + float32 rescale, per file.

Run with Debian's /usr/bin/python3. Stays alive for the whole bench so that the Node process never
forks between its own timed runs (a fork marks the parent's memory copy-on-write, and the next run
then pays one page fault per page it writes). Reads one command per line on stdin and answers one
JSON line on stdout:

  run <list>    reads every file named in <list>; answers {seconds, cpuSeconds, minorFaults, files, bytes}
  evict <list>  drops those files from the page cache (posix_fadvise DONTNEED, after fsync: dirty pages
                cannot be dropped); answers {} once done. Nothing else on the machine is evicted.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import pydicom


def files_in(list_path):
    return [line.strip() for line in open(list_path) if line.strip()]


def read_all(files):
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    t0 = time.perf_counter()
    c0 = time.process_time()
    total = 0
    for f in files:
        ds = pydicom.dcmread(f)
        arr = ds.pixel_array.astype(np.float32)
        arr = arr * float(getattr(ds, 'RescaleSlope', 1) or 1) + float(getattr(ds, 'RescaleIntercept', 0) or 0)
        total += os.path.getsize(f)
    return {'seconds': time.perf_counter() - t0, 'cpuSeconds': time.process_time() - c0,
            'minorFaults': resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0,
            'files': len(files), 'bytes': total}


def evict(files):
    for f in files:
        fd = os.open(f, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return {}


for line in sys.stdin:
    op, _, arg = line.strip().partition(' ')
    answer = read_all(files_in(arg)) if op == 'run' else evict(files_in(arg)) if op == 'evict' else None
    if answer is None:
        answer = {'error': f'unknown command {op!r}'}
    print(json.dumps(answer), flush=True)
