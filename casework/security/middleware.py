"""Security middleware: the second factor, the Content-Security-Policy per path, no-store on
personal data, and the admin's side doors that the per-Comune scoping of viewsets cannot reach
(bulk actions and the site-history report). See SECURITY.md."""

from dataclasses import replace
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import Http404, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry

from casework.audit.services import Action, record_people_of_log_entries
from casework.permissions.access import visible_comune_ids
from casework.permissions.scoping import scope_for_model, scope_paths

from . import twofactor as accounts

# Views an authenticated but not yet verified user may reach: signing in and out, resetting a
# password (which logs nobody in), the second-factor screens themselves and the admin's assets.
TWO_FACTOR_EXEMPT_VIEWS = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    accounts.VERIFY_URL_NAME,
    accounts.SETUP_URL_NAME,
    "account_2fa_recovery_verify",
}


def _personal_data_path(request):
    return request.path_info.startswith(tuple(settings.ZO_PERSONAL_DATA_PATH_PREFIXES))


class TwoFactorMiddleware:
    """After django-otp's ``OTPMiddleware``: an admin account that has not passed its second
    factor in this session reaches only the exempt views; without a device it is sent to set one
    up, with one to enter a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def check(self, request):
        user = request.user
        if not (settings.ZO_REQUIRE_2FA and user.is_authenticated and _personal_data_path(request)):
            return None
        if not accounts.requires_second_factor(user) or user.is_verified():
            return None
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        if view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        target = accounts.VERIFY_URL_NAME if accounts.has_device(user) else accounts.SETUP_URL_NAME
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")


class PathCSPMiddleware(CSPMiddleware):
    """The strict policy of ``CONTENT_SECURITY_POLICY`` everywhere, except under the admin's
    prefixes, which get ``ZO_ADMIN_CONTENT_SECURITY_POLICY`` (inline allowed, never eval)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts
        if request.path_info.startswith(tuple(settings.ZO_ADMIN_PATH_PREFIXES)):
            directives = settings.ZO_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            return replace(parts, config=default_config(directives))
        return parts


class NoStoreMiddleware:
    """Admin pages, exports and served documents carry personal data: no browser or proxy cache
    may keep a copy (the back button after logout, a shared office computer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _personal_data_path(request):
            patch_cache_control(
                response, no_store=True, no_cache=True, must_revalidate=True, private=True
            )
            response.headers.pop("Expires", None)
            response.headers.pop("Last-Modified", None)
            response.headers.pop("ETag", None)
        return response


class ScopedLogEntriesView(LogEntriesView):
    """Wagtail's site history, without other Comuni's records: their log entries carry the
    record's label (a person's name) and would otherwise be listed to every user who may view
    the model. Its export (CSV or XLSX) names people: one AuditEvent EXPORT per person, for every
    user."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        user = self.request.user
        if queryset.model is not ModelLogEntry or visible_comune_ids(user) is None:
            return queryset
        from django.contrib.contenttypes.models import ContentType

        scoped_types = []
        allowed = Q()
        for model in scope_paths():
            content_type = ContentType.objects.get_for_model(model)
            scoped_types.append(content_type.pk)
            pks = (
                scope_for_model(model._default_manager.all(), user)
                .annotate(pk_text=Cast("pk", output_field=CharField()))
                .values("pk_text")
            )
            allowed |= Q(content_type_id=content_type.pk, object_id__in=pks)
        queryset = queryset.filter(~Q(content_type_id__in=scoped_types) | allowed)
        return queryset

    def decorate_paginated_queryset(self, queryset):
        entries = super().decorate_paginated_queryset(queryset)
        if self.is_export:
            record_people_of_log_entries(
                self.request.user,
                Action.EXPORT,
                entries,
                detail=f"esportazione cronologia del sito ({self.request.GET.get('export')})",
            )
        return entries


def _scoped_site_history(results_only):
    # Served in place of Wagtail's URL, so it takes the admin-access check of Wagtail's URLs.
    return require_admin_access(ScopedLogEntriesView.as_view(results_only=results_only))


SITE_HISTORY_VIEWS = {
    "wagtailadmin_reports:site_history": _scoped_site_history(False),
    "wagtailadmin_reports:site_history_results": _scoped_site_history(True),
}


# Wagtail's admin API lists every document regardless of its collection's permissions; the
# admin's own screens do not use it for documents.
DOCUMENTS_API_PREFIX = "wagtailadmin_api:documents:"


class ScopedSideDoorsMiddleware:
    """Closes admin doors that are not URLs of our viewsets, for users bound to some Comuni:

    - bulk actions (``/admin/bulk/<app>/<model>/<action>/?id=...``) list the records the user may
      not act on *by name*; any id outside the user's scope (or ``id=all``) is a 404 instead;
    - the site-history report is served by ``ScopedLogEntriesView`` (to every user: it audits
      the export);
    - the admin API's documents endpoint (reports of other Comuni) is a 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        name = match.view_name
        documents_api = name.startswith(DOCUMENTS_API_PREFIX)
        if name != "wagtail_bulk_action" and name not in SITE_HISTORY_VIEWS and not documents_api:
            return None
        if not request.user.is_authenticated:
            return None
        if name in SITE_HISTORY_VIEWS:
            # Every user: its export is audited; the scoping applies to users bound to Comuni.
            return SITE_HISTORY_VIEWS[name](request, *view_args, **view_kwargs)
        if visible_comune_ids(request.user) is None:
            return None
        if documents_api:
            raise Http404
        if name == "wagtail_bulk_action":
            self.check_bulk_action(request, view_kwargs)
        return None

    def check_bulk_action(self, request, view_kwargs):
        from django.apps import apps

        try:
            model = apps.get_model(view_kwargs["app_label"], view_kwargs["model_name"])
        except LookupError:
            return
        if model not in scope_paths():
            return
        ids = set(request.GET.getlist("id"))
        if "all" in ids:
            raise Http404
        try:
            allowed = scope_for_model(model._default_manager.filter(pk__in=ids), request.user)
            if allowed.count() != len(ids):
                raise Http404
        except (ValueError, TypeError) as error:
            raise Http404 from error
