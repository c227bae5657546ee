"""The fault drills' settings (scripts/drill_worker_kill.sh): the load test's (production with
loopback values), a short django-q2 ``timeout``/``retry`` so that a killed worker's task is
delivered again within seconds instead of 15 minutes, and the drill app, which can hold one
report build (or its filing) open long enough for the drill to kill the worker in the middle.
Never for a real installation: the drill app exists to let a worker die.
"""

import os

from .load import *
from .load import INSTALLED_APPS, Q_CLUSTER, VAR_DIR

INSTALLED_APPS = [*INSTALLED_APPS, "loadtest.apps.DrillConfig"]
# As in production, timeout < retry: a task is never delivered again while it may still run.
Q_CLUSTER = {
    **Q_CLUSTER,
    "name": "zeroottanta-drill",
    "workers": 1,
    "timeout": int(os.environ.get("DRILL_Q_TIMEOUT", "20")),
    "retry": int(os.environ.get("DRILL_Q_RETRY", "25")),
    "poll": 0.5,
}
# The drill app's trigger files: the drill creates an "arm" file; the next build (or filing)
# takes it, writes its process id and waits there.
DRILL_DIR = VAR_DIR / "drill"
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "loadtest.apps.DrillStorage"},
}
