"""Types of the Rust extension behind :mod:`stance` (``python/src/lib.rs``). Use the package's
own API (:class:`stance.Model`, :func:`stance.extract`, :func:`stance.train`); this module is
its engine."""

from typing import List, Optional, Tuple

class StanceError(Exception):
    """A bad input, option or model: the message is the command line's, with the file, line
    and column where there is one, and the settings it names written as keywords."""

class Model:
    """A model folder, loaded once and shared by every call (and every thread) that uses it."""

    @staticmethod
    def load(path: str) -> "Model":
        """Loads the model folder at ``path``."""
    def labels(self) -> List[Tuple[str, List[str]]]:
        """Each head's task and its labels, in the order the probability fields list them."""
    def predict(self, argv: List[str], name: str, data: bytes) -> bytes:
        """What ``stance predict FLAGS`` writes for the input ``data`` named ``name``."""

def extract(text: str, actors: Optional[str] = None, only_listed_actors: bool = False) -> str:
    """The statements of one article, its actors and who said what, as JSON."""

def run(argv: List[str]) -> str:
    """Runs one ``stance`` command in this process; what it printed."""
