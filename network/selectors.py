import re
import unicodedata

from .models import Comune


def comune_key(value):
    """Fold a Comune's name for comparison: no case, accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]", "", text.lower())


def comune_index(queryset=None):
    """A dict from every accepted spelling (name key, 6-digit and short ISTAT code) to a Comune;
    build it once per file or request, then look up in memory."""
    index = {}
    for comune in queryset if queryset is not None else Comune.objects.all():
        index[comune_key(comune.name)] = comune
        index[comune.istat_code] = comune
        index[comune.istat_code.lstrip("0")] = comune
        index[comune.cadastral_code.lower()] = comune
    return index


def istat_key(value):
    """'17096', '017096', 17096 and 17096.0 (a spreadsheet number) all mean the same Comune."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return text.split(".")[0].lstrip("0")
    return None


def find_comune(value, index=None):
    """The Comune meant by an ISTAT code (leading zeros optional) or a name written any way;
    None when nothing matches."""
    if value is None or str(value).strip() == "":
        return None
    index = index if index is not None else comune_index()
    code = istat_key(value)
    if code is not None:
        return index.get(code)
    return index.get(comune_key(value))
