"""What the papers of a tirocinio state about allowance and attendance."""

from decimal import Decimal


def training_terms(pathway):
    """The terms a tirocinio's training project states, read from its edition's rules.

    Returns ``monthly_allowance`` (Decimal, euro), ``min_attendance_percent`` (int),
    ``max_months`` (int) and ``rule_reference`` (str, the regional act)."""
    # Placeholder until the rules are data per edition: Lombardy's DGR 7763/2018 defaults.
    return {
        "monthly_allowance": Decimal("400.00"),
        "min_attendance_percent": 80,
        "max_months": 12,
        "rule_reference": "DGR Lombardia n. 7763/2018",
    }
