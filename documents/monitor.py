"""The django-q2 task monitor in the Wagtail admin: queued, successful and failed tasks and the
schedules, read-only, through wagtail-modeladmin (the one place the architecture uses it).

Task arguments and results are never shown: our tasks carry only ids, but a task queued by
another app might not."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_q.models import Failure, OrmQ, Schedule, Success
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import IndexView

from casework.access import is_programme_manager


class ReadOnlyPermissionHelper(PermissionHelper):
    """The programme manager (and superusers) look; the queue itself is changed only by the
    cluster and by ``setup_schedules``."""

    def user_can_list(self, user):
        return is_programme_manager(user)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and is_programme_manager(user)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class MonitorIndexView(IndexView):
    """wagtail-modeladmin applies every query-string parameter it does not know as a lookup on
    the model, so ``?comune=16`` was a server error (no such field) and ``?result__contains=``
    would have searched the arguments and results that the list never shows. Here only the
    declared filters, the search, the ordering and the page are read; anything else is ignored,
    and a malformed value of a declared filter gives the plain listing."""

    def get_filters(self, request):
        specs, has_filters, _remaining, use_distinct = super().get_filters(request)
        return specs, has_filters, {}, use_distinct

    def get_queryset(self, request=None):
        try:
            return super().get_queryset(request)
        except IncorrectLookupParameters:
            self.params = QueryDict(mutable=True)
            self.query = ""
            return super().get_queryset(request)


class MonitorAdmin(ModelAdmin):
    permission_helper_class = ReadOnlyPermissionHelper
    index_view_class = MonitorIndexView
    inspect_view_enabled = True
    list_per_page = 50
    add_to_settings_menu = False
    exclude_from_explorer = True


class QueuedTaskAdmin(MonitorAdmin):
    model = OrmQ
    menu_label = _("In coda")
    menu_icon = "time"
    list_display = ("name", "func", "group", "lock")
    inspect_view_fields = ("id", "key", "lock")


class SuccessAdmin(MonitorAdmin):
    model = Success
    menu_label = _("Riuscite")
    menu_icon = "success"
    list_display = ("name", "func", "group", "started", "stopped", "attempt_count")
    list_filter = ("group",)
    search_fields = ("name", "func")
    inspect_view_fields = ("id", "name", "func", "group", "started", "stopped", "attempt_count")


class FailureAdmin(MonitorAdmin):
    model = Failure
    menu_label = _("Non riuscite")
    menu_icon = "warning"
    list_display = ("name", "func", "group", "started", "stopped", "attempt_count")
    list_filter = ("group",)
    search_fields = ("name", "func")
    # The result of a failure is the error text with its traceback: what the operator needs.
    inspect_view_fields = (
        "id",
        "name",
        "func",
        "group",
        "started",
        "stopped",
        "attempt_count",
        "result",
    )


class ScheduleAdmin(MonitorAdmin):
    model = Schedule
    menu_label = _("Pianificazioni")
    menu_icon = "date"
    list_display = ("name", "func", "schedule_type", "next_run", "repeats")
    search_fields = ("name", "func")
    inspect_view_fields = (
        "name",
        "func",
        "args",
        "schedule_type",
        "minutes",
        "repeats",
        "next_run",
        "task",
    )


class TaskMonitorGroup(ModelAdminGroup):
    menu_label = _("Coda attività")
    menu_icon = "cogs"
    menu_order = 900
    items = (QueuedTaskAdmin, SuccessAdmin, FailureAdmin, ScheduleAdmin)
