#!/usr/bin/env python3
"""How well `stance predict` finds the actors each real-news statement concerns.

    stance predict ../shared/data/polnear-train/articles --format jsonl > /tmp/polnear.jsonl
    python3 scripts/actor_score.py ../shared/data/polnear-train /tmp/polnear.jsonl [--worst N]

The gold is PolNeAR's `stance.csv` (labelled for this project): for each annotated statement,
the actors it concerns. Each gold statement is matched to the predicted statement that
overlaps most of its span (more than half of it; statements with no such prediction are left
out, as extraction's own scorer counts them). The actors predicted for it are compared with
the gold ones by name, loosely: two names are the same actor when they share a capitalised
word (`Trump` and `Donald J. Trump`; `Republican` and `Republican Party`) or are equal. It
prints actor precision, recall and F1 and, with --worst, the predicted actors most often not in
the gold. The annotators named 1-3 actors a statement, so precision is a floor: an actor the
statement names but the annotator left out counts against it.
"""

import argparse
import collections
import csv
import json
import re
import sys
from pathlib import Path


def words(name):
    return {w.lower().strip(".,'’") for w in re.findall(r"[\w.'’]+", name) if w[0].isupper()}


def same(a, b):
    wa, wb = words(a), words(b)
    return bool(wa & wb) if wa and wb else a.lower() == b.lower()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the PolNeAR folder (stance.csv, gold/)")
    parser.add_argument("predictions", type=Path, help="stance predict --format jsonl output")
    parser.add_argument("--worst", type=int, default=0, help="list the N commonest extra actors")
    args = parser.parse_args()
    for needed in (args.corpus / "stance.csv", args.corpus / "gold"):
        if not needed.exists():
            sys.exit(f"actor_score: {needed} is missing")

    gold = collections.defaultdict(set)
    with open(args.corpus / "stance.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            gold[(row["article"], row["unit_id"])].add(row["actor"])
    spans = {}
    for article in {article for article, _ in gold}:
        units = json.loads((args.corpus / "gold" / f"{article}.gold.json").read_text("utf-8"))
        for unit in units["quotes"]:
            spans[(article, unit["id"])] = (unit["start_byte"], unit["end_byte"])

    predicted = collections.defaultdict(list)
    with open(args.predictions, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("start") is not None:
                predicted[Path(row["article"]).stem].append(row)

    hits_p = total_p = hits_r = total_r = matched = 0
    extra = collections.Counter()
    for key, actors in gold.items():
        start, end = spans[key]
        overlap = lambda row: min(end, row["end"]) - max(start, row["start"])  # noqa: E731
        candidates = [row for row in predicted[key[0]] if overlap(row) > 0.5 * (end - start)]
        if not candidates:
            continue
        matched += 1
        statement = max(candidates, key=overlap)["quote_id"]
        found = {row["actor"] for row in predicted[key[0]]
                 if row["quote_id"] == statement and row["actor"]}
        for actor in found:
            total_p += 1
            if any(same(actor, other) for other in actors):
                hits_p += 1
            else:
                extra[actor] += 1
        for actor in actors:
            total_r += 1
            hits_r += any(same(other, actor) for other in found)
    precision = 100 * hits_p / max(total_p, 1)
    recall = 100 * hits_r / max(total_r, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print(f"statements {len(gold)}, matched {matched}; actors predicted {total_p}, "
          f"gold {total_r}; precision {precision:.1f} recall {recall:.1f} F1 {f1:.1f}")
    for actor, count in extra.most_common(args.worst):
        print(f"{count:5} {actor}")


if __name__ == "__main__":
    main()
