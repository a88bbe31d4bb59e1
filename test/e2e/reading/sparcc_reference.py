"""SPARCC SIJ inflammation score of a phantom's truth grid, written from READING.md alone.

An independent check of the form's computed score (it shares no code with electron/reading):
over 6 consecutive semicoronal slices, 1 per joint quadrant with BME (max 8 per slice), +1 per
joint per slice with an intense lesion, +1 per joint per slice with a deep lesion (0-72).

Usage: python3 sparcc_reference.py truth.json [first_slice]
Prints {"first": s, "score": n}: the given window, or else the earliest 6-slice window with the
highest score (the window a reader would choose to cover the lesions).
"""
import json
import sys

WINDOW = 6


def sparcc(grid, first):
    score = 0
    for s in range(first, first + WINDOW):
        for joint in ("left", "right"):
            cells = [c for c in grid if c["slice"] == s and c["joint"] == joint and "bme" in c["lesions"]]
            score += len({c["quadrant"] for c in cells})
            score += 1 if any(c.get("bmeIntense") for c in cells) else 0
            score += 1 if any(c.get("bmeDeep") for c in cells) else 0
    return score


def main():
    truth = json.load(open(sys.argv[1]))
    slices = truth["seriesDetails"]["stir"]["dims"][2]
    if len(sys.argv) > 2:
        first = int(sys.argv[2])
    else:
        first = max(range(slices - WINDOW + 1), key=lambda f: (sparcc(truth["grid"], f), -f))
    print(json.dumps({"first": first, "score": sparcc(truth["grid"], first)}))


main()
