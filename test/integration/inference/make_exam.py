"""Writes a small two-sequence SIJ-like MR exam with pydicom, for the inference tests.

Independent of the project's phantom and DICOM code: geometry and pixel values here are the
truth the tests check against. Usage:
  make_exam.py OUT [--orientation semicoronal|axial] [--sequences t1,stir] [--slices 12]
                   [--size 96] [--lesion] [--seed 1]
"""
import argparse
import math
import os

import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

MR_STORAGE = "1.2.840.10008.5.1.4.1.1.4"


def geometry(orientation):
    if orientation == "axial":
        return (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)
    t = math.radians(30)  # semicoronal: coronal tilted 30 degrees about left-right
    return (1.0, 0.0, 0.0), (0.0, math.sin(t), -math.cos(t))


def image(kind, n, k, slices, lesion, rng):
    y, x = np.mgrid[0:n, 0:n]
    c = (n - 1) / 2
    body = ((x - c) / (0.45 * n)) ** 2 + ((y - c) / (0.4 * n)) ** 2 < 1
    fat = body & ~(((x - c) / (0.38 * n)) ** 2 + ((y - c) / (0.33 * n)) ** 2 < 1)
    bone = (np.abs(x - c) > 0.08 * n) & (np.abs(x - c) < 0.3 * n) & (np.abs(y - c) < 0.2 * n)
    img = np.zeros((n, n))
    if kind == "t1":
        img[body] = 400; img[fat] = 900; img[bone] = 700
    else:
        img[body] = 300; img[fat] = 60; img[bone] = 120
    if lesion and abs(k - slices // 2) <= 1:
        blob = ((x - (c + 0.18 * n)) ** 2 + (y - c) ** 2) < (0.06 * n) ** 2
        img[blob] = 250 if kind == "t1" else 900
    img += rng.normal(0, 10, img.shape)
    return np.clip(img, 0, 4000).astype(np.uint16)


def write_series(out, kind, args, study_uid, frame_uid):
    row, col = geometry(args.orientation)
    normal = np.cross(row, col)
    folder = os.path.join(out, kind.upper())
    os.makedirs(folder, exist_ok=True)
    series_uid = generate_uid()
    rng = np.random.default_rng(args.seed * 10 + (kind == "stir"))
    spacing, thickness = 1.5, 4.0
    for k in range(args.slices):
        origin = (np.array([-70.0, -20.0, 40.0]) + k * thickness * normal
                  - (args.size - 1) / 2 * spacing * np.array(col))
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = MR_STORAGE
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID = MR_STORAGE
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.Modality = "MR"
        ds.PatientID = "TEST" + str(args.seed)
        ds.PatientName = "Test^Exam"
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series_uid
        ds.FrameOfReferenceUID = frame_uid
        ds.StudyDate = "20260101"
        ds.SeriesNumber = 1 if kind == "t1" else 2
        ds.InstanceNumber = k + 1
        if kind == "t1":
            ds.SeriesDescription = "t1_tse_cor"
            ds.ScanningSequence = "SE"
            ds.RepetitionTime = 650
            ds.EchoTime = 11
        else:
            ds.SeriesDescription = "tirm_cor"
            ds.ScanningSequence = ["SE", "IR"]
            ds.RepetitionTime = 5000
            ds.EchoTime = 40
            ds.InversionTime = 160
        ds.ImageType = ["ORIGINAL", "PRIMARY", "M"]
        ds.ImagePositionPatient = [float(v) for v in origin]
        ds.ImageOrientationPatient = [float(v) for v in (*row, *col)]
        ds.PixelSpacing = [spacing, spacing]
        ds.SliceThickness = thickness
        ds.Rows = ds.Columns = args.size
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 12
        ds.HighBit = 11
        ds.PixelRepresentation = 0
        ds.PixelData = image(kind, args.size, k, args.slices, args.lesion, rng).tobytes()
        ds.save_as(os.path.join(folder, f"IM{k + 1:04d}.dcm"), write_like_original=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--orientation", default="semicoronal", choices=["semicoronal", "axial"])
    p.add_argument("--sequences", default="t1,stir")
    p.add_argument("--slices", type=int, default=12)
    p.add_argument("--size", type=int, default=96)
    p.add_argument("--lesion", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    study_uid, frame_uid = generate_uid(), generate_uid()
    for kind in args.sequences.split(","):
        write_series(args.out, kind, args, study_uid, frame_uid)


if __name__ == "__main__":
    main()
