"""Baseline for benchmarks/decode: load a Broden-layout dataset the way the published Network
Dissection code does (PIL.Image.open + numpy.array for the image; for each segmentation PNG,
numpy.array of the PIL image, then R + 256 * G), and report images/s.

    python pillow_decode.py DATASET [--workers N] [--repeats R]

With --workers > 1 the rows are spread over a multiprocessing pool in index order (imap), as
the published code prefetches with a pool of processes.
"""
import argparse
import csv
import multiprocessing
import os
import time

import numpy as np
from PIL import Image

CATEGORIES = ["color", "object", "material", "part", "scene", "texture"]
PIXEL = {"color", "object", "material", "part"}
IMAGES = ""


def load(row):
    image = np.array(Image.open(os.path.join(IMAGES, row["image"])).convert("RGB"))
    checksum = int(image[image.shape[0] // 2, image.shape[1] // 2, 0])
    for category in CATEGORIES:
        cell = row.get(category, "")
        if not cell:
            continue
        if category in PIXEL:
            for path in cell.split(";"):
                rgb = np.array(Image.open(os.path.join(IMAGES, path)))
                labels = rgb[:, :, 0].astype(np.int32) + rgb[:, :, 1].astype(np.int32) * 256
                checksum += int(labels[labels.shape[0] // 2, labels.shape[1] // 2])
        else:
            ids = [int(x) for x in cell.split(";") if x and int(x) != 0]
            checksum += len(ids)
    return checksum


def init(images):
    global IMAGES
    IMAGES = images


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with open(os.path.join(args.dataset, "index.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    images = os.path.join(args.dataset, "images")
    init(images)
    best = float("inf")
    best_cpu = float("inf")
    checksum = 0
    pool = multiprocessing.Pool(args.workers, initializer=init, initargs=(images,)) if args.workers > 1 else None
    for _ in range(args.repeats):
        start = time.perf_counter()
        cpu = time.process_time()
        if pool:
            checksum = sum(pool.imap(load, rows, chunksize=16))
        else:
            checksum = sum(load(row) for row in rows)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    if pool:
        pool.close()
    print(f"pillow decode: {len(rows)} records, {args.workers} workers: {best:.3f} s, {len(rows) / best:.1f} images/s, CPU {best_cpu:.3f} s = {best_cpu * 1000 / len(rows):.2f} ms/image"
          f"{' (this process only)' if pool else ''} (checksum {checksum})")


if __name__ == "__main__":
    main()
