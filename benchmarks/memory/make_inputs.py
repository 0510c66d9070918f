#!/usr/bin/env python3
"""Inputs for benchmarks/memory: a Broden-layout probe of N images with 112x112 segmentations and a
float32 (N, 512, 7, 7) activation file (ResNet-18 layer4's shape), written in chunks so this
script itself stays small in memory.

    make_inputs.py DIR --images 63000 [--no-images]

--no-images writes index rows pointing at images that are not written (an --activations run never
reads them); otherwise each image is a 224x224 JPEG.
"""
import os
import sys

import numpy as np
from PIL import Image

directory = sys.argv[1]
args = sys.argv[2:]
images = int(args[args.index("--images") + 1]) if "--images" in args else 63000
write_images = "--no-images" not in args
rng = np.random.default_rng(0)
os.makedirs(f"{directory}/images/synth", exist_ok=True)
names = {"color": (1, 11), "object": (12, 111), "part": (112, 161), "scene": (162, 181), "texture": (182, 200)}
with open(f"{directory}/category.csv", "w") as f:
    f.write("name,first,last,count,frequency\n")
    for c, (lo, hi) in names.items():
        f.write(f"{c},{lo},{hi},{hi - lo + 1},{images}\n")
with open(f"{directory}/label.csv", "w") as f:
    f.write("number,name,category,frequency,coverage,syns\n")
    for c, (lo, hi) in names.items():
        for i in range(lo, hi + 1):
            f.write(f"{i},{c}{i},{c}(1),1,1.0,\n")
for c, (lo, hi) in names.items():
    with open(f"{directory}/c_{c}.csv", "w") as f:
        f.write("code,number,name,frequency,coverage\n")
        for k, i in enumerate(range(lo, hi + 1)):
            f.write(f"{k + 1},{i},{c}{i},1,1.0\n")

# A few distinct segmentation PNGs reused by many rows keep the writing fast; the reader decodes
# each row's files anyway.
templates = []
for t in range(64):
    layer = []
    for c in ("color", "object", "part"):
        lo, hi = names[c]
        seg = np.zeros((112, 112), dtype=np.int64)
        for _ in range(rng.integers(1, 6)):
            y, x = rng.integers(0, 100, 2)
            h, w = rng.integers(8, 60, 2)
            seg[y:y + h, x:x + w] = rng.integers(lo, hi + 1)
        rgb = np.zeros((112, 112, 3), dtype=np.uint8)
        rgb[..., 0] = seg % 256
        rgb[..., 1] = seg // 256
        path = f"synth/seg_{t}_{c}.png"
        Image.fromarray(rgb).save(f"{directory}/images/{path}")
        layer.append(path)
    templates.append(layer)
with open(f"{directory}/index.csv", "w") as f:
    f.write("image,split,ih,iw,sh,sw,color,object,part,scene,texture\n")
    for i in range(images):
        color, obj, part = templates[i % len(templates)]
        image = f"synth/{i}.jpg"
        if write_images:
            pixels = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(f"{directory}/images/{image}", quality=85)
        f.write(f"{image},train,224,224,112,112,{color},{obj},{part},{162 + i % 20},\n")

with open(f"{directory}/layer4.npy", "wb") as f:
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, 512, 7, 7), }" % images
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())
    for start in range(0, images, 1000):
        n = min(1000, images - start)
        f.write(np.maximum(rng.standard_normal((n, 512, 7, 7)), 0).astype("<f4").tobytes())
print(f"wrote {images} rows to {directory}")
