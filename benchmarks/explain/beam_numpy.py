"""Mu and Andreas's beam search in plain NumPy: the baseline benchmarks/explain/run times against.

Written from the description of compexp's `compute_best_iou` (Mu and Andreas, "Compositional
Explanations of Neurons", NeurIPS 2020; jayelm/compexp, vision/dissection/neuron.py), with dense
boolean masks as a NumPy programmer would hold them:

- every label's mask is one bool array over the probe's pixels (images concatenated);
- the first beam is the `beam` labels of largest IoU among those that meet the unit's mask;
- each step extends every beam formula (in beam order) by every label (ascending id) with OR,
  AND, AND NOT (np.logical_or / np.logical_and / np.logical_and with the negation), counts the
  new mask's pixels and its pixels inside the unit's mask, and keeps the `beam` formulas of
  largest IoU among the old beam and the new ones (a stable sort, so equal IoUs keep their order);
- the answer for length k is the head of the beam after step k - 1.

IoUs are float64 `inter / (area + unit - inter)`: for counts below 2^53 two equal fractions give
the same double and two different ones different doubles, so the ranking is the exact ranking
netdissect uses (compexp adds 1e-10 to the denominator; that is left out here, as in netdissect).

One help to the baseline: a candidate's intersection with the unit is counted on the unit's pixel
indices only (`mask[unit_index]`), not by a second full-probe AND. What is timed is the search
only; loading and unpacking the masks and counting each label's pixels (compexp's
`tally_labels`, once per probe) are not.

    beam_numpy.py DUMP --length N --beam B --rounds R > results.json

DUMP is what `netdissect explain RUN --dump DUMP` writes: labels.npy and units.npy (uint8, one
row per label or unit, the probe's pixel bits packed little-endian, np.packbits(bitorder="little")
layout) and dump.json (pixels, label ids and names, units). Prints JSON: per unit, the formulas
of lengths 1..N with their counts, and the seconds of each round.
"""
import json
import sys
import time

import numpy as np

OPS = ("OR", "AND", "AND NOT")


def load(dump):
    meta = json.load(open(f"{dump}/dump.json"))
    pixels = meta["pixels"]
    # (labels, bytes) uint8 -> (labels, pixels) bool
    labels = np.unpackbits(np.load(f"{dump}/labels.npy"), axis=1, count=pixels, bitorder="little").astype(bool)
    units = np.unpackbits(np.load(f"{dump}/units.npy"), axis=1, count=pixels, bitorder="little").astype(bool)
    if labels.shape[0] != len(meta["labels"]) or units.shape[0] != len(meta["units"]):
        sys.exit(f"{dump}: labels.npy/units.npy rows do not match dump.json")
    return meta, labels, units


def text(formula, names):
    """`(a OR b) AND NOT c`: netdissect's text of a left-deep formula."""
    first, steps = formula
    s = names[first]
    for k, (op, label) in enumerate(steps):
        if k > 0:
            s = f"({s})"
        s += f" {OPS[op]} {names[label]}"
    return s


def mask_of(formula, labels):
    """The formula's mask (pixels,) bool, built left to right."""
    first, steps = formula
    out = labels[first].copy()
    for op, label in steps:
        if op == 0:
            np.logical_or(out, labels[label], out=out)
        elif op == 1:
            np.logical_and(out, labels[label], out=out)
        else:
            np.logical_and(out, np.logical_not(labels[label]), out=out)
    return out


def beam_search(labels, label_area, unit, max_length, width):
    """Heads of the beam after steps 0..max_length-1: [(formula, inter, area)] or [] when no
    label meets the unit."""
    unit_index = np.flatnonzero(unit)  # (m,)
    m = unit_index.size
    if m == 0:
        return []
    n = labels.shape[0]
    first = []
    for l in range(n):
        inter = int(np.count_nonzero(labels[l][unit_index]))
        if inter > 0:
            area = int(label_area[l])
            first.append((inter / (area + m - inter), ((l, ()), inter, area)))
    if not first:
        return []
    first.sort(key=lambda t: -t[0])  # stable: ascending label among equal IoUs
    beam = first[:width]
    heads = [beam[0][1]]
    scratch = np.empty(unit.shape, dtype=bool)
    not_label = np.empty(unit.shape, dtype=bool)
    for _ in range(max_length - 1):
        pool = list(beam)
        for _, (formula, _, _) in beam:
            parent = mask_of(formula, labels)
            for l in range(n):
                for op in range(3):
                    if op == 0:
                        np.logical_or(parent, labels[l], out=scratch)
                    elif op == 1:
                        np.logical_and(parent, labels[l], out=scratch)
                    else:
                        np.logical_not(labels[l], out=not_label)
                        np.logical_and(parent, not_label, out=scratch)
                    area = int(np.count_nonzero(scratch))
                    inter = int(np.count_nonzero(scratch[unit_index]))
                    child = (formula[0], formula[1] + ((op, l),))
                    pool.append((inter / (area + m - inter) if area + m - inter else 0.0, (child, inter, area)))
        pool.sort(key=lambda t: -t[0])
        beam = pool[:width]
        heads.append(beam[0][1])
    return heads


def simd():
    """The SIMD targets this NumPy build uses on this CPU (baseline and dispatched), e.g. X86_V3."""
    try:
        from numpy._core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
        return [f for f in list(__cpu_baseline__) + list(__cpu_dispatch__) if __cpu_features__.get(f)]
    except ImportError:
        return ["unknown"]


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    dump = args[0]
    opts = dict(zip(args[1::2], args[2::2]))
    length, width, rounds = int(opts.get("--length", 3)), int(opts.get("--beam", 10)), int(opts.get("--rounds", 1))
    meta, labels, units = load(dump)
    names = [l["name"] for l in meta["labels"]]
    label_area = labels.sum(axis=1)  # (labels,) compexp's tally_labels, once per probe
    out = {"units": [], "seconds": [], "threads": 1, "numpy": np.__version__, "simd": simd()}
    for r in range(rounds):
        start = time.perf_counter()
        results = [beam_search(labels, label_area, units[u], length, width) for u in range(units.shape[0])]
        out["seconds"].append(time.perf_counter() - start)
    for u, heads in enumerate(results):
        rows = []
        for k in range(length):
            if not heads:
                rows.append(None)
                continue
            formula, inter, area = heads[min(k, len(heads) - 1)]
            # Label indices -> ids for the formula's text and the comparison.
            rows.append({"formula": text(formula, names), "intersection": inter, "pixels": area})
        out["units"].append({"layer": meta["units"][u]["layer"], "unit": meta["units"][u]["unit"], "lengths": rows})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
