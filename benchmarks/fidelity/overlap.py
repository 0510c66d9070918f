#!/usr/bin/env python3
"""Gives a Broden-layout probe overlapping segmentation layers: one label on one pixel in two layers.

    overlap.py PROBE [--fraction 0.5] [--seed 1]

`netdissect synth` never puts one label on one pixel in two layers (its two part layers hold
different parts, and a name shared by two categories, such as grass, is drawn in one of them
per image), so on its probes counting a pixel once per label or once per layer gives the same
sums. Real Broden pools annotation sources, and two of them can label the same thing. This
script makes that happen, in place:

- a `--fraction` of the images that have an object, part or material layer are chosen (seeded);
- for each such category of a chosen image, an extra layer `<first layer>_dup.png` is written
  and appended to the image's cell in index.csv: it holds a random half (at least one) of the
  labels of the category's first layer, on exactly the pixels that layer gives them, and 0
  elsewhere; as if a second source had labelled some of the same things;
- colour layers are left alone (Broden computes one per image).

The set of labels each pixel carries does not change, so category.csv, label.csv and
c_<category>.csv stay exact (their frequencies and coverages count a pixel once per label).
OVERLAP.txt records what was done; a probe that has it is refused, so the step runs once.
Prints one JSON line: images chosen, layers added, and pixels that now carry a label twice.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
from PIL import Image

MARKER = "OVERLAP.txt"
SKIP = {"color"}


def read_labels(path):
    """Label ids of an RGB segmentation PNG (R + 256 G), as int64 (sh, sw)."""
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"), dtype=np.int64)
    return rgb[:, :, 0] + 256 * rgb[:, :, 1]


def write_labels(path, labels):
    rgb = np.zeros(labels.shape + (3,), dtype=np.uint8)
    rgb[:, :, 0] = labels % 256
    rgb[:, :, 1] = labels // 256
    Image.fromarray(rgb, "RGB").save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("probe")
    parser.add_argument("--fraction", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 0 <= args.fraction <= 1:
        sys.exit(f"overlap: --fraction {args.fraction} is not in [0, 1]")
    index_path = os.path.join(args.probe, "index.csv")
    if not os.path.isfile(index_path):
        sys.exit(f"overlap: {index_path}: no such file; give a Broden-layout probe directory")
    if os.path.exists(os.path.join(args.probe, MARKER)):
        sys.exit(f"overlap: {args.probe} already has overlapping layers ({MARKER}); start from a fresh probe")

    with open(index_path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    fixed = ["image", "split", "ih", "iw", "sh", "sw"]
    if header[:6] != fixed:
        sys.exit(f"overlap: {index_path}: header does not start with {','.join(fixed)}")
    categories = [c for c in header[6:] if c]
    pixel = [c for c in categories if c not in ("scene", "texture")]
    wanted = [header.index(c) for c in pixel if c not in SKIP]

    rng = np.random.default_rng(args.seed)
    chosen = added = twice = 0
    for row in body:
        cells = [(k, [p for p in row[k].split(";") if p]) for k in wanted if k < len(row)]
        cells = [(k, paths) for k, paths in cells if paths]
        # Draw for every candidate image, so the choice of one image does not depend on another's layers.
        if not cells or rng.random() >= args.fraction:
            continue
        chosen += 1
        for k, paths in cells:
            first = os.path.join(args.probe, "images", paths[0])
            labels = read_labels(first)
            present = np.unique(labels[labels != 0])
            if len(present) == 0:
                continue
            keep = rng.choice(present, size=max(1, len(present) // 2), replace=False)
            dup = np.where(np.isin(labels, keep), labels, 0)
            stem, ext = os.path.splitext(paths[0])
            relative = f"{stem}_dup{ext}"
            write_labels(os.path.join(args.probe, "images", relative), dup)
            row[k] = ";".join(paths + [relative])
            added += 1
            twice += int((dup != 0).sum())

    with open(index_path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + body)
    summary = {"images": len(body), "chosen": chosen, "layers_added": added, "pixels_twice": twice,
               "fraction": args.fraction, "seed": args.seed}
    with open(os.path.join(args.probe, MARKER), "w") as f:
        f.write("Overlapping layers added by benchmarks/fidelity/overlap.py: for a fraction of the images, each\n"
                "object, part or material cell lists an extra layer <first layer>_dup.png repeating a random half\n"
                "of that layer's labels on the same pixels. Label sets per pixel, and so the tables, are unchanged.\n"
                + json.dumps(summary) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
