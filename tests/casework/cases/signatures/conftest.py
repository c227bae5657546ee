import datetime
import io

import pytest
from PIL import Image

from casework.cases.services import pathways as cases_pathways
from tests import factories as f

D = datetime.date


@pytest.fixture(autouse=True)
def private_scans(settings, tmp_path):
    """Each test keeps its scans in a folder of its own."""
    settings.SIGNED_SCANS_ROOT = tmp_path / "private" / "scans"
    return settings.SIGNED_SCANS_ROOT


@pytest.fixture
def position(db):
    return f.PositionFactory(pathway_types=["tirocinio", "inserimento", "personalizzato"])


def new_pathway(comune, user, *, pathway_type="tirocinio", position=None, chosen=()):
    """Taken in charge on 05/09/2016 (checklist built), defined at ``position`` if given."""
    referral = f.ReferralFactory(beneficiary__residence_comune=comune, referred_on=D(2016, 9, 1))
    pathway = cases_pathways.take_in_charge(
        referral, on=D(2016, 9, 5), user=user, pathway_type=pathway_type, chosen_activities=chosen
    )
    if position is not None:
        pathway = cases_pathways.define_pathway(pathway, user=user, position=position)
    return pathway


@pytest.fixture
def pathway(comune_a, agency_operator, position):
    return new_pathway(comune_a, agency_operator, position=position)


def image_bytes(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format=fmt)
    return buffer.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
