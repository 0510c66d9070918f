#!/usr/bin/env python3
"""Baseline for benchmarks/tally: NetDissect-Lite's tally loop, in numpy, on the same data.

    tally_numpy.py generate DIR [--images N] [--seed S]   writes the shared data
    tally_numpy.py run DIR                                 times the loop, prints JSON

The loop follows NetDissect-Lite's `tally_job`: for every image and every unit whose map
maximum exceeds the threshold, upsample the 7x7 map to the segmentation size (bilinear,
half-pixel, border-clamped; here as two small matrix products), take the pixels above the
threshold, bincount the labels under them, and add the unit's area to the categories it touches
(the `lite` union rule); image-level (scene) labels get the whole area.
"""
import json
import sys
import time

import numpy as np

UNITS, H, W, SH, SW = 512, 7, 7, 112, 112
# Label id ranges per category: color 1-11, object 12-111, part 112-161 (pixel), scene 162-181.
RANGES = {"color": (1, 11), "object": (12, 111), "part": (112, 161), "scene": (162, 181)}
PIXEL = ["color", "object", "part"]


def interpolation_matrix(source, target):
    m = np.zeros((target, source), dtype=np.float32)
    for t in range(target):
        s = min(max((t + 0.5) * source / target - 0.5, 0.0), source - 1.0)
        i0 = int(np.floor(s)); i1 = min(i0 + 1, source - 1); w = np.float32(s - i0)
        m[t, i0] += 1 - w
        m[t, i1] += w
    return m


def blobs(rng, lo, hi, fill):
    """A 112x112 label map of a few rectangles with labels from [lo, hi]."""
    seg = np.zeros((SH, SW), dtype=np.int64)
    if rng.random() > fill:
        return seg
    for _ in range(rng.integers(1, 6)):
        y, x = rng.integers(0, SH - 8, 2)
        h, w = rng.integers(8, 60, 2)
        seg[y:y + h, x:x + w] = rng.integers(lo, hi + 1)
    return seg


def generate(directory, images, seed):
    rng = np.random.default_rng(seed)
    acts = np.maximum(rng.standard_normal((images, UNITS, H, W)).astype(np.float32), 0)
    # Some spatial structure: a random bump per (image, unit).
    acts += (rng.random((images, UNITS, 1, 1)) * 2).astype(np.float32) * np.exp(
        -((np.arange(H)[:, None] - 3) ** 2 + (np.arange(W)[None, :] - 3) ** 2) / 4).astype(np.float32)
    segs = np.stack([np.stack([blobs(rng, *RANGES[c], fill) for c, fill in zip(PIXEL, (1.0, 0.8, 0.4))])
                     for _ in range(images)]).astype(np.float32)
    scenes = np.where(rng.random(images) < 0.5, rng.integers(RANGES["scene"][0], RANGES["scene"][1] + 1, images), 0)
    flat = acts.transpose(1, 0, 2, 3).reshape(UNITS, -1)
    thresholds = np.quantile(flat, 1 - 0.005, axis=1).astype(np.float32)
    np.save(f"{directory}/acts.npy", acts)
    np.save(f"{directory}/segs.npy", segs)
    np.save(f"{directory}/scenes.npy", scenes.astype(np.float32))
    np.save(f"{directory}/thresholds.npy", thresholds)


def run(directory):
    acts = np.load(f"{directory}/acts.npy")
    segs = np.load(f"{directory}/segs.npy").astype(np.int64)
    scenes = np.load(f"{directory}/scenes.npy").astype(np.int64)
    thresholds = np.load(f"{directory}/thresholds.npy")
    labels = RANGES["scene"][1] + 1
    labelcat = np.zeros((labels, 4), dtype=np.int64)
    for k, c in enumerate(["color", "object", "part", "scene"]):
        lo, hi = RANGES[c]
        labelcat[lo:hi + 1, k] = 1
    ry, rx = interpolation_matrix(H, SH), interpolation_matrix(W, SW)
    tally_both = np.zeros((UNITS, labels), dtype=np.int64)
    tally_units = np.zeros(UNITS, dtype=np.int64)
    tally_units_cat = np.zeros((UNITS, 4), dtype=np.int64)
    start = time.perf_counter()
    for i in range(acts.shape[0]):
        pixels = segs[i]
        scalars = [scenes[i]] if scenes[i] else []
        for unit in range(UNITS):
            feature_map = acts[i, unit]
            if feature_map.max() > thresholds[unit]:
                mask = ry @ feature_map @ rx.T
                indexes = np.argwhere(mask > thresholds[unit])
                tally_units[unit] += len(indexes)
                if len(indexes) == 0:
                    continue
                tally_bt = np.bincount(pixels[:, indexes[:, 0], indexes[:, 1]].ravel(), minlength=labels)
                tally_bt[0] = 0
                tally_units_cat[unit] += len(indexes) * (np.dot(tally_bt, labelcat) > 0)
                tally_both[unit] += tally_bt
                for scalar in scalars:
                    tally_both[unit, scalar] += len(indexes)
                if scalars:
                    tally_units_cat[unit] += len(indexes) * (labelcat[scalars].sum(0) > 0)
    elapsed = time.perf_counter() - start
    print(json.dumps({"images": int(acts.shape[0]), "seconds": elapsed,
                      "intersections": int(tally_both.sum()), "area": int(tally_units.sum()),
                      "unions": int(tally_units_cat.sum())}))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        args = sys.argv[3:]
        images = int(args[args.index("--images") + 1]) if "--images" in args else 200
        seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
        generate(sys.argv[2], images, seed)
    else:
        run(sys.argv[2])
