"""Settings for the test suite: the product's settings with tasks run inline, a fast password
hasher and a data folder of its own. Environment variables are set before the settings are read
(pytest-django loads settings before any conftest runs)."""

import os
from pathlib import Path

os.environ.setdefault("CHRYSALIS_TASKS", "immediate")
os.environ.setdefault("CHRYSALIS_TESTING", "1")
os.environ.setdefault("CHRYSALIS_DATA_DIR", str(Path.cwd() / "test-output" / "data"))

from chrysalis.config.settings import *  # noqa: E402, F403

# Other apps' tests do not drive the live expertise engine (its files and routing notifications);
# the experts tests switch it back on (see experts/tests/conftest.py).
CHRYSALIS_EXPERTISE_LIVE = False
