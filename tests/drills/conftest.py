"""Drills (marker ``drill``) start real processes and kill them: never in the default run.
They run with ``pytest -m drill`` (or through their scripts, e.g. scripts/drill_worker_kill.sh)."""

import pytest


def pytest_collection_modifyitems(config, items):
    if "drill" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="drill: pytest -m drill, or scripts/drill_worker_kill.sh")
    for item in items:
        if item.get_closest_marker("drill"):
            item.add_marker(skip)
