#!/usr/bin/env python3
"""Recounts a finished dissection three ways and says what the published codes' counting changes.

    recount.py --activations A.npy --probe DIR RUN [RUN ...] [--layer L] [--json FILE]

Every RUN is a finished run directory made by `netdissect dissect --activations A.npy --dataset
DIR` (one per union rule, typically `--union original` and `--union lite`; their thresholds must
agree). From each run only the per-unit thresholds T_u (table `units`) and the label catalogue
(tables `categories`, `labels`: primary categories) are taken; the masks and every sum are
recomputed here from the activations and the probe's files:

 (i)   the way docs/method.md says (unit masks, tally): bilinear upsampling with half-pixel
       alignment and border clamping, in float32 in netdissect's order of operations (rows of
       the map along x first, then along y; every `lerp` clamped to its two inputs), mask
       strictly above T_u; `L_l(i)` a set (a pixel carrying l in two layers counts once); label
       0 never a label; the union charged through the labels' primary categories. These sums
       must equal the run's `intersections`, `label_truth` and `unit_unions` tables exactly:
       that checks this script (and the engine) before any difference is reported;
 (ii)  per-layer counting, as both published codes count: G_l and I_ul add one per layer that
       carries l on a pixel (NetDissect-Lite `tally_job`: a bincount over the concatenated
       layers; NetDissect `intersect.tallyLabels`: the same over its label stack), and one
       whole image per listing of an image-level label. The unions do not change: an image
       carries a label, or a mask touches it, however many layers repeat it;
 (iii) label 0 from image-level cells, as the published codes count it when index.csv lists
       "0": G_0 gets a whole image and I_u0 the unit's whole mask per listing; label 0's
       primary category is the last category (no table lists it, and both codes break the
       coverage tie 0 = 0 towards the last category), where it competes. With the lite rule,
       as NetDissect-Lite: label 0 also charges that category's union (`labelcat[0]` is not
       zeroed), so every label of it gets a larger union on those images, and label 0's IoU
       is I / (U_{u,last} + G - I). With the original rule, as NetDissect: no union is charged
       (`labelcat[0,:] = 0`), and label 0's IoU is I / (G - I);
 (ii+iii) both.

Prints, per run, the exact-reproduction check and one row per variant against (i): units whose
best label changes, max and median |ΔIoU| of the unit's best score, detectors, unique detectors,
and how much the variant adds to ΣG and ΣI. Exits 1 when (i) does not reproduce a run.
"""
import argparse
import csv
import json
import math
import os
import sqlite3
import sys

import numpy as np
from PIL import Image


def fail(message):
    sys.exit(f"recount: {message}")


# ---------------------------------------------------------------- the run database

class Run:
    """What recount needs from a run directory."""

    def __init__(self, directory, layer):
        path = os.path.join(directory, "run.sqlite")
        if not os.path.isfile(path):
            fail(f"{path}: no such file; give a finished run directory")
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.directory = directory
        config = dict(db.execute("SELECT key, value FROM config"))
        settings = json.loads(config["json"])
        self.rule = settings["union"]
        self.made_from = {k: settings.get(k) for k in ("activations", "dataset")}
        self.iou_threshold = float(settings.get("iouThreshold", 0.04))
        status = db.execute("SELECT status FROM progress").fetchone()
        if not status or status[0] != "finished":
            fail(f"{path}: the run is not finished ({status[0] if status else 'no progress row'})")
        version = dict(db.execute("SELECT key, value FROM meta")).get("union_rule_version", "1")
        if version != "2":
            fail(f"{path}: made with union rule version {version}; recount follows version 2 (primary categories)")
        layers = [r[0] for r in db.execute("SELECT name FROM layers ORDER BY position")]
        if layer is None:
            if len(layers) != 1:
                fail(f"{path}: {len(layers)} layers ({', '.join(layers)}); name one with --layer")
            layer = layers[0]
        elif layer not in layers:
            fail(f"{path}: no layer '{layer}' (it has {', '.join(layers)})")
        self.layer = layer
        self.units, self.height, self.width = db.execute(
            "SELECT units, height, width FROM layers WHERE name = ?", (layer,)).fetchone()
        self.categories = [(name, kind) for _, name, kind in db.execute("SELECT id, name, kind FROM categories ORDER BY id")]
        self.labels = {i: (name, c) for i, name, c in db.execute("SELECT id, name, category FROM labels")}
        thresholds = dict(db.execute("SELECT unit, threshold FROM units WHERE layer = ?", (layer,)))
        if len(thresholds) != self.units or any(v is None for v in thresholds.values()):
            fail(f"{path}: layer {layer} lacks thresholds for some units")
        # Stored as the double of a float32: converting back is exact.
        self.thresholds = np.array([thresholds[u] for u in range(self.units)], dtype=np.float32)
        self.intersections = {(u, l): v for u, l, v in db.execute(
            "SELECT unit, label, intersection FROM intersections WHERE layer = ?", (layer,))}
        self.truth = dict(db.execute("SELECT label, truth FROM label_truth WHERE layer = ?", (layer,)))
        self.unions = {(u, c): v for u, c, v in db.execute(
            "SELECT unit, category, activation FROM unit_unions WHERE layer = ?", (layer,))}
        self.best = {u: (l, iou) for u, l, iou in db.execute("SELECT unit, label, iou FROM units WHERE layer = ?", (layer,))}
        self.images = [p for _, p in db.execute("SELECT id, path FROM images ORDER BY id")]
        self.skipped = {i for (i,) in db.execute("SELECT image FROM skipped")}
        db.close()


# ---------------------------------------------------------------- the probe

def read_index(probe, categories):
    """Per image: path, (sh, sw), pixel layer paths per category, raw image-level tokens per category."""
    path = os.path.join(probe, "index.csv")
    if not os.path.isfile(path):
        fail(f"{path}: no such file; give the probe directory the runs were made on")
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            pixel, tokens = {}, {}
            for c, (name, kind) in enumerate(categories):
                items = [s for s in (row.get(name) or "").split(";") if s]
                if kind == "pixel":
                    pixel[c] = items
                else:
                    tokens[c] = [int(s) for s in items if s.isdigit()]
            rows.append((row["image"], (int(row["sh"]), int(row["sw"])), pixel, tokens))
    return rows


def read_layer(probe, relative):
    """Label ids of a segmentation PNG: R + 256 G, int64 (sh, sw)."""
    with Image.open(os.path.join(probe, "images", relative)) as im:
        rgb = np.asarray(im.convert("RGB"), dtype=np.int64)
    return rgb[:, :, 0] + 256 * rgb[:, :, 1]


def lite_tie_labels(probe, categories):
    """Labels whose largest coverage is shared by two categories: NetDissect(-Lite) give them the
    last of those categories (max over (coverage, index)), netdissect the first."""
    coverage = {}
    for c, (name, _) in enumerate(categories):
        path = os.path.join(probe, f"c_{name}.csv")
        if not os.path.isfile(path):
            continue
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                coverage.setdefault(int(row["number"]), []).append((float(row["coverage"]), c))
    ties = []
    for label, entries in coverage.items():
        top = max(v for v, _ in entries)
        if sum(1 for v, _ in entries if v == top) > 1:
            ties.append(label)
    return sorted(ties)


# ---------------------------------------------------------------- masks (docs/method.md#unit-masks)

def axis_plan(source, target):
    """Source indices and float32 weights per target position, computed as BilinearTaps (Render/Image/Resize.swift) does:
    s = (t + 0.5) * (source / target) - 0.5 in double, clamped to [0, source - 1]."""
    scale = source / target
    i0 = np.empty(target, dtype=np.int64)
    i1 = np.empty(target, dtype=np.int64)
    w = np.empty(target, dtype=np.float32)
    for t in range(target):
        s = min(max((t + 0.5) * scale - 0.5, 0.0), float(source - 1))
        lower = math.floor(s)
        i0[t], i1[t], w[t] = lower, min(lower + 1, source - 1), np.float32(s - lower)
    return i0, i1, w


ONE = np.float32(1)


def lerp(a, b, w):
    """a (1 - w) + b w in float32, clamped to [min(a, b), max(a, b)] (BilinearPlan.swift's `lerp`)."""
    v = a * (ONE - w) + b * w
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return np.where(v < lo, lo, np.where(v > hi, hi, v))


def masks(maps, thresholds, plan):
    """maps (C, H, W) float32 -> masks (C, sh * sw) bool: upsample(map) > T_u; and the smallest
    distance of an upsampled value from its unit's threshold, in units of the threshold's ulp."""
    (r0, r1, rw), (c0, c1, cw) = plan
    horizontal = lerp(maps[:, :, c0], maps[:, :, c1], cw)                      # (C, H, sw)
    up = lerp(horizontal[:, r0, :], horizontal[:, r1, :], rw[:, None])         # (C, sh, sw)
    t = thresholds[:, None, None]
    margin = float((np.abs(up.astype(np.float64) - t) / np.spacing(t)).min())
    return (up > t).reshape(len(maps), -1), margin


# ---------------------------------------------------------------- the tally

class Sums:
    """G_l, I_ul and U_uc under one way of counting (label id columns, 0 included)."""

    def __init__(self, units, slots, categories):
        self.G = np.zeros(slots, dtype=np.int64)
        self.I = np.zeros((units, slots), dtype=np.int64)
        self.U = np.zeros((units, categories), dtype=np.int64)


def tally(run, rows, activations, probe, count):
    """Recounts every image; returns the sums of each variant under each union rule, and diagnostics."""
    C, nCat = run.units, len(run.categories)
    slots = max(run.labels) + 1
    primary = np.full(slots, -1, dtype=np.int64)
    for l, (_, c) in run.labels.items():
        primary[l] = c
    last = nCat - 1
    image_categories = [c for c, (_, kind) in enumerate(run.categories) if kind != "pixel"]
    variants = ["spec", "layers", "zero", "both"]
    sums = {(v, rule): Sums(C, slots, nCat) for v in variants for rule in ("original", "lite")}
    plans = {}
    stats = dict(images=0, pixel_label_layers=0, pixels_twice=0, zero_listings=0, images_with_zero=0,
                 image_and_pixel=0, repeated_listings=0, margin_ulps=math.inf)
    for i in range(count):
        if i in run.skipped:
            continue
        path, (sh, sw), pixel_cells, tokens = rows[i]
        P = sh * sw
        stats["images"] += 1
        if (sh, sw) not in plans:
            plans[(sh, sw)] = (axis_plan(run.height, sh), axis_plan(run.width, sw))
        M, margin = masks(np.asarray(activations[i], dtype=np.float32), run.thresholds, plans[(sh, sw)])
        stats["margin_ulps"] = min(stats["margin_ulps"], margin)
        A = M.sum(axis=1).astype(np.int64)                                         # (C,)
        Mf = M.astype(np.float32)

        # Image-level labels: netdissect keeps each scored id once; the published codes every listing.
        listed = [l for c in image_categories for l in tokens.get(c, [])]
        zeros = sum(1 for l in listed if l == 0)
        scored_listings = [l for l in listed if 0 < l < slots and primary[l] >= 0]
        whole = sorted(set(scored_listings))
        stats["zero_listings"] += zeros
        stats["images_with_zero"] += zeros > 0
        stats["repeated_listings"] += len(scored_listings) - len(whole)

        # Pixel layers of the run's pixel categories, scored labels only.
        layers = []
        for c, paths in pixel_cells.items():
            for p in paths:
                lab = read_layer(probe, p).reshape(-1)
                if lab.size != P:
                    fail(f"{p}: {lab.size} pixels, index.csv says {sh}x{sw}")
                lab = np.where((lab < slots) & (primary[np.minimum(lab, slots - 1)] >= 0), lab, 0)
                layers.append(lab)
        per_layer = {}                                                             # label -> [bool (P,) per layer]
        for lab in layers:
            for l in np.unique(lab):
                if l != 0:
                    per_layer.setdefault(int(l), []).append(lab == l)
        stats["pixel_label_layers"] += sum(len(v) for v in per_layer.values())
        stats["image_and_pixel"] += sum(1 for l in per_layer if l in whole)

        # (i): a set per label; image-level labels take precedence over pixels of the same label.
        set_labels = [l for l in sorted(per_layer) if l not in whole]
        if set_labels:
            S = np.stack([np.logical_or.reduce(per_layer[l]) for l in set_labels], axis=1)   # (P, k)
            I_set = (Mf @ S.astype(np.float32)).astype(np.int64)                             # (C, k), exact
            G_set = S.sum(axis=0)
        else:
            I_set, G_set = np.zeros((C, 0), dtype=np.int64), np.zeros(0, dtype=np.int64)
        # (ii): one count per layer that carries the label, and per listing.
        layer_labels = sorted(per_layer)
        if layer_labels:
            cols = [(l, m) for l in layer_labels for m in per_layer[l]]
            D = np.stack([m for _, m in cols], axis=1)                                         # (P, K)
            I_layers_cols = (Mf @ D.astype(np.float32)).astype(np.int64)
            I_lay = np.zeros((C, len(layer_labels)), dtype=np.int64)
            G_lay = np.zeros(len(layer_labels), dtype=np.int64)
            where = {l: k for k, l in enumerate(layer_labels)}
            for k, (l, m) in enumerate(cols):
                I_lay[:, where[l]] += I_layers_cols[:, k]
                G_lay[where[l]] += int(m.sum())
            stats["pixels_twice"] += int(G_lay.sum()) - int(sum(np.logical_or.reduce(per_layer[l]).sum() for l in layer_labels))
        else:
            I_lay, G_lay = np.zeros((C, 0), dtype=np.int64), np.zeros(0, dtype=np.int64)

        # Unions: charged through primary categories; no variant changes which labels an image
        # carries or a mask touches, except label 0 under NetDissect-Lite (the last category).
        present = np.zeros(nCat, dtype=bool)
        whole_cat = np.zeros(nCat, dtype=bool)
        for l in whole:
            present[primary[l]] = whole_cat[primary[l]] = True
        for l in set_labels:
            present[primary[l]] = True
        touched = np.repeat(whole_cat[None, :], C, axis=0)
        for k, l in enumerate(set_labels):
            touched[:, primary[l]] |= I_set[:, k] > 0
        touched_zero = touched.copy()
        if zeros:
            touched_zero[:, last] = True
        U = {"original": A[:, None] * present[None, :], "lite": A[:, None] * touched}
        U_zero = {"original": U["original"], "lite": A[:, None] * touched_zero}

        for rule in ("original", "lite"):
            for v in variants:
                s = sums[(v, rule)]
                s.U += U_zero[rule] if v in ("zero", "both") else U[rule]
                if v in ("spec", "zero"):
                    for k, l in enumerate(set_labels):
                        s.G[l] += G_set[k]
                        s.I[:, l] += I_set[:, k]
                    for l in whole:
                        s.G[l] += P
                        s.I[:, l] += A
                else:
                    for k, l in enumerate(layer_labels):
                        s.G[l] += G_lay[k]
                        s.I[:, l] += I_lay[:, k]
                    for l in scored_listings:
                        s.G[l] += P
                        s.I[:, l] += A
                if v in ("zero", "both") and zeros:
                    s.G[0] += zeros * P
                    s.I[:, 0] += zeros * A
    return sums, stats, primary


# ---------------------------------------------------------------- scores (docs/method.md#scores)

def iou_matrix(s, primary, rule, with_zero):
    """IoU per unit and label id (C, slots), NaN for labels that do not compete; label 0 competes
    in the last category when `with_zero`. Also returns the category each label competes in."""
    C, slots = s.I.shape
    last = int(primary.max())
    cat = primary.copy()
    if with_zero:
        cat[0] = last
    I = s.I.astype(np.float64)
    G = s.G.astype(np.float64)[None, :]
    U = np.where(cat >= 0, s.U[:, np.maximum(cat, 0)], 0).astype(np.float64)     # (C, slots)
    if with_zero and rule == "original":
        U[:, 0] = 0                           # NetDissect: label 0 charges no union (labelcat[0,:] = 0)
    den = U + G - I
    iou = np.divide(I, den, out=np.zeros_like(I), where=den != 0)
    iou[:, cat < 0] = np.nan
    return iou, cat


def scores(iou, cat, categories):
    """Best label and IoU per unit, ties as netdissect breaks them (lower label id, then the
    category listed first)."""
    C, nCat = iou.shape[0], len(categories)
    best_value = np.full((C, nCat), -np.inf)
    best_label = np.zeros((C, nCat), dtype=np.int64)
    for c in range(nCat):
        ls = np.nonzero(cat == c)[0]                  # ascending label ids
        if len(ls) == 0:
            continue
        k = iou[:, ls].argmax(axis=1)
        best_value[:, c] = iou[np.arange(C), ls[k]]
        best_label[:, c] = ls[k]
    c = best_value.argmax(axis=1)
    return best_label[np.arange(C), c], best_value[np.arange(C), c], (best_label, best_value)


# ---------------------------------------------------------------- the check and the report

def check(run, s):
    """Differences between the spec's sums and the run's tables, as counts of entries."""
    C, nCat = s.I.shape[0], s.U.shape[1]
    mine_I = {(u, l): int(s.I[u, l]) for u, l in zip(*np.nonzero(s.I)) if l != 0}
    theirs_I = {k: v for k, v in run.intersections.items() if v != 0}
    mine_G = {l: int(v) for l, v in enumerate(s.G) if v and l != 0}
    theirs_G = {l: v for l, v in run.truth.items() if v}
    mine_U = {(u, c): int(s.U[u, c]) for u in range(C) for c in range(nCat) if s.U[u, c]}
    theirs_U = {k: v for k, v in run.unions.items() if v}
    diff = lambda a, b: sum(1 for k in set(a) | set(b) if a.get(k, 0) != b.get(k, 0))
    return {"intersections": (diff(mine_I, theirs_I), len(theirs_I)),
            "label_truth": (diff(mine_G, theirs_G), len(theirs_G)),
            "unit_unions": (diff(mine_U, theirs_U), len(theirs_U))}


def summarize(label, iou, threshold):
    detectors = iou >= threshold
    return int(detectors.sum()), len(set(label[detectors].tolist()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+", metavar="RUN")
    parser.add_argument("--activations", required=True)
    parser.add_argument("--probe", required=True)
    parser.add_argument("--layer")
    parser.add_argument("--json", help="also write the figures as JSON here")
    args = parser.parse_args()

    runs = [Run(d, args.layer) for d in args.runs]
    first = runs[0]
    for r in runs[1:]:
        if not np.array_equal(r.thresholds, first.thresholds) or r.labels != first.labels \
                or r.categories != first.categories or r.images != first.images:
            fail(f"{r.directory} and {first.directory} differ in thresholds, labels or images; "
                 "give runs of the same activations and probe")
    if not os.path.isfile(args.activations):
        fail(f"{args.activations}: no such file")
    try:
        activations = np.load(args.activations, mmap_mode="r")
    except (ValueError, OSError) as error:
        fail(f"{args.activations}: not a readable .npy array ({error}); give the activations the runs were made from")
    for r in runs:
        for key, given in (("activations", args.activations), ("dataset", args.probe)):
            made = r.made_from[key]
            if made and os.path.realpath(made) != os.path.realpath(given):
                print(f"recount: warning: {r.directory} was made from {key} {made}, not {given}; "
                      "the check below says whether they hold the same data", file=sys.stderr)
    if activations.ndim != 4 or activations.shape[1:] != (first.units, first.height, first.width):
        fail(f"{args.activations}: shape {activations.shape}, the run's layer is "
             f"({first.units}, {first.height}, {first.width})")
    rows = read_index(args.probe, first.categories)
    count = min(len(first.images), len(activations), len(rows))
    if [r[0] for r in rows[:count]] != first.images[:count]:
        fail(f"{args.probe}/index.csv does not list the run's images in the run's order")

    sums, stats, primary = tally(first, rows, activations, args.probe, count)
    ties = lite_tie_labels(args.probe, first.categories)
    G_spec = sums[("spec", "original")].G
    print(f"probe {args.probe}: {stats['images']} images; layer {first.layer} "
          f"({first.units} units, {first.height}x{first.width})")
    print(f"  pixels carrying a label in a second layer: {stats['pixels_twice']} "
          f"({100 * stats['pixels_twice'] / max(1, int(G_spec[1:].sum())):.2f} % of ΣG over all labels); "
          f"image-level cells listing 0: {stats['zero_listings']} in {stats['images_with_zero']} images")
    print(f"  labels both image-level and in a layer of one image: {stats['image_and_pixel']}; "
          f"repeated image-level listings: {stats['repeated_listings']}; "
          f"labels whose primary category is a coverage tie: {len(ties)}")
    print(f"  closest upsampled value to its unit's threshold: {stats['margin_ulps']:.0f} ulps of the threshold "
          "(a rounding difference smaller than that cannot move a pixel across it)")

    report = {"probe": args.probe, "layer": first.layer, "units": first.units, "stats": stats,
              "coverage_ties": ties, "runs": []}
    names = {"layers": "(ii) per layer", "zero": "(iii) label 0", "both": "(ii)+(iii)"}
    failed = False
    for run in runs:
        spec = sums[("spec", run.rule)]
        result = check(run, spec)
        ok = all(bad == 0 for bad, _ in result.values())
        matrix0, cat0 = iou_matrix(spec, primary, run.rule, with_zero=False)
        label0, iou0, per0 = scores(matrix0, cat0, run.categories)
        best_bad = sum(1 for u in range(run.units)
                       if run.best[u][0] != label0[u] or run.best[u][1] != iou0[u])
        ok = ok and best_bad == 0
        failed |= not ok
        who = "NetDissect-Lite" if run.rule == "lite" else "NetDissect"
        print(f"\nrun {run.directory} (--union {run.rule}; label 0 as {who} counts it)")
        print("  (i) reproduces the run: " + ", ".join(
            f"{name} {total - bad}/{total} equal" for name, (bad, total) in result.items())
            + f", best label and IoU of {run.units - best_bad}/{run.units} units equal"
            + ("" if ok else "  <-- MISMATCH"))
        d0, u0 = summarize(label0, iou0, run.iou_threshold)
        print("  |ΔIoU| of the best score: the unit's best IoU under the variant against under (i);"
              " any pair: every (unit, label) both score")
        header = f"  {'variant':<16}{'best label changes':>19}{'max |ΔIoU|':>12}{'median |ΔIoU|':>15}" \
                 f"{'any pair':>10}{'detectors':>11}{'unique':>8}{'ΣG':>9}{'ΣI':>9}"
        print(header)
        print(f"  {'(i) spec':<16}{'-':>19}{'-':>12}{'-':>15}{'-':>10}{d0:>11}{u0:>8}{'-':>9}{'-':>9}")
        rows_out = [{"variant": "spec", "detectors": d0, "unique": u0}]
        notes = []
        for v in ("layers", "zero", "both"):
            s = sums[(v, run.rule)]
            matrix, cat = iou_matrix(s, primary, run.rule, with_zero=v in ("zero", "both"))
            label, iou, per = scores(matrix, cat, run.categories)
            delta = np.abs(iou - iou0)
            pairs = np.abs(matrix[:, 1:] - matrix0[:, 1:])
            changed = np.nonzero(label != label0)[0]
            d, uq = summarize(label, iou, run.iou_threshold)
            dG = (s.G.sum() - spec.G.sum()) / spec.G.sum()
            dI = (s.I.sum() - spec.I.sum()) / spec.I.sum()
            over = int((s.I[:, 1:] > s.U[:, np.maximum(primary[1:], 0)])[:, primary[1:] >= 0].sum())
            print(f"  {names[v]:<16}{len(changed):>19}{delta.max():>12.2e}{np.median(delta):>15.2e}"
                  f"{np.nanmax(pairs):>10.2e}{d:>11}{uq:>8}{100 * dG:>+8.2f}%{100 * dI:>+8.2f}%")
            name = lambda l: "0 (\"\")" if l == 0 else run.labels[l][0]
            moves = [f"unit {u + 1} {name(label0[u])} {iou0[u]:.4f} -> {name(label[u])} {iou[u]:.4f}" for u in changed]
            if v != "both" and moves:
                notes.append(f"{names[v]}: " + "; ".join(moves))
            if v == "layers" and over:
                notes.append(f"{names[v]}: {over} (unit, label) pairs have I_ul > U_u,cat(l)")
            # Per-category winners (tally.csv's <c>-label); a category where the unit scores 0
            # everywhere is won by its lowest label id, which label 0 then is: counted apart.
            moved = per[0] != per0[0]
            winners, scored = int(moved.sum()), int((moved & ((per[1] > 0) | (per0[1] > 0))).sum())
            if v != "both":
                notes.append(f"{names[v]}: {winners} of {moved.size} per-category best labels (tally.csv's <c>-label) "
                             f"change, {scored} of them with IoU > 0")
            if v == "zero":
                u = int(np.nanargmax(matrix[:, 0]))
                won = per[0][:, -1] == 0
                notes.append(f"{names[v]}: label 0's best IoU is {matrix[u, 0]:.4f} (unit {u + 1}); it is the best "
                             f"{run.categories[-1][0]} label of {int(won.sum())} units, "
                             f"{int((won & (per[1][:, -1] > 0)).sum())} of them with IoU > 0")
            rows_out.append({"variant": v, "best_label_changes": len(changed), "max_abs_diou": float(delta.max()),
                             "median_abs_diou": float(np.median(delta)), "max_abs_diou_any_pair": float(np.nanmax(pairs)),
                             "detectors": d, "unique": uq, "sum_G_change": float(dG), "sum_I_change": float(dI),
                             "units_won_by_label_0": int((label == 0).sum()), "changes": moves,
                             "pairs_I_over_U": over, "category_winner_changes": winners,
                             "category_winner_changes_nonzero": scored})
        for note in notes:
            print("  " + note)
        report["runs"].append({"run": run.directory, "rule": run.rule, "check": result,
                               "best_checked": run.units - best_bad, "reproduced": ok, "variants": rows_out})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
