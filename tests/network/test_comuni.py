import csv
from pathlib import Path

import pytest

from network.models import Comune
from network.selectors import comune_index, find_comune

DATA = Path(__file__).resolve().parents[2] / "network" / "data" / "comuni_valle_trompia.csv"

pytestmark = pytest.mark.django_db


def test_the_eighteen_comuni_with_their_codes():
    with DATA.open(encoding="utf-8") as handle:
        expected = {row["istat_code"]: row for row in csv.DictReader(handle)}
    assert len(expected) == 18
    rows = {c.istat_code: c for c in Comune.objects.all()}
    assert set(rows) == set(expected)
    for code, row in expected.items():
        assert rows[code].name == row["name"]
        assert rows[code].cadastral_code == row["cadastral_code"]
        assert rows[code].province == "BS"


def test_repo_copy_matches_the_shared_data():
    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "comuni_valle_trompia.csv"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert shared.read_text(encoding="utf-8") == DATA.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("017096", "Lumezzane"),
        ("17096", "Lumezzane"),
        (17096, "Lumezzane"),
        ("17096.0", "Lumezzane"),
        ("lumezzane", "Lumezzane"),
        ("  LUMEZZANE ", "Lumezzane"),
        ("Gardone Val Trompia", "Gardone Val Trompia"),
        ("gardone  val   trompia", "Gardone Val Trompia"),
        ("GARDONE VALTROMPIA", "Gardone Val Trompia"),
        ("Gardone-Val-Trompia", "Gardone Val Trompia"),
        ("Tavernole sul Mella", "Tavernole sul Mella"),
        ("tavèrnole sul mèlla", "Tavernole sul Mella"),
        ("Villa Carcina", "Villa Carcina"),
        ("villacarcina", "Villa Carcina"),
        ("17024", "Bovegno"),
    ],
)
def test_find_comune_on_messy_input(value, expected):
    assert find_comune(value).name == expected


@pytest.mark.parametrize("value", ["", None, "Milano", "999999", "17", "  "])
def test_find_comune_unknown(value):
    assert find_comune(value) is None


def test_find_comune_with_a_prebuilt_index_runs_no_query(django_assert_num_queries):
    index = comune_index()
    with django_assert_num_queries(0):
        assert find_comune("Nave", index).istat_code == "017117"
