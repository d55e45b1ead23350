#!/usr/bin/env python3
"""Turn NewsMTSC JSON lines into stance's labelled CSV, one row per (sentence, target).

    python3 scripts/newsmtsc_to_csv.py ../shared/data/newsmtsc/train.jsonl > /tmp/newsmtsc.csv
    python3 scripts/newsmtsc_to_csv.py --folds 5 --seed 42 train.jsonl > /tmp/newsmtsc-cv.csv

Polarity 2/4/6 becomes sentiment negative/neutral/positive; the target's mention is the
actor; the sentence is written unchanged, with the mention's character offsets in `from` and
`to` (`stance --mention-columns from,to` and `scripts/sklearn_baseline.py --mask-target` mask
the mention by them).

With `--folds K` every row also gets a `split` column, its fold number 0..K-1, and one
column `fold_0` .. `fold_{K-1}` per fold holding `test` for the rows of that fold and `train`
for the others: `stance train --split-column fold_2 --split train` then trains on every fold
but fold 2, because `--split` keeps one value only. Folds are assigned by sentence, so the
targets of one sentence never straddle folds, and depend only on the seed and the set of
sentences (not on line order).

The output is for measuring only: never commit it or train the shipped model on it.
"""
import argparse
import csv
import json
import random
import sys

POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def assign_folds(sentences, folds, seed):
    """Maps each distinct sentence to a fold: sorted, shuffled with `seed`, dealt round-robin."""
    distinct = sorted(set(sentences))
    random.Random(seed).shuffle(distinct)
    return {sentence: i % folds for i, sentence in enumerate(distinct)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("jsonl", help="NewsMTSC JSON lines, e.g. train.jsonl")
    parser.add_argument("--folds", type=int, default=0, metavar="K",
                        help="add a seeded K-fold assignment by sentence (default: none)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the fold assignment")
    args = parser.parse_args()
    if args.folds == 1 or args.folds < 0:
        parser.error("--folds must be 0 (none) or at least 2")

    with open(args.jsonl, encoding="utf-8") as lines:
        items = [json.loads(line) for line in lines if line.strip()]
    fold_of = assign_folds([item["sentence_normalized"] for item in items], args.folds,
                           args.seed) if args.folds else {}

    writer = csv.writer(sys.stdout, lineterminator="\n")
    header = ["id", "text", "actor", "sentiment", "from", "to"]
    if args.folds:
        header += ["split"] + [f"fold_{k}" for k in range(args.folds)]
    writer.writerow(header)
    for item in items:
        sentence = item["sentence_normalized"]
        for target in item["targets"]:
            row = [target["Input.gid"], sentence, target["mention"],
                   POLARITY[target["polarity"]], target["from"], target["to"]]
            if args.folds:
                fold = fold_of[sentence]
                row += [fold] + ["test" if k == fold else "train" for k in range(args.folds)]
            writer.writerow(row)


if __name__ == "__main__":
    main()
