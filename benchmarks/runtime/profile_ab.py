"""Two or more ndbench builds (or one build under different settings) layer by layer, alternating
run by run: each side runs `NETDISSECT_PROFILE=1 ndbench runtime` in turn, and the script prints,
per kernel row of the profile, each side's median milliseconds per image, then each side's
median images per second with all its rounds (the machine and its load average first, the load
average again last). For telling which layers a kernel change moves
on a host whose speed changes from minute to minute (`ab` gives the whole model).

    python3 benchmarks/runtime/profile_ab.py --model M.onnx --layer L [--batch 1] [--threads 2]
        [--batches 20] [--rounds 3] NAME=NDBENCH [NAME="VAR=VALUE ... NDBENCH"] ...

A side is NAME=COMMAND: an ndbench binary, optionally preceded by environment settings for that
side only (`B="NETDISSECT_ISA=avx2 /tmp/new/ndbench"`). Rows aggregate the calls of one kernel
and shape, so a row of five layers shows their sum per image. At batch 32 the profile's calls are
per image (image lanes) and its wall column sums the workers.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROW = re.compile(r"\s*(\d+)\s+([\d.]+)\s+([\d.]+)\s+(.*)")


def run(command, a):
    """One profiled run of `command` (settings then binary): {kernel row: ms per image}, img/s."""
    env = dict(os.environ, NETDISSECT_PROFILE="1")
    parts = command.split()
    while parts and "=" in parts[0] and not parts[0].startswith(("/", ".")):
        key, value = parts.pop(0).split("=", 1)
        env[key] = value
    if not parts:
        sys.exit(f"profile_ab: '{command}' names no ndbench binary")
    args = parts + ["runtime", "--model", a.model, "--layer", a.layer, "--batch", str(a.batch),
                    "--threads", str(a.threads), "--batches", str(a.batches)]
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"profile_ab: {' '.join(args)} failed: {done.stderr.strip().splitlines()[-1:]}")
    # The profile counts the warm-up batch too: batches + 1 batches of `batch` images.
    images = (a.batches + 1) * a.batch
    rows, rate = {}, None
    for line in (done.stdout + done.stderr).splitlines():
        m = ROW.match(line)
        if m and m[4].strip() != "total":
            rows[m[4].strip()] = float(m[2]) / images
        found = re.search(r'"images_per_second": ([\d.]+)', line)
        if found:
            rate = float(found[1])
    return rows, rate


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--layer", required=True)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batches", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("sides", nargs="+", help="NAME=COMMAND")
    a = p.parse_args()
    sides = []
    for side in a.sides:
        name, sep, command = side.partition("=")
        if not sep or not command:
            sys.exit(f"profile_ab: '{side}' is not NAME=COMMAND")
        sides.append((name, command))
    # The machine (CPU, instruction sets, the kernel variant) and its load, first and last: a
    # figure taken under load says so.
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    subprocess.run([os.path.join(root, "scripts", "machine-info")], stdout=sys.stderr, check=False)
    times = {name: {} for name, _ in sides}
    rates = {name: [] for name, _ in sides}
    order = []
    for _ in range(a.rounds):
        for name, command in sides:
            rows, rate = run(command, a)
            for row, ms in rows.items():
                if row not in order:
                    order.append(row)
                times[name].setdefault(row, []).append(ms)
            if rate is not None:
                rates[name].append(rate)
    print("  ".join(f"{name:>8}" for name, _ in sides), "  ms per image (median), kernel")
    for row in order:
        cells = [times[name].get(row) for name, _ in sides]
        print("  ".join(f"{statistics.median(c):8.3f}" if c else f"{'-':>8}" for c in cells), " ", row)
    for name, _ in sides:
        values = rates[name]
        if values:
            print(f"{name}: {statistics.median(values):.2f} img/s (median of {len(values)}: "
                  f"{', '.join(f'{v:.2f}' for v in values)})")
    print(f"load average after: {' '.join(open('/proc/loadavg').read().split()[:3])}")


if __name__ == "__main__":
    main()
