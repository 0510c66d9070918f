"""How every benchmark reports repeated measurements: the median of its rounds, with the minimum
and maximum beside it, never the best alone (on a shared machine the best flatters whichever side
a quiet moment happened to land on).

    python3 benchmarks/rounds.py LABEL UNIT VALUE...
        prints "LABEL: M UNIT (median of N rounds, min-max A-B)"
    from rounds import describe, median      (PYTHONPATH=benchmarks)
"""
import statistics
import sys


def median(values):
    """The median of a non-empty list of numbers."""
    return statistics.median(values)


def describe(values, unit="", digits=3):
    """`M UNIT (median of N rounds, min-max A-B)`, with `digits` decimals."""
    if not values:
        raise ValueError("no rounds to describe")
    f = f"{{:.{digits}f}}"
    unit = f" {unit}" if unit else ""
    text = f"{f.format(median(values))}{unit}"
    if len(values) == 1:
        return f"{text} (1 round)"
    return f"{text} (median of {len(values)} rounds, min-max {f.format(min(values))}-{f.format(max(values))})"


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: rounds.py LABEL UNIT VALUE...")
    label, unit = sys.argv[1], sys.argv[2]
    try:
        values = [float(v) for v in sys.argv[3:]]
    except ValueError as error:
        sys.exit(f"rounds.py: {label}: not a number ({error})")
    print(f"{label}: {describe(values, unit)}")
