"""The programme manager's screen of the traineeship rules of each edition (created with the
edition: edited here, never added or deleted by hand)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from .models import TraineeshipRules

INTRO = _(
    "Regole regionali dei tirocini extracurriculari della Lombardia (DGR Lombardia n. 7763 del "
    "17/01/2018), per questa edizione. Valgono per i tirocini attivati (o presi in carico, "
    "finché non sono attivati) nelle date dell'edizione."
)


class RulesEditView(EditView):
    def get_success_message(self, instance=None):
        return _("Regole dei tirocini dell'edizione «%(edition)s» salvate.") % {
            "edition": (instance or self.object).edition
        }

    def get_error_message(self):
        return _("Le regole non possono essere salvate: correggere gli errori.")


class TraineeshipRulesViewSet(SnippetViewSet):
    model = TraineeshipRules
    icon = "doc-full"
    menu_label = _("Regole dei tirocini")
    add_to_admin_menu = False
    edit_view_class = RulesEditView
    list_display = ["edition", "monthly_allowance", "min_attendance_percent", "updated_at"]
    panels = [
        HelpPanel(content=INTRO),
        FieldPanel("edition", read_only=True),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("monthly_allowance"), FieldPanel("reduced_allowance")]),
                FieldRowPanel(
                    [FieldPanel("public_host_allowance"), FieldPanel("part_time_hours_per_day")]
                ),
                FieldRowPanel(
                    [FieldPanel("min_attendance_percent"), FieldPanel("below_attendance")]
                ),
            ],
            heading=_("Indennità di partecipazione"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("max_months_giovane"),
                FieldPanel("max_months_difficolta"),
                FieldPanel("max_months_svantaggiato"),
            ],
            heading=_("Durata massima per target"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("small_host_max_employees"), FieldPanel("small_host_trainees")]
                ),
                FieldRowPanel(
                    [FieldPanel("medium_host_max_employees"), FieldPanel("medium_host_trainees")]
                ),
                FieldPanel("large_host_percent"),
            ],
            heading=_("Tirocinanti per ente ospitante"),
        ),
    ]

    def get_queryset(self, request):
        return TraineeshipRules.objects.select_related("edition").order_by("-edition__starts_on")
