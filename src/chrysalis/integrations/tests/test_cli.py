"""`python -m chrysalis import stackexchange` as a real process with its own data folder."""

import os
import subprocess
import sys

from chrysalis.integrations.tests.dumps import REPO, small_dump


def chrysalis(data_dir, *args):
    env = dict(os.environ, CHRYSALIS_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO / "src"))
    for key in ("CHRYSALIS_TASKS", "CHRYSALIS_TESTING", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)  # the command runs as in production, on its own SQLite data folder
    return subprocess.run(
        [sys.executable, "-m", "chrysalis", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )


def test_import_prints_the_report_and_a_rerun_imports_nothing(tmp_path):
    site = small_dump(tmp_path / "small")
    data = tmp_path / "data"

    first = chrysalis(data, "import", "stackexchange", str(site), "--until", "2020-02-01T00:00:00", "--quiet")

    assert first.returncode == 0, first.stderr
    assert (
        "Stack Exchange import of small (until 2020-02-01T00:00:00+00:00) into the company feed"
        in first.stdout
    )
    assert "questions          2         0              1" in first.stdout
    assert "Posts.xml     orphan answer (question missing): 1" in first.stdout
    assert first.stderr == ""  # --quiet: no progress bars

    second = chrysalis(data, "import", "stackexchange", str(site), "--until", "2020-02-01T00:00:00")

    assert second.returncode == 0, second.stderr
    assert "questions          0         2              1" in second.stdout
    assert "search index: unchanged (nothing new)" in second.stdout
    assert "people" in second.stderr  # the progress bars go to stderr


def test_bad_input_exits_nonzero_with_a_clear_message(tmp_path):
    site = small_dump(tmp_path / "small")
    (site / "Votes.xml").write_text('<?xml version="1.0"?>\n<votes>\n  <row Id="1" PostId="1"\n</votes>\n')
    data = tmp_path / "data"

    broken = chrysalis(data, "import", "stackexchange", str(site), "--quiet")
    bad_date = chrysalis(data, "import", "stackexchange", str(site), "--until", "soon")
    missing = chrysalis(data, "import", "stackexchange", str(tmp_path / "nowhere"))

    assert broken.returncode == 1
    assert broken.stderr.startswith("error: Votes.xml: malformed XML at line 4, column")
    assert broken.stdout == ""
    assert bad_date.returncode == 2 and "--until: 'soon' is not an ISO 8601" in bad_date.stderr
    assert missing.returncode == 1 and "no such folder" in missing.stderr
