"""How a staff member is named on screens: by full name, the username only when none is set."""

EMPTY = "—"


def display_name(user):
    """The user's full name, else their username; "—" for no user (e.g. a deleted account)."""
    if user is None:
        return EMPTY
    return user.get_full_name().strip() or user.get_username()


def user_column(name, label):
    """A listing column of a user field, showing the person's name rather than the username
    (Wagtail would print ``str(user)``, which is the username)."""
    from wagtail.admin.ui.tables import Column

    return Column(name, label=label, accessor=lambda obj: display_name(getattr(obj, name)))
