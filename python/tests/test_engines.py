"""Dask and Spark (`stance.engines`) against the command line: a partitioned collection of
articles gives, row for row, the rows of one `stance predict ALL.jsonl --format jsonl` run.

Without dask or pyspark (or Java, for Spark) these tests skip, unless STANCE_REQUIRE_PYTHON
is set, when they fail. STANCE_BIN names the `stance` binary (see test_package.py).
"""

import importlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import pandas
import pyarrow
import pyarrow.parquet

import stance

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "default"
STANCE_BIN = os.environ.get("STANCE_BIN", "stance")

# Short articles written for these tests: quotes with and without a named speaker, and one
# without any quote, whose partition gives no rows at all.
BRIDGE = """Millbrook Bridge Lanes to Close for Spring Repairs

Two lanes of the Millbrook Bridge will close from March to May while crews replace worn \
joints, city officials said on Tuesday.

Transportation Commissioner Dana Kessler said the repairs could not wait another year. "We \
cannot keep patching a bridge that carries twice the traffic it was built for," Kessler said.

Councilmember Raj Patel said the timing would hurt shops on both banks. "Closing lanes in the \
busiest season is a mistake that small businesses will pay for," Patel said.
"""

LUNCH = """Eastfield Board Votes to Feed Every Student

The Eastfield school board voted 5-2 on Monday to give every student in the district a free \
lunch, starting in the fall.

"No child should have to learn on an empty stomach," said board president Maria Gomez, who \
called the vote a turning point for the district.

Board member Tom Reilly, who voted against the plan, said the board had not shown how it would \
pay for it. "Good intentions do not balance a budget," Reilly said.
"""

FIRE = """Warehouse Fire Near the Harbor Is Put Out Within an Hour

A fire damaged a storage warehouse near the harbor late on Friday. No one was hurt.

"The smoke was so thick you could not see across the street," a neighbor said.

Fire Chief Alan Brooks praised the crews who answered the call. "Our firefighters did exactly \
what they were trained to do," Brooks said.
"""

LIBRARY = """The county library will open on Sunday afternoons from next month. The change \
follows a review of how many people visited over the past year, and two reading rooms on the \
second floor will open at the same time.
"""


def cli(*args):
    """Runs the `stance` binary and gives its standard output."""
    done = subprocess.run([STANCE_BIN, *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"stance {args} failed: {done.stderr}")
    return done.stdout


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def articles():
    """The collection, as partitions of records: ids are strings, the other fields are
    carried to the output (`outlet` is missing from one article, null in the tables)."""
    seed = (ROOT / "seeds" / "ice-nypd-mamdani.txt").read_text(encoding="utf-8")
    harbor = (ROOT / "tests" / "fixtures" / "articles" / "harbor-council.txt").read_text(
        encoding="utf-8"
    )
    texts = {"seed": seed, "bridge": BRIDGE, "harbor": harbor, "lunch": LUNCH,
             "library": LIBRARY, "fire": FIRE}
    records = [
        {"id": key, "text": text, "date": f"2026-01-0{n}", "words": len(text.split()),
         "share": n / 8, "front_page": n % 2 == 0}
        for n, (key, text) in enumerate(texts.items(), start=1)
    ]
    for record in records:
        if record["id"] != "fire":
            record["outlet"] = "Harbor News" if record["id"] == "harbor" else "Example Daily"
    return [records[0:2], records[2:3], records[3:4], records[4:5], records[5:6]]


def write_jsonl_parts(parts, folder):
    """The partitions as JSON lines part files, each article with tags: nested, the command
    line leaves them out."""
    for number, part in enumerate(parts):
        lines = [json.dumps({**record, "tags": ["local"]}) + "\n" for record in part]
        (folder / f"part-{number:05d}.jsonl").write_text("".join(lines), encoding="utf-8")


def write_parquet_parts(parts, folder):
    """The partitions as Parquet part files (one table schema for all), without tags."""
    schema = pyarrow.schema([
        ("id", pyarrow.string()), ("text", pyarrow.string()), ("date", pyarrow.string()),
        ("words", pyarrow.int64()), ("share", pyarrow.float64()),
        ("front_page", pyarrow.bool_()), ("outlet", pyarrow.string()),
    ])
    for number, part in enumerate(parts):
        table = pyarrow.Table.from_pylist(part, schema=schema)
        pyarrow.parquet.write_table(table, folder / f"part-{number:05d}.parquet")


def plain(value):
    """A value as JSON would give it: missing values (NaN, NA) are None, a struct a dict."""
    if hasattr(value, "asDict"):  # a Spark Row
        value = value.asDict(recursive=True)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if value is None or value is pandas.NA or isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value  # numpy scalars


def sorted_rows(records, columns):
    """Rows with every column (a JSON line leaves out the stance of a statement without an
    actor), sorted by article, statement and actor."""
    rows = [{column: plain(record.get(column)) for column in columns} for record in records]
    return sorted(rows, key=lambda row: (row["article"], row["quote_id"], row["actor"] or ""))


def require(module, requirement):
    """Imports `module`; without it (pip's `requirement`) the test skips, or fails when
    STANCE_REQUIRE_PYTHON is set."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        if os.environ.get("STANCE_REQUIRE_PYTHON"):
            raise AssertionError(f"{module} is missing and STANCE_REQUIRE_PYTHON is set: {err}")
        raise unittest.SkipTest(f"{module} is not installed (pip install '{requirement}'): {err}")


class Collection(unittest.TestCase):
    """The articles as JSON lines part files, concatenated for the command line, and as
    Parquet part files for the engines; with the command line's rows."""

    @classmethod
    def setUpClass(cls):
        cls.folder = Path(tempfile.mkdtemp(prefix="stance-engines-"))
        cls.parts = articles()
        for kind in ["jsonl", "parquet"]:
            (cls.folder / kind).mkdir()
        write_jsonl_parts(cls.parts, cls.folder / "jsonl")
        cls.parquet = cls.folder / "parquet"
        write_parquet_parts(cls.parts, cls.parquet)
        cls.jsonl = cls.folder / "all.jsonl"
        cls.jsonl.write_bytes(b"".join(
            part.read_bytes() for part in sorted((cls.folder / "jsonl").glob("*.jsonl"))
        ))
        cls.expected = json_lines(cli("predict", cls.jsonl, "--format", "jsonl", "--model", MODEL))
        cls.columns = sorted(set().union(*cls.expected))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder)

    def assertSameRows(self, records, columns):
        self.assertEqual(list(columns), self.columns)
        got = sorted_rows(records, self.columns)
        expected = sorted_rows(self.expected, self.columns)
        keys = {(row["article"], row["quote_id"], row["actor"]) for row in expected}
        self.assertEqual(len(keys), len(expected), "article, quote_id and actor name a row")
        self.assertGreater(len(expected), 20)
        self.assertEqual(got, expected)


class Dask(Collection):
    @classmethod
    def setUpClass(cls):
        cls.dd = require("dask.dataframe", "dask[dataframe]")
        super().setUpClass()

    def test_partitions_give_the_command_lines_rows(self):
        from stance.engines import dask_predict_articles

        articles = self.dd.read_parquet(str(self.parquet))
        self.assertEqual(articles.npartitions, len(self.parts))
        rows = dask_predict_articles(articles)
        frame = rows.compute(scheduler="processes", num_workers=2, chunksize=1)
        self.assertSameRows(frame.to_dict("records"), frame.columns)
        # Every partition, the one without rows included, has the declared dtypes, which for
        # the model's columns are those of Model.predict_articles.
        self.assertEqual(frame.dtypes.to_dict(), rows.dtypes.to_dict())
        here = stance.Model.load().predict_articles(self.parts[0])
        for column in here.columns.drop(["outlet", "date", "words", "share", "front_page"]):
            self.assertEqual(rows.dtypes[column], here.dtypes[column], column)

    def test_options_are_the_command_lines_flags(self):
        from stance.engines import dask_predict_articles

        # A relative actors file is the driver's: workers get its absolute path.
        actors = os.path.relpath(ROOT / "seeds" / "ice-nypd-mamdani.actors.txt")
        expected = json_lines(cli("predict", self.jsonl, "--format", "jsonl", "--model", MODEL,
                                  "--min-confidence", "0.9", "--actors", actors))
        articles = self.dd.read_parquet(str(self.parquet))
        rows = dask_predict_articles(articles, model=MODEL, min_confidence=0.9, actors=actors)
        frame = rows.compute(scheduler="processes", num_workers=2, chunksize=1)
        self.assertLess(len(frame), len(self.expected))
        columns = sorted(set().union(*expected))
        self.assertEqual(sorted_rows(frame.to_dict("records"), columns),
                         sorted_rows(expected, columns))

    def test_articles_need_ids(self):
        from stance.engines import dask_predict_articles

        texts = pandas.DataFrame({"text": [BRIDGE, LUNCH]})
        with self.assertRaisesRegex(ValueError, r"no 'id' column"):
            dask_predict_articles(self.dd.from_pandas(texts, npartitions=2))
        texts["id"] = ["bridge", None]
        rows = dask_predict_articles(self.dd.from_pandas(texts, npartitions=1))
        with self.assertRaisesRegex(ValueError, r"ids are null"):
            rows.compute(scheduler="sync")

    def test_refused_and_bad_options_fail_on_the_driver(self):
        from stance.engines import dask_predict_articles

        articles = self.dd.read_parquet(str(self.parquet))
        with self.assertRaisesRegex(ValueError, r"explain"):
            dask_predict_articles(articles, explain=3)
        with self.assertRaisesRegex(stance.StanceError, r"--min-confidence"):
            dask_predict_articles(articles, min_confidence="sure")


class Spark(Collection):
    @classmethod
    def setUpClass(cls):
        require("pyspark", "pyspark")
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            if os.environ.get("STANCE_REQUIRE_PYTHON"):
                raise AssertionError("Spark needs Java and STANCE_REQUIRE_PYTHON is set")
            raise unittest.SkipTest("Spark needs Java (java on PATH or JAVA_HOME)")
        super().setUpClass()
        from pyspark.sql import SparkSession

        # Spark's Python workers run this interpreter, where the package is installed; and
        # everything stays on this machine, under whatever name it has.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        cls.spark = (
            SparkSession.builder.master("local[2]")
            .appName("stance-engines-test")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        cls.spark.sparkContext.setLogLevel("ERROR")

    @classmethod
    def tearDownClass(cls):
        cls.spark.stop()
        super().tearDownClass()

    def test_partitions_give_the_command_lines_rows(self):
        from pyspark.sql import functions
        from stance.engines import spark_predict_articles

        articles = self.spark.read.parquet(str(self.parquet))
        # Nested columns are left out, as the command line leaves out the JSON lines' tags.
        articles = articles.withColumn("tags", functions.array(functions.lit("local")))
        self.assertGreater(articles.rdd.getNumPartitions(), 1)
        rows = spark_predict_articles(articles)
        self.assertEqual(
            rows.schema["stance_probabilities"].dataType.simpleString(),
            "struct<against:double,favor:double,neutral:double>",
        )
        self.assertEqual(rows.schema["start"].dataType.simpleString(), "bigint")
        collected = rows.collect()
        self.assertSameRows([row.asDict() for row in collected], rows.columns)

    def test_articles_need_ids_and_json_scalars(self):
        from stance.engines import spark_predict_articles

        articles = self.spark.read.parquet(str(self.parquet))
        with self.assertRaisesRegex(ValueError, r"no 'id' column"):
            spark_predict_articles(articles.drop("id"))
        dated = articles.withColumn("date", articles["date"].cast("date"))
        with self.assertRaisesRegex(ValueError, r"'date' has type date.*cast it to a string"):
            spark_predict_articles(dated)
        with self.assertRaisesRegex(ValueError, r"explain"):
            spark_predict_articles(articles, explain=True)


class Workers(unittest.TestCase):
    @staticmethod
    def run_python(code, **env):
        """What `code` prints, run by this interpreter with `env` added to the environment
        (RAYON_NUM_THREADS only when `env` sets it)."""
        environment = {key: value for key, value in os.environ.items()
                       if key != "RAYON_NUM_THREADS"}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**environment, **env}, check=True)
        return done.stdout.split()

    def test_import_stance_needs_neither_engine(self):
        printed = self.run_python(
            "import sys, stance, stance.engines; "
            "print('pyspark' in sys.modules, 'dask' in sys.modules)"
        )
        self.assertEqual(printed, ["False", "False"])

    def test_a_worker_loads_the_model_once_with_one_rust_thread(self):
        code = (
            "import os, stance.engines as e; "
            "print(e._worker_model(None) is e._worker_model(None), "
            "os.environ['RAYON_NUM_THREADS'])"
        )
        self.assertEqual(self.run_python(code), ["True", "1"])
        # A setting of the user's own is kept.
        self.assertEqual(self.run_python(code, RAYON_NUM_THREADS="3"), ["True", "3"])


if __name__ == "__main__":
    unittest.main()
