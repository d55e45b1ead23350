#!/usr/bin/env python3
"""Times one collection of articles scored three ways, end to end, and checks they agree:

(a) the `stance` command line over one JSON lines file of every article, on 2 threads;
(b) Dask, `stance.engines.dask_predict_articles` over JSON lines part files, with the
    `processes` scheduler and 2 workers, computed to a pandas frame;
(c) Spark local[2], `stance.engines.spark_predict_articles` (`mapInArrow`) over the same part
    files, collected to a pandas frame.

Each time is the median of `--runs` wall-clock runs. The Spark session (its start-up is
printed apart) and Dask's pool of worker processes are made once, before the runs, so, as on a
long-lived cluster, the first run starts the workers, which load the model, and later runs
reuse them; the command line loads the model on every run. The outputs must be identical as
sorted records. Prints a markdown table and the machine it ran on.

    python scripts/engines_benchmark.py --repeat 3

Needs the package (`maturin develop`), dask[dataframe], pyspark and Java. The articles are
read where they are (the shared data is never copied into the repository); the part files go
to a temporary folder, removed at the end.
"""

import argparse
import concurrent.futures
import json
import math
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas

import stance
from stance.engines import dask_predict_articles, spark_predict_articles

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2


def arguments():
    parser = argparse.ArgumentParser(
        description="Times the stance command line, Dask and Spark on one collection of "
        "articles, and checks that their rows are identical."
    )
    parser.add_argument("--articles", type=Path,
                        default=ROOT.parent / "shared" / "data" / "polnear-train" / "articles",
                        help="folder of plain-text articles (*.txt), one article each")
    parser.add_argument("--partitions", type=int, default=4, help="part files (partitions)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="score the collection this many times over, with distinct ids")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per engine (median)")
    parser.add_argument("--stance-bin", default=os.environ.get(
        "STANCE_BIN", str(ROOT / "target" / "release" / "stance")),
        help="the command line (default: $STANCE_BIN, else target/release/stance)")
    return parser.parse_args()


# The collection.


def collection(folder, repeat):
    """The articles of `folder`, `repeat` times over: copies after the first get `#k` ids."""
    texts = [(path.stem, path.read_text(encoding="utf-8"))
             for path in sorted(folder.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no *.txt articles in {folder}")
    return [
        {"id": name if copy == 0 else f"{name}#{copy}", "text": text}
        for copy in range(repeat)
        for name, text in texts
    ]


def write_parts(articles, partitions, folder):
    """The articles as `partitions` JSON lines part files of consecutive articles, and as one
    file of them all, in the same order, for the command line."""
    parts = folder / "parts"
    parts.mkdir()
    lines = [json.dumps(article, ensure_ascii=False) + "\n" for article in articles]
    for number in range(partitions):
        chunk = lines[number * len(lines) // partitions:(number + 1) * len(lines) // partitions]
        (parts / f"part-{number:05d}.jsonl").write_text("".join(chunk), encoding="utf-8")
    every = folder / "all.jsonl"
    every.write_text("".join(lines), encoding="utf-8")
    return parts, every


# Comparing outputs.


def plain(value):
    """A value as JSON would give it: missing values (NaN, NA) are None, a struct a dict."""
    if hasattr(value, "asDict"):  # a Spark Row
        value = value.asDict(recursive=True)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if value is None or value is pandas.NA or isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value  # numpy scalars


def sorted_records(records):
    """Records with every column (a JSON line leaves out the stance of a statement without an
    actor), sorted by article, statement and actor."""
    columns = sorted(set().union(*records)) if records else []
    rows = [{column: plain(record.get(column)) for column in columns} for record in records]
    return sorted(rows, key=lambda row: (row["article"], row["quote_id"], row["actor"] or ""))


# The engines: each gives a function that runs once and returns the output's records.


def command_line(binary, every):
    """The command line on 2 threads, writing its JSON lines to a file."""
    environment = {**os.environ, "RAYON_NUM_THREADS": str(WORKERS)}
    output = every.with_name("cli.jsonl")

    def run():
        with output.open("wb") as sink:
            subprocess.run([binary, "predict", str(every), "--format", "jsonl", "--no-progress",
                            "--model", str(stance.DEFAULT_MODEL)],
                           stdout=sink, stderr=subprocess.DEVNULL, env=environment, check=True)
        return output

    def records(path):
        with path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]

    return run, records


def dask_engine(parts, pool):
    """Dask over the part files, one partition each, with the processes scheduler."""
    import dask.dataframe as dd

    def run():
        # Values as the JSON has them: pandas would read an id "7" as a number, and a field
        # named like a date as a date.
        articles = dd.read_json(str(parts / "*.jsonl"), lines=True, blocksize=None,
                                dtype=False, convert_dates=False)
        # chunksize=1: by default the processes scheduler hands up to 6 ready tasks to one
        # worker at a time, which with a few partitions leaves the other workers idle.
        return dask_predict_articles(articles).compute(scheduler="processes", pool=pool,
                                                       chunksize=1)

    return run, lambda frame: frame.to_dict("records")


def spark_engine(parts, spark):
    """Spark over the part files, collected to pandas."""
    def run():
        articles = spark.read.json(str(parts))
        return spark_predict_articles(articles).toPandas()

    return run, lambda frame: frame.to_dict("records")


# Start-up, outside the timed runs.


def start_dask_pool():
    """Dask's workers: spawned processes, as Dask's processes scheduler starts them (on the
    first run, when they are first given work)."""
    return concurrent.futures.ProcessPoolExecutor(
        WORKERS, mp_context=multiprocessing.get_context("spawn")
    )


def start_spark(partitions):
    from pyspark.sql import SparkSession

    # Spark's Python workers run this interpreter, where the package is installed; and
    # everything stays on this machine, under whatever name it has.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (
        SparkSession.builder.master(f"local[{WORKERS}]")
        .appName("stance-engines-benchmark")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", str(partitions))
        # A file's opening cost as large as a split: each part file is a partition, as on
        # Dask, rather than Spark packing small files together.
        .config("spark.sql.files.openCostInBytes", str(128 * 1024 * 1024))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def measure(name, engine, runs):
    """The median seconds of `runs` runs and the last run's records."""
    run, records = engine
    seconds = []
    for _ in range(runs):
        elapsed, result = timed(run)
        seconds.append(elapsed)
        print(f"  {name}: {elapsed:.2f} s", file=sys.stderr)
    return statistics.median(seconds), records(result)


# The report.


def table(results, articles, reference):
    lines = [
        "| engine | articles | rows out | seconds | rows/s | articles/s | identical |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, (seconds, rows) in results.items():
        identical = "yes" if rows == reference else "no"
        lines.append(
            f"| {name} | {articles} | {len(rows)} | {seconds:.2f} | {len(rows) / seconds:,.0f} "
            f"| {articles / seconds:,.1f} | {identical} |"
        )
    return "\n".join(lines)


def versions():
    import dask
    import pyspark

    return (f"Python {platform.python_version()}, pandas {pandas.__version__}, dask "
            f"{dask.__version__}, pyspark {pyspark.__version__}, java {shutil.which('java')}")


def main():
    args = arguments()
    articles = collection(args.articles, args.repeat)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="stance-engines-") as temporary:
        parts, every = write_parts(articles, args.partitions, Path(temporary))
        startup, spark = timed(lambda: start_spark(args.partitions))
        pool = start_dask_pool()
        engines = {
            f"CLI ({WORKERS} threads)": command_line(args.stance_bin, every),
            f"Dask map_partitions (processes, {WORKERS} workers)": dask_engine(parts, pool),
            f"Spark local[{WORKERS}] mapInArrow": spark_engine(parts, spark),
        }
        try:
            results = {}
            for name, engine in engines.items():
                seconds, records = measure(name, engine, args.runs)
                results[name] = (seconds, sorted_records(records))
        finally:
            pool.shutdown()
            spark.stop()
    reference = next(iter(results.values()))[1]
    print(table(results, len(articles), reference))
    print()
    print(f"Machine: {os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / "
          f"{load[2]:.2f} (1 / 5 / 15 min) before the runs, {os.getloadavg()[0]:.2f} after; "
          f"{platform.platform()}.")
    print(f"{versions()}. {len(articles)} articles ({args.repeat} x {args.articles}) in "
          f"{args.partitions} part files; median of {args.runs} runs. The Spark session took "
          f"{startup:.1f} s to start, before the runs.")
    print(f"Command: python scripts/engines_benchmark.py --partitions {args.partitions} "
          f"--repeat {args.repeat} --runs {args.runs}")


if __name__ == "__main__":
    main()
