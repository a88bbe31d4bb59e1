"""Drops the page-cache pages of the listed files (posix_fadvise DONTNEED) so that the next read
of each comes from disk: the cold-cache runs of `npm run bench:ingest`. Only these files are
touched; nothing else on the machine is evicted.
"""
import os
import sys

for f in [line.strip() for line in open(sys.argv[1]) if line.strip()]:
    fd = os.open(f, os.O_RDONLY)
    try:
        os.fsync(fd)  # dirty pages cannot be dropped
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
