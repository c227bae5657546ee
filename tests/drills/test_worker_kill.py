"""kill -9 of a qcluster worker during a report: retried, done, one filing, no orphan file.

The drill runs in its own processes on its own database (scripts/drill_worker_kill.sh); this
test only runs it and reads its verdict, so that ``pytest -m drill`` covers it too."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.drill
def test_killed_worker_report_is_retried_and_filed_once():
    result = subprocess.run(
        [str(ROOT / "scripts" / "drill_worker_kill.sh")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout[-5000:], result.stderr[-5000:])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "DRILL SUPERATO" in result.stdout
