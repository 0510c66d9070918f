"""Regenerates the images of the tiny hand-written Broden fixture (the CSVs are hand-written).

Run with any Python that has Pillow and numpy:  python3 make_tiny.py
The label maps below are also written out in ProbeFixtureTests.swift; change both together.
"""
import numpy as np
from PIL import Image

def seg(path, rows):
    labels = np.array(rows, dtype=np.uint32)
    rgb = np.zeros(labels.shape + (3,), dtype=np.uint8)
    rgb[..., 0] = labels % 256
    rgb[..., 1] = labels // 256
    rgb[..., 2] = 0
    Image.fromarray(rgb, "RGB").save(path)

def jpg(path, h, w, seed):
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB").save(path, quality=90)

jpg("images/pascal/one.jpg", 8, 8, 1)
seg("images/pascal/one_color.png", [[1, 1, 2, 2], [1, 1, 2, 2], [1, 1, 1, 1], [2, 2, 2, 2]])
seg("images/pascal/one_object.png", [[0, 3, 3, 0], [0, 3, 3, 0], [5, 5, 0, 0], [5, 5, 0, 0]])
seg("images/pascal/one_part_1.png", [[0, 10, 10, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
seg("images/pascal/one_part_2.png", [[0, 10, 0, 0], [0, 0, 11, 0], [5, 0, 0, 0], [0, 0, 0, 0]])
jpg("images/pascal/two.jpg", 8, 6, 2)
seg("images/pascal/two_material.png", [[6, 6, 6], [6, 0, 0], [0, 0, 0], [0, 0, 300]])
seg("images/pascal/two_color.png", [[1, 2, 1], [2, 1, 2], [1, 2, 1], [2, 1, 2]])
jpg("images/dtd/striped_1.jpg", 8, 8, 3)
seg("images/dtd/striped_1_color.png", [[2, 2, 2, 2], [1, 1, 1, 1], [2, 2, 2, 2], [1, 1, 1, 1]])
