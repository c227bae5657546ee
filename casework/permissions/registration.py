"""What the permissions area adds to the admin: the per-Comune permission policies."""

from wagtail.permissions import register_permission_policy

from .policies import register_scoped_policies


def register(hooks):
    register_scoped_policies(register_permission_policy)
