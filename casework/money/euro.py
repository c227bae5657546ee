"""Euro amounts written the Italian way ("€ 1.234,56"), for messages, screens and documents."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def format_euro(value):
    """``Decimal("1234.5")`` -> ``"€ 1.234,50"``; negative amounts keep their sign."""
    amount = Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"€ {sign}{'.'.join(groups)},{cents}"
