import os
from pathlib import Path

# Tests run tasks inline and keep their data folder apart from ./var.
os.environ.setdefault("CHRYSALIS_TASKS", "immediate")
os.environ.setdefault("CHRYSALIS_TESTING", "1")
os.environ.setdefault("CHRYSALIS_DATA_DIR", str(Path(__file__).parent / "test-output" / "data"))
