"""How a staff member is named on screens: by full name, the username only when none is set."""

EMPTY = "—"


def display_name(user):
    """The user's full name, else their username; "—" for no user (e.g. a deleted account)."""
    if user is None:
        return EMPTY
    return user.get_full_name().strip() or user.get_username()
