#!/usr/bin/env python3
"""Writes the quantile fixture: float32 arrays and numpy.quantile(values, p) for each.

Run from this folder with numpy >= 2 to re-record: python3 make_quantile_fixture.py
The Swift tests (QuantileTests) read quantile/cases.json and quantile/*.npy.
"""
import json
import numpy as np

rng = np.random.default_rng(20261127)
cases = []


def add(name, values, ps):
    values = np.asarray(values, dtype=np.float32)
    np.save(f"quantile/{name}.npy", values)
    for p in ps:
        q = np.quantile(values, p)
        assert q.dtype == np.float32
        cases.append({"file": f"{name}.npy", "p": p,
                      "expected_bits": int(np.float32(q).view(np.uint32))})


ps = [0.995, 1 - 0.005, 1 - 0.01, 0.5, 0.3, 0.0, 1.0, 0.999, 0.75]
add("one", [3.25], ps)
add("two", [1.0, -2.5], ps)
add("three", [0.1, 0.7, 0.3], ps)
add("ties", [1, 1, 1, 2, 2, 3, 3, 3, 3, 0], ps)
add("normal_1000", rng.standard_normal(1000), ps)
add("relu_4999", np.maximum(rng.standard_normal(4999) * 3 + 0.5, 0), ps)
add("wide_20000", rng.standard_normal(20000) * 1e4, ps)
add("tiny_777", rng.random(777) * 1e-30, ps)

with open("quantile/cases.json", "w") as f:
    json.dump(cases, f, indent=1)
print(len(cases), "cases")
