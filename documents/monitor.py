"""The django-q2 task monitor in the Wagtail admin: queued, successful and failed tasks and the
schedules, read-only, as Wagtail ``ModelViewSet``s (listing and inspect only).

Task arguments and results are never listed: our tasks carry only ids, but a task queued by
another app might not. Only a failure's inspect page shows its result (the error text and its
traceback: what the operator needs), and a schedule's its arguments.

The listing filters through django-filter on the declared ``list_filter`` only, so an unknown
parameter (``?comune=16``, ``?result__contains=``) is ignored, never a lookup on the model."""

from django.utils.translation import gettext_lazy as _
from django_q.models import Failure, OrmQ, Schedule, Success
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from casework.access import is_programme_manager


class MonitorPermissionPolicy(ModelPermissionPolicy):
    """The programme manager (and superusers) look; the queue itself is changed only by the
    cluster and by ``setup_schedules``, so no one adds, changes or deletes here."""

    def user_has_permission(self, user, action):
        return action == "view" and is_programme_manager(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and is_programme_manager(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


# The views a read-only monitor serves; the add, edit and delete URLs do not exist.
READ_ONLY_VIEWS = ("index", "index_results", "inspect")


class MonitorViewSet(ModelViewSet):
    inspect_view_enabled = True
    list_per_page = 50
    # django-q's tables are not in the search index: search the database.
    search_backend_name = None
    form_fields = []
    add_to_admin_menu = False
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in READ_ONLY_VIEWS]

    def get_index_view_kwargs(self, **kwargs):
        # django-q's models have English verbose names: the listing takes the Italian menu label.
        return super().get_index_view_kwargs(
            page_title=self.menu_label, verbose_name_plural=self.menu_label.lower(), **kwargs
        )


class QueuedTaskViewSet(MonitorViewSet):
    model = OrmQ
    name = "django_q_ormq"
    url_prefix = "django_q/ormq"
    menu_label = _("In coda")
    icon = "time"
    list_display = ["name", "func", "group", "lock"]
    inspect_view_fields = ["id", "key", "lock"]


class SuccessViewSet(MonitorViewSet):
    model = Success
    name = "django_q_success"
    url_prefix = "django_q/success"
    menu_label = _("Riuscite")
    icon = "success"
    list_display = ["name", "func", "group", "started", "stopped", "attempt_count"]
    list_filter = ["group"]
    search_fields = ["name", "func"]
    inspect_view_fields = ["id", "name", "func", "group", "started", "stopped", "attempt_count"]


class FailureViewSet(MonitorViewSet):
    model = Failure
    name = "django_q_failure"
    url_prefix = "django_q/failure"
    menu_label = _("Non riuscite")
    icon = "warning"
    list_display = ["name", "func", "group", "started", "stopped", "attempt_count"]
    list_filter = ["group"]
    search_fields = ["name", "func"]
    inspect_view_fields = [
        "id",
        "name",
        "func",
        "group",
        "started",
        "stopped",
        "attempt_count",
        "result",
    ]


class ScheduleViewSet(MonitorViewSet):
    model = Schedule
    name = "django_q_schedule"
    url_prefix = "django_q/schedule"
    menu_label = _("Pianificazioni")
    icon = "date"
    list_display = ["name", "func", "schedule_type", "next_run", "repeats"]
    search_fields = ["name", "func"]
    inspect_view_fields = [
        "name",
        "func",
        "args",
        "schedule_type",
        "minutes",
        "repeats",
        "next_run",
        "task",
    ]


MONITORED_MODELS = (OrmQ, Success, Failure, Schedule)


class TaskMonitorGroup(ViewSetGroup):
    menu_label = _("Coda attività")
    menu_icon = "cogs"
    menu_order = 900
    items = (QueuedTaskViewSet, SuccessViewSet, FailureViewSet, ScheduleViewSet)
