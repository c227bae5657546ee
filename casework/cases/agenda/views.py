"""Screens of the agenda: the desk's day and week, booking from the referral's page, moving,
cancelling, no-show and attendance, the appointment letter, the operator's calendar address and
the feed itself (outside the admin, by secret address). Object lookups go through the user's
scope; writes call ``services``."""

import datetime
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from casework.admin_base import AdminScreenMixin
from casework.audit.services import Action, record_event
from casework.cases.deadlines import DEADLINE_LABELS, deadline_state
from casework.cases.models import Referral
from casework.cases.views import ServiceActionView
from casework.permissions.access import is_agency_operator, is_programme_manager, scope
from casework.permissions.names import display_name

from . import forms, services
from .feed import operator_feed
from .letter import appointment_letter_pdf
from .models import Appointment, AppointmentStatus, CalendarFeedToken, DeskSettings
from .selectors import DAY, WEEK, agenda, period

AGENDA_URL_NAME = "casework_agenda"


BOOK_URL_NAME = "casework_appointment_book"


FEED_ADDRESS_URL_NAME = "casework_agenda_feed_token"


def referral_url(referral_id):
    return reverse("wagtailsnippets_casework_referral:inspect", args=[referral_id])


def may_book(user):
    return user.has_perm("casework.add_appointment") and (
        is_agency_operator(user) or is_programme_manager(user)
    )


class BookAppointmentView(ServiceActionView):
    """ "Fissa il primo appuntamento", from the referral's page (pk is the referral's)."""

    model = Referral
    permission_model = Appointment
    permission = "add"
    form_class = forms.BookAppointmentForm
    template_name = "casework/agenda/book.html"
    page_title = gettext_lazy("Primo appuntamento allo sportello")
    success_message = gettext_lazy("Appuntamento fissato.")
    header_icon = "date"

    def has_permission(self, user):
        return may_book(user)

    def get_initial(self):
        user = self.request.user
        return {
            "operator": user.pk if is_agency_operator(user) else None,
            "duration": DeskSettings.load().slot_minutes,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        due = self.object.intake_due_on
        state = deadline_state(due)
        context.update(
            referral=self.object,
            due_on=due,
            deadline_state=state,
            deadline_label=DEADLINE_LABELS.get(state, ""),
            agenda_url=reverse(AGENDA_URL_NAME),
        )
        return context

    def form_valid(self, form):
        self.bound_form = form
        return super().form_valid(form)

    def perform(self, data):
        form = self.bound_form
        return services.book_appointment(
            self.object,
            starts_at=form.starts_at(),
            operator=data["operator"],
            user=self.request.user,
            duration=form.duration(),
            late_reason=data["late_reason"],
        )

    def get_success_url(self):
        return referral_url(self.object.pk)


class AppointmentActionView(ServiceActionView):
    model = Appointment
    scope_field = "referral__comune"
    header_icon = "date"

    def has_permission(self, user):
        return user.has_perm("casework.change_appointment") and (
            is_agency_operator(user) or is_programme_manager(user)
        )

    def get_page_subtitle(self):
        return f"{self.object} – {self.object.referral.protocol}"

    def get_cancel_url(self):
        return referral_url(self.object.referral_id)

    def get_success_url(self):
        return referral_url(self.object.referral_id)


class RescheduleView(AppointmentActionView):
    form_class = forms.RescheduleForm
    page_title = gettext_lazy("Sposta l'appuntamento")
    success_message = gettext_lazy("Appuntamento spostato.")

    def get_initial(self):
        starts = timezone.localtime(self.object.starts_at)
        return {"operator": self.object.operator_id, "late_reason": self.object.late_reason} | {
            "date": starts.date(),
            "time": starts.time().replace(second=0, microsecond=0),
        }

    def perform(self, data):
        moment = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        return services.reschedule_appointment(
            self.object,
            starts_at=moment,
            operator=data["operator"],
            user=self.request.user,
            reason=data["reason"],
            late_reason=data["late_reason"],
        )


class CancelAppointmentView(AppointmentActionView):
    form_class = forms.AppointmentReasonForm
    page_title = gettext_lazy("Annulla l'appuntamento")
    success_message = gettext_lazy("Appuntamento annullato.")

    def perform(self, data):
        return services.cancel_appointment(
            self.object, user=self.request.user, reason=data["reason"]
        )


class NoShowView(AppointmentActionView):
    form_class = forms.AppointmentReasonForm
    page_title = gettext_lazy("Persona assente all'appuntamento")
    success_message = gettext_lazy("Assenza registrata.")

    def perform(self, data):
        return services.record_no_show(self.object, user=self.request.user, reason=data["reason"])


class AttendanceView(AppointmentActionView):
    form_class = forms.AttendanceForm
    page_title = gettext_lazy("Appuntamento svolto")
    success_message = gettext_lazy(
        "Appuntamento registrato come svolto: ora si può prendere in carico la persona."
    )

    def perform(self, data):
        return services.record_attendance(self.object, user=self.request.user, note=data["note"])


class AppointmentLetterView(AdminScreenMixin, TemplateView):
    """The person's letter as a PDF; the download is recorded in the audit trail."""

    model = Appointment

    def get(self, request, pk):
        if not request.user.has_perm("casework.view_appointment"):
            raise PermissionDenied
        queryset = scope(
            Appointment.objects.select_related(
                "referral__beneficiary", "referral__comune", "operator"
            ),
            request.user,
            "referral__comune",
        )
        appointment = get_object_or_404(queryset, pk=pk)
        record_event(request.user, Action.EXPORT, appointment, detail="lettera di convocazione")
        starts = timezone.localtime(appointment.starts_at)
        filename = f"convocazione-{appointment.referral.protocol}-{starts:%Y%m%d}.pdf"
        return FileResponse(
            appointment_letter_pdf(appointment),
            as_attachment=True,
            filename=filename.replace("/", "-"),
            content_type="application/pdf",
        )


class AgendaView(AdminScreenMixin, TemplateView):
    """The desk's agenda: a week (Monday first) or a day, one operator's or the whole desk's."""

    template_name = "casework/agenda/agenda.html"
    page_title = gettext_lazy("Agenda dello sportello")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("casework.view_appointment"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = forms.AgendaFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        view = data.get("view") or WEEK
        on = data.get("on") or timezone.localdate()
        operator = data.get("operator")
        if not form.is_bound:
            form = forms.AgendaFilterForm(initial={"view": view, "on": on})
        step = datetime.timedelta(days=7 if view == WEEK else 1)
        start, end = period(view, on)
        days = agenda(self.request.user, view=view, on=on, operator=operator)

        def link(day, **extra):
            params = {"view": view, "on": day.strftime("%d/%m/%Y")}
            if operator is not None:
                params["operator"] = operator.pk
            params.update(extra)
            return f"{reverse(AGENDA_URL_NAME)}?{urlencode(params)}"

        for day in days:
            day.link = link(day.on, view=DAY)
        last = end - datetime.timedelta(days=1)
        if view == WEEK:
            title = _("Settimana dal %(start)s al %(end)s") % {
                "start": start.strftime("%d/%m/%Y"),
                "end": last.strftime("%d/%m/%Y"),
            }
        else:
            title = date_format(on, "l j F Y").capitalize()
        context.update(
            form=form,
            view=view,
            days=days,
            period_title=title,
            operator_name=display_name(operator) if operator else _("tutto lo sportello"),
            previous_url=link(on - step),
            next_url=link(on + step),
            today_url=link(timezone.localdate()),
            week_url=link(on, view=WEEK),
            day_url=link(on, view=DAY),
            empty=not any(day.slots for day in days),
            today=timezone.localdate(),
            feed_url=reverse(FEED_ADDRESS_URL_NAME)
            if (is_agency_operator(self.request.user) or is_programme_manager(self.request.user))
            else None,
            statuses=AppointmentStatus,
        )
        return context


class FeedTokenView(AdminScreenMixin, TemplateView):
    """The operator's own calendar address: made (shown once), remade or revoked."""

    template_name = "casework/agenda/feed_token.html"
    page_title = gettext_lazy("Agenda sul telefono")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (is_agency_operator(user) or is_programme_manager(user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_token"] = CalendarFeedToken.objects.filter(
            user=self.request.user, revoked_at__isnull=True
        ).first()
        context["agenda_url"] = reverse(AGENDA_URL_NAME)
        return context

    def post(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.POST.get("action") == "revoke":
            services.revoke_feed_tokens(user=request.user)
            context["active_token"] = None
            context["revoked"] = True
        else:
            token = services.issue_feed_token(user=request.user)
            context["feed_address"] = request.build_absolute_uri(
                reverse("agenda_feed", args=[token])
            )
            context["active_token"] = CalendarFeedToken.objects.filter(
                user=request.user, revoked_at__isnull=True
            ).first()
        return self.render_to_response(context)


def calendar_feed(request, token):
    """The feed, outside the admin login: the secret address is the key. Unknown or revoked
    addresses, and those of accounts no longer at the desk, answer 404."""
    record = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=services.hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if record is None:
        raise Http404
    user = record.user
    if not (is_agency_operator(user) or is_programme_manager(user)):
        raise Http404
    CalendarFeedToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    response = HttpResponse(
        operator_feed(user, host=request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
