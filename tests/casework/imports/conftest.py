"""The import screens queue their tasks once the request's transaction commits. Test requests
run inside the test's transaction, which never commits: the ``client`` here runs each request's
on-commit callbacks when the request ends, as a real commit would (with ``Q_CLUSTER['sync']``
the queued task then runs at once, inside the request)."""

import pytest


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    original = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    client.request = request
    return client
