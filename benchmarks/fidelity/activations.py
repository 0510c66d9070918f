#!/usr/bin/env python3
"""A layer's activations on every probe image, as the float32 (N, C, H, W) .npy `dissect --activations` reads.

    activations.py PROBE MODEL.onnx LAYER OUT.npy [--netdissect BIN] [--batch 50] [--limit N]

Images are decoded with Pillow at their stored size, scaled to [0, 1] and normalised with
torchvision's ImageNet mean and standard deviation (netdissect's default); each batch is run by
`netdissect infer MODEL --layer LAYER`, and the outputs are written in index.csv order. The
decoder is not netdissect's, so these activations can differ from a `dissect --model` run in the
last bits; that does not matter here, since the engine and recount.py both read this file.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
from numpy.lib.format import open_memmap
from PIL import Image

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def load(path):
    """One image as normalised float32 (3, H, W)."""
    with Image.open(path) as im:
        x = np.asarray(im.convert("RGB"), dtype=np.float32) / np.float32(255)
    return ((x - MEAN) / STD).transpose(2, 0, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("probe")
    parser.add_argument("model")
    parser.add_argument("layer")
    parser.add_argument("out")
    parser.add_argument("--netdissect", default=".build/release/netdissect")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    index_path = os.path.join(args.probe, "index.csv")
    if not os.path.isfile(index_path):
        sys.exit(f"activations: {index_path}: no such file; give a Broden-layout probe directory")
    with open(index_path, newline="") as f:
        images = [row["image"] for row in csv.DictReader(f)]
    if args.limit is not None:
        images = images[:args.limit]
    out = None
    with tempfile.TemporaryDirectory() as work:
        x_path, y_path = os.path.join(work, "x.npy"), os.path.join(work, "y.npy")
        for start in range(0, len(images), args.batch):
            names = images[start:start + args.batch]
            np.save(x_path, np.stack([load(os.path.join(args.probe, "images", n)) for n in names]))
            done = subprocess.run([args.netdissect, "infer", args.model, "--input", x_path, "--output", y_path,
                                   "--layer", args.layer], stdout=subprocess.DEVNULL)
            if done.returncode != 0:
                sys.exit(f"activations: netdissect infer failed on images {start}..{start + len(names) - 1}")
            y = np.load(y_path)
            if y.ndim != 4 or y.shape[0] != len(names):
                sys.exit(f"activations: layer {args.layer} gave shape {y.shape}; a (N, C, H, W) map is needed")
            if out is None:
                out = open_memmap(args.out, mode="w+", dtype=np.float32, shape=(len(images),) + y.shape[1:])
            out[start:start + len(names)] = y
            print(f"activations: {start + len(names)}/{len(images)} images", file=sys.stderr)
    out.flush()
    print(f"activations: wrote {args.out}, shape {out.shape}", file=sys.stderr)


if __name__ == "__main__":
    main()
