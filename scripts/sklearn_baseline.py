#!/usr/bin/env python3
"""The scikit-learn baseline that scripts/benchmark measures stance against.

Run by the benchmark's Python (a venv with scikit-learn), never imported by the project:

    PY=target/bench-venv/bin/python
    $PY scripts/sklearn_baseline.py train --data train.csv --model /tmp/m.pkl --per-target
    $PY scripts/sklearn_baseline.py evaluate --model /tmp/m.pkl --data test.csv
    $PY scripts/sklearn_baseline.py predict --model /tmp/m.pkl --data new.csv --out /tmp/p.csv

Features and model are the reference set-up of ../shared/data/README.md, which this script
reproduces exactly on SemEval-2016 Task A (stance F_avg 68.92, macro-F1 62.41; sentiment
macro-F1 51.73): a union of sublinear TF-IDF word 1-3-grams (min_df 1) and character 2-5-grams
(analyzer "char", min_df 2), then LogisticRegression(C=10, class_weight="balanced").
`--per-target` fits one such pipeline per target for the stance head (the sentiment head is
always one model); `--mask-target` replaces each row's target mention, by its `from`/`to`
character offsets, with the placeholder [TARGET] (for NewsMTSC).

Files are read like stance reads them: the same column, delimiter, encoding and split flags;
labels are case-folded; a head is trained on the rows that have its label. `train` and
`predict` print one JSON line with their timings; `evaluate` prints JSON metrics.
"""
import argparse
import csv
import json
import pickle
import sys
import time
from collections import defaultdict

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_pipeline, make_union

HEADS = ("stance", "sentiment")
# The label pair F_avg averages over, as stance computes it.
POLAR = {"stance": ("favor", "against"), "sentiment": ("positive", "negative")}
DELIMITERS = {"comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|"}
PLACEHOLDER = "[TARGET]"


def pipeline():
    """The reference pipeline: word 1-3 + char 2-5 sublinear TF-IDF, balanced LR with C=10."""
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, min_df=1),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )
    return make_pipeline(features, LogisticRegression(C=10, class_weight="balanced",
                                                      max_iter=1000))


def read_rows(args):
    """Rows of every --data file as dicts with text, actor and the two (case-folded) labels."""
    delimiter = DELIMITERS.get(args.delimiter, args.delimiter)
    rows = []
    for path in args.data:
        with open(path, encoding=args.encoding, newline="") as handle:
            for record in csv.DictReader(handle, delimiter=delimiter):
                if args.split is not None and record.get(args.split_column, "").strip() != args.split:
                    continue
                text = record[args.text_column]
                if args.mask_target:
                    start, end = int(record["from"]), int(record["to"])
                    text = f"{text[:start]} {PLACEHOLDER} {text[end:]}"
                rows.append({
                    "id": record.get("id", ""),
                    "text": text,
                    "actor": record[args.actor_column].strip(),
                    "stance": record.get(args.stance_column, "").strip().lower(),
                    "sentiment": record.get(args.sentiment_column, "").strip().lower(),
                })
    if not rows:
        sys.exit(f"sklearn_baseline: no rows read from {args.data}")
    return rows


def train(args):
    started = time.perf_counter()
    rows = read_rows(args)
    read_seconds = time.perf_counter() - started
    model = {"per_target": args.per_target, "heads": {}}
    fit_seconds = {}
    for head in args.heads.split(","):
        labelled = [row for row in rows if row[head]]
        if not labelled:
            continue
        head_started = time.perf_counter()
        if head == "stance" and args.per_target:
            by_target = defaultdict(list)
            for row in labelled:
                by_target[row["actor"]].append(row)
            fitted = {target: pipeline().fit([r["text"] for r in group], [r[head] for r in group])
                      for target, group in sorted(by_target.items())}
        else:
            fitted = {None: pipeline().fit([r["text"] for r in labelled],
                                           [r[head] for r in labelled])}
        model["heads"][head] = fitted
        fit_seconds[head] = time.perf_counter() - head_started
    with open(args.model, "wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
    print(json.dumps({"rows": len(rows), "read_seconds": read_seconds,
                      "fit_seconds": fit_seconds,
                      "total_seconds": time.perf_counter() - started}))


def predict_head(fitted, rows):
    """Labels and probability maps of one head for every row, grouping rows by target."""
    groups = defaultdict(list)
    for i, row in enumerate(rows):
        groups[row["actor"] if None not in fitted else None].append(i)
    labels, probabilities = [None] * len(rows), [None] * len(rows)
    for target, indices in groups.items():
        if target not in fitted:
            sys.exit(f"sklearn_baseline: no model for target {target!r}")
        model = fitted[target]
        matrix = model.predict_proba([rows[i]["text"] for i in indices])
        classes = list(model.classes_)
        for i, probs in zip(indices, matrix):
            best = probs.argmax()
            labels[i] = classes[best]
            probabilities[i] = dict(zip(classes, probs))
    return labels, probabilities


def load(path):
    with open(path, "rb") as handle:
        return pickle.load(handle)


def predict(args):
    started = time.perf_counter()
    model = load(args.model)
    rows = read_rows(args)
    predictions = {head: predict_head(fitted, rows) for head, fitted in model["heads"].items()}
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        heads = list(predictions)
        writer.writerow(["id", "actor"] + [c for h in heads for c in (h, f"{h}_probability")])
        for i, row in enumerate(rows):
            cells = [row["id"], row["actor"]]
            for head in heads:
                labels, probabilities = predictions[head]
                cells += [labels[i], f"{probabilities[i][labels[i]]:.4f}"]
            writer.writerow(cells)
    print(json.dumps({"rows": len(rows), "total_seconds": time.perf_counter() - started}))


def evaluate(args):
    model = load(args.model)
    rows = read_rows(args)
    report = {"rows": len(rows)}
    for head, fitted in model["heads"].items():
        scored = [row for row in rows if row[head]]
        predicted, _ = predict_head(fitted, scored)
        gold = [row[head] for row in scored]
        polar = [label for label in POLAR[head] if label in set(gold)]
        report[head] = {
            "rows": len(scored),
            "accuracy": accuracy_score(gold, predicted),
            "macro_f1": f1_score(gold, predicted, average="macro"),
            "f_avg": f1_score(gold, predicted, labels=polar, average="macro") if polar else None,
        }
    print(json.dumps(report, indent=2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "evaluate", "predict"):
        sub = commands.add_parser(name)
        sub.add_argument("--data", nargs="+", required=True, metavar="FILE")
        sub.add_argument("--model", required=True, metavar="PICKLE")
        sub.add_argument("--text-column", default="text")
        sub.add_argument("--actor-column", default="actor")
        sub.add_argument("--stance-column", default="stance")
        sub.add_argument("--sentiment-column", default="sentiment")
        sub.add_argument("--split-column", default="split")
        sub.add_argument("--split", default=None)
        sub.add_argument("--delimiter", default="comma")
        sub.add_argument("--encoding", default="utf-8")
        sub.add_argument("--mask-target", action="store_true",
                         help="replace text[from:to] with [TARGET] (needs from/to columns)")
        if name == "train":
            sub.add_argument("--heads", default="stance,sentiment",
                             help="comma-separated heads to fit (default: both)")
            sub.add_argument("--per-target", action="store_true",
                             help="one stance model per target (the reference set-up)")
        if name == "predict":
            sub.add_argument("--out", required=True, metavar="CSV")
    args = parser.parse_args()
    if args.encoding == "latin1":
        args.encoding = "latin-1"
    {"train": train, "evaluate": evaluate, "predict": predict}[args.command](args)


if __name__ == "__main__":
    main()
