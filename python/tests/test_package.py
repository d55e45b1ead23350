"""The Python package against the command line: same rows, same errors.

Run by `tests/python.rs` (part of `cargo test`), which builds the package into a virtual
environment and sets STANCE_BIN to the `stance` binary of the same build.
"""

import json
import os
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

import pandas
import pyarrow
import pyarrow.parquet

import stance

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "seeds" / "ice-nypd-mamdani.txt"
STANCE_BIN = os.environ.get("STANCE_BIN", "stance")


def cli(*args, cwd=None):
    """Runs the `stance` binary and gives its standard output."""
    done = subprocess.run(
        [STANCE_BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd
    )
    if done.returncode != 0:
        raise AssertionError(f"stance {args} failed: {done.stderr}")
    return done.stdout


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class Shipped(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = stance.Model.load()
        cls.seed = SEED.read_text(encoding="utf-8")
        cls.harbor = (FIXTURES / "articles" / "harbor-council.txt").read_text(encoding="utf-8")

    def test_the_shipped_model_is_installed_with_the_package(self):
        self.assertTrue((stance.DEFAULT_MODEL / "weights.safetensors").is_file())

    def test_the_stubs_name_what_the_extension_has(self):
        """The installed type stubs (PEP 561: `py.typed`) list the extension's classes,
        functions and methods, no more and no fewer."""
        import ast
        import inspect

        from stance import _native

        package = Path(stance.__file__).resolve().parent
        self.assertTrue((package / "py.typed").is_file())
        stubs = ast.parse((package / "_native.pyi").read_text(encoding="utf-8"))
        stubbed = {}
        for node in stubs.body:
            if isinstance(node, ast.ClassDef):
                stubbed[node.name] = {
                    item.name for item in node.body if isinstance(item, ast.FunctionDef)
                }
            elif isinstance(node, ast.FunctionDef):
                stubbed[node.name] = set()
        public = {name for name in dir(_native) if not name.startswith("_")}
        self.assertEqual(set(stubbed), public)
        for name, methods in stubbed.items():
            value = getattr(_native, name)
            if inspect.isclass(value) and not issubclass(value, BaseException):
                own = {m for m in vars(value) if not m.startswith("_")}
                self.assertEqual(methods, own, name)

    def test_articles_give_the_command_lines_rows(self):
        records = [
            {"id": "seed", "text": self.seed, "outlet": "Example Daily", "date": "2026-01-05"},
            {"id": 7, "text": self.harbor, "outlet": "Harbor News"},
        ]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "articles.jsonl"
            path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
            expected = json_lines(cli("predict", path, "--format", "jsonl", "--model",
                                      ROOT / "models" / "default"))
        got = self.model.predict_articles(records, output="records")
        self.assertGreater(len(expected), 10)
        self.assertEqual(got, expected)
        # The frame holds the same values, column for column.
        frame = self.model.predict_articles(pandas.DataFrame(records))
        self.assertEqual(list(frame.columns), sorted(set().union(*expected)))
        self.assertEqual(frame["quote"].tolist(), [row["quote"] for row in expected])
        self.assertEqual(frame["outlet"].iloc[0], "Example Daily")

    def test_options_are_the_command_lines_flags(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "seed.jsonl"
            path.write_text(json.dumps({"id": "0", "text": self.seed}) + "\n", encoding="utf-8")
            expected = json_lines(cli("predict", path, "--format", "jsonl", "--explain", "3",
                                      "--min-confidence", "0.9", "--model",
                                      ROOT / "models" / "default"))
        got = self.model.predict_articles(self.seed, output="records", explain=3,
                                          min_confidence=0.9)
        self.assertEqual(got, expected)
        self.assertTrue(all(len(row["explanation"][0]["terms"]) <= 3 for row in got))

    def test_arrow_tables_have_the_same_columns(self):
        table = self.model.predict_articles([self.seed], output="arrow")
        self.assertIsInstance(table, pyarrow.Table)
        frame = self.model.predict_articles([self.seed])
        self.assertEqual(table.column_names, list(frame.columns))
        self.assertEqual(table.num_rows, len(frame))
        self.assertEqual(table.column("stance").to_pylist()[:3], frame["stance"].tolist()[:3])

    def test_rows_give_the_command_lines_rows(self):
        path = FIXTURES / "labelled.csv"
        expected = json_lines(cli("predict", path, "--format", "jsonl", "--model",
                                  ROOT / "models" / "default"))
        rows = pandas.read_csv(path, dtype=str, keep_default_na=False)
        got = self.model.predict_rows(rows, source=str(path), output="records")
        self.assertEqual(len(got), len(rows))
        self.assertEqual(got, expected)
        self.assertEqual(self.model.predict_rows(path, output="records"), expected)
        with tempfile.TemporaryDirectory() as folder:
            parquet = Path(folder) / "labelled.parquet"
            pyarrow.parquet.write_table(pyarrow.Table.from_pandas(rows), parquet)
            got = self.model.predict_rows(parquet, output="records")
            self.assertEqual(
                [{**row, "article": "x"} for row in got],
                [{**row, "article": "x"} for row in expected],
            )

    def test_rows_carry_their_other_columns_as_the_command_line_does(self):
        path = FIXTURES / "dated.csv"
        expected = json_lines(cli("predict", path, "--format", "jsonl", "--model",
                                  ROOT / "models" / "default"))
        self.assertEqual([row["outlet"] for row in expected], ["Daily", "Weekly", "Daily"])
        self.assertIsNone(expected[2]["date"])
        # pandas reads the empty date as NaN: it is carried as null, as the CSV's empty cell.
        rows = pandas.read_csv(path)
        got = self.model.predict_rows(rows, source=str(path), output="records")
        self.assertEqual(got, expected)
        self.assertEqual(self.model.predict_rows(path, output="records"), expected)

    def test_nothing_in_gives_an_empty_frame(self):
        self.assertEqual(len(self.model.predict_articles([])), 0)
        self.assertEqual(self.model.predict_rows([], output="records"), [])

    def test_bad_input_raises_the_command_lines_message(self):
        with self.assertRaisesRegex(stance.StanceError, r"missing column `text`.*text_column="):
            self.model.predict_rows([{"words": "x", "actor": "Lee"}])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "latin1.csv"
            path.write_bytes(b'text,actor\n"a",Lee\n"b\xff",Lee\n')
            with self.assertRaisesRegex(stance.StanceError, r"latin1.csv:3:3: invalid UTF-8"):
                self.model.predict_rows(path)
            self.assertEqual(len(self.model.predict_rows(path, encoding="latin1")), 2)
        with self.assertRaisesRegex(stance.StanceError, r"--explain"):
            self.model.predict_articles([self.seed], explain="many")
        with self.assertRaisesRegex(stance.StanceError, r"no model folder here"):
            stance.Model.load("/nonexistent/model")
        with self.assertRaisesRegex(stance.StanceError, r"Model.predict_articles"):
            stance._native.run(["predict", str(SEED)])
        with self.assertRaisesRegex(ValueError, r"output must be one of"):
            self.model.predict_articles([self.seed], output="excel")

    def test_extract_gives_the_statements_and_speakers(self):
        statements = stance.extract(self.seed)
        by_quote = dict(zip(statements["quote"], statements["speaker"]))
        self.assertEqual(
            by_quote["everyone will be held to the same standard of the law."], "Zohran Mamdani"
        )
        self.assertEqual(by_quote["communist"], "Donald Trump")
        first = statements.iloc[0]
        self.assertEqual(
            self.seed.encode("utf-8")[first["start"]:first["end"]].decode("utf-8"), first["quote"]
        )
        # The statements are the ones predict scores.
        predicted = {row["quote"] for row in self.model.predict_articles(self.seed, output="records")}
        self.assertEqual(set(statements["quote"]), predicted)

    def test_the_gil_is_released_while_rust_works(self):
        counted = [0]
        done = threading.Event()

        def count():
            while not done.is_set():
                counted[0] += 1

        # The native call alone: the wrapper's own Python work (JSON in and out) would let the
        # counting thread run whatever the Rust side does.
        data = "\n".join(json.dumps({"id": i, "text": self.seed}) for i in range(400)).encode()
        counter = threading.Thread(target=count)
        counter.start()
        time.sleep(0.05)
        first = counted[0]
        time.sleep(0.2)
        alone = (counted[0] - first) / 0.2  # steps a second with the main thread asleep
        before = counted[0]
        started = time.perf_counter()
        self.model._native.predict(["--input", "jsonl", "--format", "jsonl"], "articles", data)
        elapsed = time.perf_counter() - started
        during = counted[0] - before
        done.set()
        counter.join()
        # Holding the GIL, the counting thread would get no turn during the call (only one
        # switch interval, 5 ms, once it returns); released, it counts all along, if slower
        # for sharing the cores with the scoring threads.
        self.assertGreater(elapsed, 0.1)
        self.assertGreater(during, 0.2 * alone * elapsed)


class Training(unittest.TestCase):
    def test_train_and_evaluate_match_the_command_line(self):
        data = FIXTURES / "labelled.csv"
        flags = {"min_df": 1, "vocab_min_frequency": 1}
        with tempfile.TemporaryDirectory() as folder:
            mine = stance.train(data, Path(folder) / "py-model", **flags)
            cli("train", "--data", data, "--model", Path(folder) / "cli-model", "--min-df", "1",
                "--vocab-min-frequency", "1")
            for name in ["model.json", "weights.safetensors", "tokenizer.json"]:
                self.assertEqual(
                    (Path(folder) / "py-model" / name).read_bytes(),
                    (Path(folder) / "cli-model" / name).read_bytes(),
                    name,
                )
            report = mine.evaluate(data, bootstrap=0)
            expected = json.loads(cli("evaluate", "--model", Path(folder) / "cli-model",
                                      "--data", data, "--format", "json", "--bootstrap", "0"))
            self.assertEqual(report, expected)
            self.assertIn("stance", json.dumps(report))
            with self.assertRaisesRegex(stance.StanceError, r"already there.*--force"):
                stance.train(data, Path(folder) / "py-model", **flags)
            with self.assertRaisesRegex(stance.StanceError, r"for c=: expected a positive"):
                stance.train(data, Path(folder) / "other", c=-1, **flags)

    def test_evaluate_extraction_on_gold(self):
        report = stance.Model.load().evaluate(extraction=ROOT / "tests" / "gold")
        self.assertIn("all", json.dumps(report))


if __name__ == "__main__":
    unittest.main()
