"""Permission policies that add the per-Comune scope to Wagtail's instance-level checks.

``ScopedViewSetMixin`` guards our own URLs; Wagtail itself also asks the registered policy about
single records in places we do not route: the usage screen of a host organisation or an edition
(which lists the records pointing to it *by name*), the edit links of the site history, bulk
actions, the admin URL finder. With this policy those places see another Comune's record as
private: no link, no label.
"""

from wagtail.permission_policies import ModelPermissionPolicy

from casework.audit.services import follow_id

from .access import can_see_comune, visible_comune_ids
from .scoping import scope_for_model, scope_paths


def comune_id_of(instance, path):
    return follow_id(instance, path)


class ScopedPermissionPolicy(ModelPermissionPolicy):
    def in_scope(self, user, instance):
        if visible_comune_ids(user) is None:
            return True
        path = scope_paths().get(self.model)
        if path is None:
            return True
        if instance.pk is None:
            return True  # an object being created: its form's choices are scoped
        comune_id = comune_id_of(instance, path)
        return comune_id is not None and can_see_comune(user, comune_id)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.in_scope(user, instance) and super().user_has_permission_for_instance(
            user, action, instance
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.in_scope(user, instance) and super().user_has_any_permission_for_instance(
            user, actions, instance
        )

    def instances_user_has_any_permission_for(self, user, actions):
        return scope_for_model(super().instances_user_has_any_permission_for(user, actions), user)


class AppendOnlyPermissionPolicy(ModelPermissionPolicy):
    """The audit trail: viewable by who holds the view permission, never added, changed or
    deleted through the admin, not even by a superuser (``AuditEvent`` refuses it anyway)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


def register_scoped_policies(register):
    """Register the scoped policy for every casework model with personal data (the Comune's own
    policy belongs to ``network``), and the append-only one for the audit trail."""
    from casework.audit.models import AuditEvent

    for model in scope_paths():
        if model._meta.app_label == "casework":
            register(model, ScopedPermissionPolicy(model))
    register(AuditEvent, AppendOnlyPermissionPolicy(AuditEvent))
