"""stance: quotes, speakers and actors in news articles, and each quote's stance toward each actor.

The engine of the ``stance`` command line, in this process::

    import stance

    model = stance.Model.load()                      # the shipped model
    pairs = model.predict_articles(["Lee said the plan failed.", ...])
    rows = model.predict_rows(df)                    # labelled-CSV-shaped rows
    statements = stance.extract(text)                # the article stage alone, no model
    mine = stance.train("labelled.csv", "my-model", cv=5)
    report = mine.evaluate("held-out.csv")

Predictions have the columns of ``stance predict --format jsonl`` and the same values; every
keyword option is the command line's flag of the same name (``explain=3`` is ``--explain 3``,
``per_actor=True`` is ``--per-actor``), checked by the same code, and a bad input or option
raises :class:`StanceError` with the command line's message (file, line and column where there
is one). Rust releases the GIL while it works and scores on every core (``RAYON_NUM_THREADS``
sets how many; set it to 1 when an engine such as Spark or Dask already runs a task per core).
Offsets (``start``, ``end``) are byte offsets into the UTF-8 text, as on the command line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

from ._native import Model as _NativeModel
from ._native import StanceError
from ._native import extract as _extract
from ._native import run as _run

__all__ = ["DEFAULT_MODEL", "Model", "StanceError", "extract", "train"]

#: The shipped model, installed with the package.
DEFAULT_MODEL = Path(__file__).resolve().parent / "model"

#: What predictions and statements come back as: ``"pandas"`` (a DataFrame), ``"arrow"`` (a
#: pyarrow Table) or ``"records"`` (a list of dicts, one per JSON line).
OUTPUTS = ("pandas", "arrow", "records")

PathLike = Union[str, "os.PathLike[str]"]


def _flags(options: Mapping[str, Any]) -> list:
    """The command line's flags for keyword options: ``min_df=2`` is ``--min-df 2``, ``True``
    gives a bare flag, ``False`` and ``None`` leave it out, a list gives one value each."""
    argv = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            argv.append(flag)
            argv.extend(_text(item) for item in value)
        else:
            argv.append(f"{flag}={_text(value)}")  # `--c=-1`, not a flag `-1`
    return argv


def _text(value: Any) -> str:
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def _paths(paths: Union[PathLike, Iterable[PathLike]]) -> list:
    if isinstance(paths, (str, os.PathLike)):
        return [_text(paths)]
    return [_text(path) for path in paths]


def _records(data: Any) -> list:
    """The items of a DataFrame or a pyarrow Table (as dicts) or of any iterable."""
    if hasattr(data, "to_pylist"):  # pyarrow Table or RecordBatch
        return data.to_pylist()
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # pandas DataFrame
        return data.to_dict("records")
    return list(data)


def _table(records: list, output: str) -> Any:
    """Records as ``output`` asks, with the columns in the JSON lines' (sorted) order."""
    if output == "records":
        return records
    columns = sorted(set().union(*records)) if records else []
    by_column = {column: [record.get(column) for record in records] for column in columns}
    if output == "pandas":
        import pandas

        return pandas.DataFrame(by_column, columns=columns)
    if output == "arrow":
        import pyarrow

        return pyarrow.table(by_column)
    raise ValueError(f"output must be one of {OUTPUTS}, not {output!r}")


def _missing(value: Any) -> bool:
    """True for a frame's missing values (NaN, NaT, NA), which JSON cannot hold: such a field
    is left out, as if the record had none."""
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return True


def _lines(output: bytes) -> list:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


class Model:
    """A model folder, loaded once; share one per process (or per Spark/Dask worker)."""

    def __init__(self, native: _NativeModel, path: Path):
        self._native = native
        self.path = path

    @classmethod
    def load(cls, path: Optional[PathLike] = None) -> "Model":
        """Loads the model folder at ``path``; the shipped model when it is ``None``."""
        folder = Path(path) if path is not None else DEFAULT_MODEL
        return cls(_NativeModel.load(str(folder)), folder)

    @property
    def labels(self) -> dict:
        """Each head's labels by task: ``{"stance": ["against", "favor", "neutral"], …}``."""
        return dict(self._native.labels())

    def __repr__(self) -> str:
        return f"stance.Model({str(self.path)!r})"

    def predict_articles(self, articles: Any, *, output: str = "pandas", **options: Any) -> Any:
        """Finds the statements of each article and scores each against each actor it
        concerns, as ``stance predict ARTICLES.jsonl --format jsonl`` does.

        ``articles``: one text, texts, or records (dicts, a DataFrame, a pyarrow Table) with a
        ``text`` and an optional ``id``; their other scalar fields (``date``, ``outlet``, …)
        are carried to every row of the article. A text or record without an ``id`` is named
        by its position (``"0"``, ``"1"``, …). Options: ``actors``, ``only_listed_actors``,
        ``min_confidence``, ``explain``, … (``stance predict --help``).
        """
        if isinstance(articles, str):
            articles = [articles]
        lines = []
        for position, article in enumerate(_records(articles)):
            if isinstance(article, str):
                record = {"text": article}
            else:
                record = {k: v for k, v in dict(article).items() if not _missing(v)}
            record.setdefault("id", str(position))
            lines.append(json.dumps(record, ensure_ascii=False, default=str))
        data = "\n".join(lines).encode("utf-8")
        if not lines:
            return _table([], output)
        argv = ["--input", "jsonl", "--format", "jsonl", *_flags(options)]
        return _table(_lines(self._native.predict(argv, "articles", data)), output)

    def predict_rows(
        self, rows: Any, *, output: str = "pandas", source: str = "rows", **options: Any
    ) -> Any:
        """Scores labelled-CSV-shaped rows (``text``, ``actor``, optional ``context``, ``id``, …;
        the column flags rename them) as ``stance predict ROWS.csv --format jsonl`` does; their
        other columns (``date``, ``outlet``, …) are carried to their rows, a missing value as
        null, as an empty cell of the CSV is.

        ``rows``: dicts, a DataFrame, a pyarrow Table, or the path of a CSV or Parquet file
        (read as the command line reads it, ``--encoding`` and ``--delimiter`` included). ``source`` names
        the rows where the command line would give the file's name (a file is named by its
        path). Options as for ``stance predict``.
        """
        kind = "rows"
        if isinstance(rows, (str, os.PathLike)):
            source = _text(rows)
            data = Path(rows).read_bytes()
            if data.startswith(b"PAR1"):
                kind = "parquet"
        else:
            # A frame's missing value (NaN, NA) is an empty cell, not the text "nan".
            records = [
                {k: "" if _missing(v) else v for k, v in dict(row).items()}
                for row in _records(rows)
            ]
            if not records:
                return _table([], output)
            columns = list(dict.fromkeys(key for record in records for key in record))
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)
            data = buffer.getvalue().encode("utf-8")
        argv = ["--input", kind, "--format", "jsonl", *_flags(options)]
        return _table(_lines(self._native.predict(argv, source, data)), output)

    def evaluate(
        self, data: Union[PathLike, Iterable[PathLike], None] = None, **options: Any
    ) -> dict:
        """``stance evaluate --format json`` with this model: the report as a dict. ``data``:
        labelled files; or pass ``extraction=GOLD_FOLDER`` to score the article stage."""
        argv = ["evaluate", "--model", str(self.path), "--format", "json"]
        if data is not None:
            argv += ["--data", *_paths(data)]
        return json.loads(_run(argv + _flags(options)))


def train(
    data: Union[PathLike, Iterable[PathLike]], model: PathLike, **options: Any
) -> Model:
    """``stance train --data DATA --model MODEL`` with the options as flags (``cv=5``,
    ``force=True``, ``per_actor=True``, …); prints what the command prints and gives the
    trained model, loaded."""
    printed = _run(["train", "--data", *_paths(data), "--model", _text(model), *_flags(options)])
    sys.stdout.write(printed)
    return Model.load(model)


def extract(
    text: str,
    actors: Optional[PathLike] = None,
    only_listed_actors: bool = False,
    *,
    output: str = "pandas",
) -> Any:
    """The statements of one article, no model: one row per statement with its ``quote_id``,
    ``kind`` (direct, scare, reported), byte ``start`` and ``end``, ``quote``, ``speaker``,
    ``speaker_confidence``, the ``actors`` it concerns and its ``context``. ``actors``: an
    actors file, as ``stance predict --actors`` reads."""
    analysis = json.loads(
        _extract(text, None if actors is None else _text(actors), only_listed_actors)
    )
    records = [
        {
            "quote_id": str(quote["id"]),
            "kind": quote["kind"],
            "start": quote["span"]["start"],
            "end": quote["span"]["end"],
            "quote": quote["text"],
            "speaker": quote["speaker"],
            "speaker_confidence": quote["speaker_confidence"],
            "actors": quote["actors"],
            "context": quote["context_text"],
        }
        for quote in analysis["quotes"]
    ]
    return _table(records, output)
