"""Scoring a partitioned collection of articles on Dask or Spark, with the rows of one
``stance predict ALL.jsonl --format jsonl`` run over the same articles::

    import dask.dataframe as dd
    from stance.engines import dask_predict_articles, spark_predict_articles

    rows = dask_predict_articles(dd.read_parquet("articles/"))        # a dask DataFrame
    rows = spark_predict_articles(spark.read.parquet("articles/"))    # a Spark DataFrame

Each article needs a ``text`` and an ``id`` column. The command line names an article
without an id by its line, and :meth:`stance.Model.predict_articles` by its position, which
differ from one partition to the next; so both functions require ids (and refuse null ones).
The other columns are carried to each of the article's rows, as the command line carries an
article's JSON fields: strings, integers, floats and booleans (JSON's scalars), with their
type (on Dask, their dtype). The command line leaves out nested fields: on Spark, struct,
array and map columns are left out; on Dask, an ``object`` column is carried and its nested
values come out null. A column named like an output column is not carried (the output's own
value wins). Other types (dates, timestamps, decimals, binary) raise :class:`ValueError`:
cast them to strings first, as a JSON line would hold them.

The output has one row per statement and actor, the columns in name order: the command line's
JSON lines with every field in every row, so the stance fields of a statement that concerns no
actor, which a JSON line leaves out, are null. ``stance_probabilities`` and
``sentiment_probabilities`` are dicts on Dask and structs on Spark.

Options are ``stance predict``'s flags, as for :meth:`stance.Model.predict_articles`
(``min_confidence=0.9``, ``actors="actors.txt"``, ``only_listed_actors=True``); they are
checked once, on the driver. ``explain`` is refused, to keep the output flat (its
``explanation`` column is a list of nested records); explain a sample of the articles with
:meth:`stance.Model.predict_articles` instead.

``model`` is a model folder (``None``: the shipped one, :data:`stance.DEFAULT_MODEL`) or a
loaded :class:`stance.Model`. Workers get its path, never a loaded model, and each worker
process loads it once. Before that load a
worker sets ``RAYON_NUM_THREADS=1`` when it is not set, because the engine already runs one
task per core. With Dask's default threaded scheduler the workers are the calling process, so
the setting holds there too, and it comes too late if this process has already scored
articles with more threads.

On Dask, compute with ``scheduler="processes", chunksize=1`` (or on a distributed cluster):
the processes scheduler otherwise hands up to 6 ready partitions to one worker at a time, so
a collection of few partitions is scored by one process while the others wait.

pyspark and dask are imported only by the functions that need them, so ``import stance``
works without them.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any, Dict, Iterator, Optional, Union

from . import DEFAULT_MODEL, Model, _missing

__all__ = ["dask_predict_articles", "spark_predict_articles"]

ModelPath = Union[None, str, "os.PathLike[str]", Model]

#: The input columns the command line consumes: the rest are carried through.
CONSUMED = ("id", "text")

#: Options the engines set themselves or do not support (see the module's docstring).
REFUSED = {
    "explain": "`explain` is not supported on Dask or Spark; explain a sample of the articles "
    "with stance.Model.predict_articles(..., explain=K)",
    "format": "the engines write JSON lines' rows; `format` cannot be set",
    "input": "the engines read articles; `input` cannot be set",
    "output": "the engines give their own DataFrames; `output` cannot be set",
}

#: Models loaded by this process, by the path they were asked for (``None``: the shipped one).
_MODELS: Dict[Optional[str], Model] = {}
# Dask's threaded scheduler runs tasks side by side in one process: one of them loads.
_LOADING = threading.Lock()


# The model, in the driver and in the workers.


def _model_path(model: ModelPath) -> Optional[str]:
    """What workers are given to load: an absolute path, or ``None`` for the shipped model
    (which each worker finds in its own installation of the package)."""
    if model is None:
        return None
    if isinstance(model, Model):
        model = model.path
    return os.path.abspath(os.fspath(model))


def _model(path: Optional[str]) -> Model:
    """The model at ``path``, loaded once by this process."""
    with _LOADING:
        if path not in _MODELS:
            _MODELS[path] = Model.load(path if path is not None else DEFAULT_MODEL)
        return _MODELS[path]


def _worker_model(path: Optional[str]) -> Model:
    """The model, for a task: the engine runs one task per core, so Rust scoring each task's
    articles on every core as well would only oversubscribe them."""
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    return _model(path)


def _options(path: Optional[str], options: Dict[str, Any]) -> Dict[str, Any]:
    """The options for the workers, checked here so a bad one fails on the driver with the
    command line's message, not in a worker task. A relative actors file is made absolute,
    since workers may not share the driver's working directory."""
    for name, reason in REFUSED.items():
        if name in options:
            raise ValueError(reason)
    options = dict(options)
    if options.get("actors") is not None:
        options["actors"] = os.path.abspath(os.fspath(options["actors"]))
    _model(path).predict_articles([{"id": "check", "text": ""}], output="records", **options)
    return options


# The output's columns.


def _predicted_schema(labels: Dict[str, list]) -> Any:
    """The columns the model writes, as a pyarrow schema (in no particular order): the
    statement's, then each head's label, its probability and every label's probability."""
    import pyarrow as pa

    fields = [
        ("actor", pa.string()),
        ("article", pa.string()),
        ("context", pa.string()),
        ("end", pa.int64()),  # byte offsets: always there for articles
        ("quote", pa.string()),
        ("quote_id", pa.string()),
        ("speaker", pa.string()),
        ("speaker_confidence", pa.float64()),
        ("start", pa.int64()),
    ]
    for task, names in labels.items():
        fields += [
            (task, pa.string()),
            (f"{task}_probability", pa.float64()),
            (f"{task}_probabilities", pa.struct([(name, pa.float64()) for name in names])),
        ]
    return pa.schema(fields)


def _carried(columns: Dict[str, Any], predicted: Any) -> Dict[str, Any]:
    """The input columns carried to the output: not consumed, not named like an output column,
    and with a type (``None``: nested, left out) the command line carries."""
    return {
        name: kind
        for name, kind in columns.items()
        if name not in CONSUMED and name not in predicted.names and kind is not None
    }


def _require_columns(columns: Any) -> None:
    missing = [name for name in CONSUMED if name not in columns]
    if missing:
        raise ValueError(
            f"the articles have no {' or '.join(map(repr, missing))} column: each article needs "
            "a `text` and an `id` (an article without an id would be named by its position, "
            "which differs from one partition to the next)"
        )


def _unsupported(name: str, kind: Any) -> ValueError:
    return ValueError(
        f"column {name!r} has type {kind}, which a JSON line cannot hold as it is: cast it to a "
        "string (or drop it) before scoring"
    )


# Scoring one part of the collection.


def _records(path: Optional[str], articles: list, options: Dict[str, Any]) -> list:
    """The rows of a part's articles (dicts), as JSON lines' records."""
    if any(article["id"] is None or _missing(article["id"]) for article in articles):
        raise ValueError("every article needs an id: some ids are null")
    return _worker_model(path).predict_articles(articles, output="records", **options)


# Dask.


def _pandas_kind(name: str, dtype: Any) -> Any:
    """The pandas dtype a carried column keeps in the output; ``object`` columns may hold
    anything JSON can, nested values included (which the command line leaves out)."""
    import pandas.api.types as types

    scalar = types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype)  # bool too
    if scalar or types.is_string_dtype(dtype) or types.is_object_dtype(dtype):
        return dtype
    raise _unsupported(name, dtype)


def _meta(predicted: Any, carried: Dict[str, Any]) -> Any:
    """The empty output frame: the predicted columns as pyarrow converts them, so every
    partition's frame, converted the same way, has the same dtypes."""
    import pandas

    frame = predicted.empty_table().to_pandas()
    for name, dtype in carried.items():
        frame[name] = pandas.Series(dtype=dtype)
    return frame[sorted(frame.columns)]


def _predict_partition(
    articles: Any,
    path: Optional[str],
    options: Dict[str, Any],
    predicted: Any,
    carried: Dict[str, Any],
) -> Any:
    """One Dask partition's rows, with the dtypes of :func:`_meta`."""
    import pandas
    import pyarrow as pa

    # As Spark hands them over: arrays as lists (which the command line leaves out, as nested
    # values), missing values as None.
    as_arrow = pa.Table.from_pandas(articles, preserve_index=False)
    records = _records(path, as_arrow.to_pylist(), options)
    # pyarrow takes only the schema's fields; a missing field (no stance without an actor)
    # is null.
    frame = pa.Table.from_pylist(records, schema=predicted).to_pandas()
    for name, dtype in carried.items():
        values = pandas.Series([record.get(name) for record in records], dtype=object)
        frame[name] = values.astype(dtype)
    return frame[sorted(frame.columns)]


def dask_predict_articles(ddf: Any, model: ModelPath = None, **options: Any) -> Any:
    """The rows of each article of the dask DataFrame ``ddf`` (columns ``id``, ``text`` and
    any carried ones), one partition at a time, as a lazy dask DataFrame (see the module's
    docstring for the columns). ``options``: ``stance predict``'s flags."""
    path = _model_path(model)
    _require_columns(ddf.columns)
    options = _options(path, options)
    predicted = _predicted_schema(_model(path).labels)
    columns = {name: _pandas_kind(name, dtype) for name, dtype in ddf.dtypes.items()}
    carried = _carried(columns, predicted)
    score = functools.partial(
        _predict_partition, path=path, options=options, predicted=predicted, carried=carried
    )
    # The rows are not the articles: the input's divisions (by index) no longer hold.
    return ddf.map_partitions(score, meta=_meta(predicted, carried), clear_divisions=True)


# Spark.


def _arrow_kind(name: str, kind: Any) -> Any:
    """The pyarrow type a carried Spark column has in the output (``None``: nested, left
    out): the JSON scalar it is written as."""
    import pyarrow as pa
    from pyspark.sql import types as T

    if isinstance(kind, (T.StructType, T.ArrayType, T.MapType)):
        return None
    if isinstance(kind, T.StringType):
        return pa.string()
    if isinstance(kind, T.BooleanType):
        return pa.bool_()
    if isinstance(kind, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        return pa.int64()
    if isinstance(kind, (T.FloatType, T.DoubleType)):
        return pa.float64()
    raise _unsupported(name, kind.simpleString())


def _spark_output(path: Optional[str], sdf: Any) -> Any:
    """The output's pyarrow schema, columns in name order, for articles like ``sdf``'s."""
    import pyarrow as pa

    predicted = _predicted_schema(_model(path).labels)
    columns = {field.name: _arrow_kind(field.name, field.dataType) for field in sdf.schema}
    fields = list(zip(predicted.names, predicted.types))
    fields += list(_carried(columns, predicted).items())
    return pa.schema(sorted(fields, key=lambda field: field[0]))


def _predict_batches(
    batches: Iterator[Any], path: Optional[str], options: Dict[str, Any], schema: Any
) -> Iterator[Any]:
    """``mapInArrow``'s function: each batch of articles gives one batch of rows."""
    import pyarrow as pa

    for batch in batches:
        records = _records(path, batch.to_pylist(), options)
        yield pa.RecordBatch.from_pylist(records, schema=schema)


def spark_predict_articles(sdf: Any, model: ModelPath = None, **options: Any) -> Any:
    """The rows of each article of the Spark DataFrame ``sdf`` (columns ``id``, ``text`` and
    any carried ones), by ``mapInArrow`` (Spark 3.3 or later), as a Spark DataFrame (see the
    module's docstring for the columns). ``options``: ``stance predict``'s flags."""
    from pyspark.sql.pandas.types import from_arrow_schema

    path = _model_path(model)
    _require_columns(sdf.columns)
    options = _options(path, options)
    schema = _spark_output(path, sdf)
    score = functools.partial(_predict_batches, path=path, options=options, schema=schema)
    return sdf.mapInArrow(score, from_arrow_schema(schema))
