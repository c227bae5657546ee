"""Money arithmetic and writing, in one place: amounts rounded half up to the cent, and written
the Italian way ("€ 1.234,56") for messages, screens, documents and import reports."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(value):
    """``Decimal`` rounded half up to the cent (the default context would round half even)."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(value):
    """``Decimal("1234.5")`` -> ``"1.234,50"``: the figure alone, for texts that add the sign."""
    amount = to_cents(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{'.'.join(groups)},{cents}"


def format_euro(value):
    """``Decimal("1234.5")`` -> ``"€ 1.234,50"``; negative amounts keep their sign."""
    return f"€ {format_amount(value)}"
