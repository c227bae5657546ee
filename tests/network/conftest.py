import time

import pytest
from django.core.cache import cache

from network.forms import signed_now


@pytest.fixture(autouse=True)
def clear_cache():
    # Directory pages and rate-limit counters live in the cache: each test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def network_pages(db):
    from home.content import build_page_tree
    from network.demo import build_pages

    build_page_tree()
    build_pages()
    from network.models import DirectoryPage, RegistrationPage

    return DirectoryPage.objects.get(), RegistrationPage.objects.get()


@pytest.fixture
def directory_page(network_pages):
    return network_pages[0]


@pytest.fixture
def registration_page(network_pages):
    return network_pages[1]


def started_seconds_ago(seconds=60):
    return signed_now(at=time.time() - seconds)
