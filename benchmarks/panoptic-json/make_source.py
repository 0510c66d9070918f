#!/usr/bin/env python3
"""Input for benchmarks/panoptic-json: a COCO panoptic source whose annotations JSON is large
(panoptic_train2017.json is about 0.5 GB), with one image really there, so that
`netdissect probe import --format coco-panoptic SRC --limit 1` reads the whole JSON and imports
one image. Python's standard library only; the JSON is written in pieces.

    make_source.py DIR --megabytes 200

Entries look like COCO's own (cocodataset.org/#format-data, panoptic): 133 categories
(80 things, 53 stuff), per image an `images` entry and an `annotations` entry of 11 segments,
in the order COCO's file has them: info, licenses, images, annotations, categories.
"""
import json
import os
import struct
import sys
import zlib

directory = sys.argv[1]
args = sys.argv[2:]
megabytes = float(args[args.index("--megabytes") + 1]) if "--megabytes" in args else 200.0
SEGMENTS = 11
# One image: an images entry (~230 bytes) and an annotations entry (~95 bytes a segment).
per_image = 230 + 60 + 95 * SEGMENTS
count = max(1, int(megabytes * 1e6 / per_image))

os.makedirs(f"{directory}/annotations/panoptic_train2017", exist_ok=True)
os.makedirs(f"{directory}/train2017", exist_ok=True)


def png_rgb(width, height, pixel):
    """An 8-bit RGB PNG, every row from `pixel(x, y) -> (r, g, b)`."""
    raw = b"".join(b"\x00" + bytes(v for x in range(width) for v in pixel(x, y)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def segment_id(image, k):
    return (image * 37 + k * 7919) % (256 ** 3 - 1) + 1


# Image 1 is real: a 32x32 picture and its mask of two segments (left half, right half).
side = 32
with open(f"{directory}/train2017/000000000001.jpg", "wb") as f:   # PNG bytes; decoded by signature
    f.write(png_rgb(side, side, lambda x, y: (x * 8, y * 8, 128)))
ids = [segment_id(1, 0), segment_id(1, 1)]
def mask(x, y):
    s = ids[0] if x < side // 2 else ids[1]
    return (s % 256, s // 256 % 256, s // 65536)
with open(f"{directory}/annotations/panoptic_train2017/000000000001.png", "wb") as f:
    f.write(png_rgb(side, side, mask))

categories = [{"supercategory": "thing%d" % (i // 10), "isthing": 1, "id": i + 1, "name": "thing %d" % i} for i in range(80)]
categories += [{"supercategory": "stuff%d" % (i // 10), "isthing": 0, "id": 92 + i, "name": "stuff %d" % i} for i in range(53)]
category_ids = [c["id"] for c in categories]

with open(f"{directory}/annotations/panoptic_train2017.json", "w") as f:
    f.write('{"info": {"description": "generated for benchmarks/panoptic-json", "version": "1.0", "year": 2017}, ')
    f.write('"licenses": [{"url": "http://creativecommons.org/licenses/by-nc-sa/2.0/", "id": 1, "name": "Attribution-NonCommercial-ShareAlike License"}], ')
    f.write('"images": [')
    for i in range(1, count + 1):
        entry = {"license": 1 + i % 8, "file_name": "%012d.jpg" % i,
                 "coco_url": "http://images.cocodataset.org/train2017/%012d.jpg" % i,
                 "height": side if i == 1 else 480, "width": side if i == 1 else 640,
                 "date_captured": "2013-11-14 16:28:13",
                 "flickr_url": "http://farm4.staticflickr.com/3153/%012d_f2.jpg" % i, "id": i}
        f.write(("" if i == 1 else ", ") + json.dumps(entry))
    f.write('], "annotations": [')
    for i in range(1, count + 1):
        segments = [{"id": segment_id(i, k), "category_id": category_ids[(i + 5 * k) % len(category_ids)],
                     "iscrowd": 0, "bbox": [k * 13 % 600, k * 7 % 400, 40 + k, 30 + k], "area": 1200 + k * 31}
                    for k in range(2 if i == 1 else SEGMENTS)]
        entry = {"segments_info": segments, "file_name": "%012d.png" % i, "image_id": i}
        f.write(("" if i == 1 else ", ") + json.dumps(entry))
    f.write('], "categories": ')
    f.write(json.dumps(categories))
    f.write("}\n")
print(f"{directory}: {count} images, {os.path.getsize(directory + '/annotations/panoptic_train2017.json') / 1e6:.1f} MB of JSON")
