#!/usr/bin/env python3
"""Turn NewsMTSC JSON lines into stance's labelled CSV, one row per (sentence, target).

    python3 scripts/newsmtsc_to_csv.py ../shared/data/newsmtsc/train.jsonl > /tmp/newsmtsc.csv

Polarity 2/4/6 becomes sentiment negative/neutral/positive; the target's mention is the
actor. The output is for measuring only: never commit it or train the shipped model on it.
"""
import csv
import json
import sys

POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}

writer = csv.writer(sys.stdout, lineterminator="\n")
writer.writerow(["id", "text", "actor", "sentiment"])
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        item = json.loads(line)
        for target in item["targets"]:
            writer.writerow([target["Input.gid"], item["sentence_normalized"], target["mention"],
                             POLARITY[target["polarity"]]])
