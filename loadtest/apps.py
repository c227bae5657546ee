"""The drill app (config.settings.drill only): fault injection for the worker-kill drill.

A drill arms one stage by creating ``DRILL_DIR/<stage>.arm``; the first process that reaches
that stage takes the file (an atomic rename, so exactly one), writes its process id to
``DRILL_DIR/<stage>.pid`` and waits there for up to ``HOLD_SECONDS``, long enough to be killed.
Later attempts find no arm file and run at full speed.

- ``build``: inside the report builder, before any file exists (documents.builders.BUILDERS).
- ``filing``: in the storage, right after the first file of a run was written and before its
  Document is committed: the case that leaves a file behind if nobody cleans up.
"""

import os
import time
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.core.files.storage import FileSystemStorage

HOLD_SECONDS = 120


def drill_dir():
    return Path(settings.DRILL_DIR)


def hold_if_armed(stage):
    """Take the arm file of ``stage`` if it is there, record the pid and wait to be killed."""
    directory = drill_dir()
    try:
        os.rename(directory / f"{stage}.arm", directory / f"{stage}.taken")
    except FileNotFoundError:
        return False
    (directory / f"{stage}.pid").write_text(str(os.getpid()))
    time.sleep(HOLD_SECONDS)
    return True


def slow_builder(build):
    def build_held_by_the_drill(report, **kwargs):
        hold_if_armed("build")
        return build(report, **kwargs)

    return build_held_by_the_drill


class DrillStorage(FileSystemStorage):
    def _save(self, name, content):
        saved = super()._save(name, content)
        if saved.startswith("documents/"):
            hold_if_armed("filing")
        return saved


class DrillConfig(AppConfig):
    name = "loadtest"
    label = "loadtest_drill"
    verbose_name = "Drill"

    def ready(self):
        from documents import builders

        drill_dir().mkdir(parents=True, exist_ok=True)
        for kind, build in list(builders.BUILDERS.items()):
            builders.BUILDERS[kind] = slow_builder(build)
