"""Public forms of the network: the registration (organisation + positions) and the directory
filters; plus the staff's decision form used by the moderation queue."""

import hashlib
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, RegexValidator
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from .choices import OrganisationKind
from .codice_fiscale import normalize
from .models import Comune, HostOrganisation, PathwayTypeOption, Position
from .services import ORGANISATION_FIELDS, POSITION_FIELDS, find_known_organisation
from .text import (
    DESCRIPTION_MAX_LENGTH,
    MSG_TOO_LONG,
    REASON_MAX_LENGTH,
    TASKS_MAX_LENGTH,
    validate_multi_line,
    validate_single_line,
)

MSG_REQUIRED = _("Questo campo è obbligatorio.")
MSG_EMAIL = _("Indicare un indirizzo email valido, ad esempio segreteria@ente.it.")
MSG_PHONE = _("Indicare un numero di telefono: solo cifre, spazi e il prefisso +39.")
MSG_PRIVACY = _("Per inviare la richiesta occorre dichiarare di aver letto l'informativa.")
MSG_PATHWAY_TYPES = _("Scegliere almeno una tipologia di percorso.")
MSG_HOURS = _("Le ore settimanali non possono superare %(limit_value)s.")
MSG_SEATS = _("Si possono offrire al massimo %(limit_value)s posti per posizione.")
MSG_MIN_POSITIONS = _("Indicare almeno una posizione.")
MSG_MAX_POSITIONS = _("Si possono proporre al massimo %(num)d posizioni per richiesta.")
MSG_URL = _("Indicare un indirizzo web completo, ad esempio https://www.ente.it.")

MAX_POSITIONS = 10
TIMESTAMP_SALT = "network.registration.started"
# How long a served form may be sent back; a used token is remembered as long as that.
TOKEN_MAX_AGE = 24 * 3600
USED_START_PREFIX = "network:registration:used-start:"
phone_validator = RegexValidator(r"^\+?[0-9 ./-]{6,20}$", MSG_PHONE)


def signed_now(at=None):
    """The form's start time, signed so that a bot cannot claim it started earlier. A random
    part makes each served form's token its own: it is accepted for one submission only, and
    two people who open the form in the same second must not share one."""
    moment = time.time() if at is None else at
    return signing.TimestampSigner(salt=TIMESTAMP_SALT).sign(
        f"{int(moment)}:{secrets.token_urlsafe(12)}"
    )


def seconds_since(signed_value):
    """Seconds since the form was served, or None when the token is missing or forged."""
    try:
        started = signing.TimestampSigner(salt=TIMESTAMP_SALT).unsign(
            str(signed_value or ""), max_age=TOKEN_MAX_AGE
        )
        return time.time() - int(started.split(":", 1)[0])
    except (signing.BadSignature, ValueError):
        return None


def _token_key(signed_value):
    # Hashed: the key stays short and holds only characters every cache backend accepts.
    return USED_START_PREFIX + hashlib.sha256(str(signed_value).encode()).hexdigest()


def claim_token(signed_value):
    """True the first time a (valid) start token is used to store a submission, False after:
    a bot that replays one served form gets nowhere. ``cache.add`` is atomic in every backend
    Django ships and in Redis, so two simultaneous replays cannot both win."""
    return cache.add(_token_key(signed_value), 1, timeout=TOKEN_MAX_AGE)


def release_token(signed_value):
    """Give the token back when the submission was not stored after all (a rule refused it):
    the person corrects the form and sends it again with the same token."""
    cache.delete(_token_key(signed_value))


def hide_errors(form):
    """Keep a bound form's errors from being shown (nor announced through ``aria-invalid``):
    for the "add a position" button, which re-renders the form without judging it."""
    form._errors = ErrorDict()


def _required(field, message=MSG_REQUIRED):
    field.error_messages["required"] = message


def guard_text_fields(form, *, text_areas=None):
    """Every free-text field of a public form: no control characters (line breaks only in the
    text areas, given as ``{name: maximum length}``) and a maximum length, with our Italian
    messages. One-line fields take their length from the model's ``max_length``."""
    text_areas = text_areas or {}
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or isinstance(
            field, forms.EmailField | forms.URLField
        ):
            continue
        if name in text_areas:
            field.validators.append(validate_multi_line)
            field.max_length = text_areas[name]
            field.validators.append(MaxLengthValidator(field.max_length))
            field.widget.attrs["maxlength"] = str(field.max_length)
        else:
            field.validators.append(validate_single_line)
        field.error_messages["max_length"] = MSG_TOO_LONG


class RegistrationForm(forms.ModelForm):
    """The organisation part of the public form, with the two anti-bot fields."""

    privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sul trattamento dei dati"),
        error_messages={"required": MSG_PRIVACY},
    )
    # Honeypot: hidden from people (CSS and aria-hidden), irresistible to bots.
    fax_number = forms.CharField(
        label=_("Lasciare vuoto questo campo"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    website = forms.URLField(
        label=_("Sito web"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = HostOrganisation
        fields = ORGANISATION_FIELDS
        widgets = {
            "public_description": forms.Textarea(attrs={"rows": 4}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "contact_person": forms.TextInput(attrs={"autocomplete": "name"}),
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
        }
        labels = {"publish_contacts": _("Acconsento a pubblicare email e telefono dell'ente")}
        help_texts = {
            "tax_code": _("Partita IVA (11 cifre) o codice fiscale dell'ente."),
            "public_description": _(
                "Comparirà nell'elenco pubblico: descrivete l'ente e le sue attività."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comune"].queryset = Comune.objects.order_by("name")
        self.fields["comune"].empty_label = _("Scegliere il Comune")
        self.fields["kind"].choices = [("", _("Scegliere la tipologia")), *OrganisationKind.choices]
        for name in ("name", "kind", "tax_code", "comune", "contact_person", "email"):
            _required(self.fields[name])
        self.fields["email"].error_messages["invalid"] = MSG_EMAIL
        self.fields["website"].error_messages["invalid"] = MSG_URL
        self.fields["phone"].validators.append(phone_validator)
        guard_text_fields(self, text_areas={"public_description": DESCRIPTION_MAX_LENGTH})
        if not self.is_bound:
            self.initial.setdefault("started", signed_now())

    def clean_tax_code(self):
        return normalize(self.cleaned_data["tax_code"])

    def clean(self):
        cleaned = super().clean()
        if "tax_code" in cleaned and cleaned.get("email"):
            try:
                find_known_organisation(cleaned["tax_code"], cleaned["email"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def validate_unique(self):
        # A known tax code is not an error here: with the same email the submission is
        # attached to the organisation already registered (see ``clean``).
        exclude = self._get_validation_exclusions()
        exclude.add("tax_code")
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)

    def is_bot(self):
        """True when the honeypot is filled or the start token is missing or forged: no person
        does either, whatever else the form holds."""
        if str(self.data.get(self.add_prefix("fax_number"), "")).strip():
            return True
        return seconds_since(self.data.get(self.add_prefix("started"))) is None

    def sent_too_fast(self):
        """Sent back faster than a person could fill it. Checked on forms that would be stored:
        a person who presses "Invia" at once on an empty form should see what is missing."""
        elapsed = seconds_since(self.data.get(self.add_prefix("started")))
        minimum = getattr(settings, "NETWORK_REGISTRATION_MIN_SECONDS", 4)
        return elapsed is None or elapsed < minimum

    def claim_start_token(self):
        """See ``claim_token``: False when this served form was already used once."""
        return claim_token(self.data.get(self.add_prefix("started")))

    def release_start_token(self):
        release_token(self.data.get(self.add_prefix("started")))

    def organisation_data(self):
        return {field: self.cleaned_data[field] for field in ORGANISATION_FIELDS}


class PublicDateInput(forms.DateInput):
    """A text field for dates typed the Italian way (gg/mm/aaaa, read by the Italian
    ``DATE_INPUT_FORMATS``) that shows a pre-filled date as 15/11/2026. Not ``type="date"``: a
    browser shows such a field empty when the value is not ISO, and its picker follows the
    browser's language rather than the programme's."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "placeholder": _("gg/mm/aaaa"),
                "inputmode": "numeric",
                "autocomplete": "off",
                **(attrs or {}),
            },
            format="%d/%m/%Y",
        )


DATE_HELP = _("Nella forma gg/mm/aaaa, ad esempio 15/11/2026. Facoltativo.")
MSG_DATE = _("Indicare una data nella forma gg/mm/aaaa, ad esempio 15/11/2026.")


class PositionForm(forms.ModelForm):
    pathway_types = forms.ModelMultipleChoiceField(
        label=_("Tipologie di percorso adatte"),
        queryset=PathwayTypeOption.objects.order_by("sort_order"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": MSG_PATHWAY_TYPES},
    )

    class Meta:
        model = Position
        fields = (*POSITION_FIELDS, "pathway_types")
        widgets = {
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "available_from": PublicDateInput(),
            "available_to": PublicDateInput(),
        }
        help_texts = {
            "reserved_for_comune": _(
                "Solo per le postazioni di un Comune messe a disposizione dei suoi residenti."
            ),
            "complexity": _("Quanto sono impegnative le mansioni."),
            "available_from": DATE_HELP,
            "available_to": DATE_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required(self.fields["title"])
        self.fields["reserved_for_comune"].queryset = Comune.objects.order_by("name")
        self.fields["reserved_for_comune"].empty_label = _("Nessuna riserva")
        # Italians write "17,5": accept the decimal comma.
        self.fields["hours_per_week"].localize = True
        self.fields["hours_per_week"].widget.is_localized = True
        self.fields["hours_per_week"].validators.append(MaxValueValidator(48, MSG_HOURS))
        self.fields["seats"].validators.append(MaxValueValidator(20, MSG_SEATS))
        self.fields["seats"].error_messages["min_value"] = _("Indicare almeno un posto.")
        for name in ("available_from", "available_to"):
            self.fields[name].error_messages["invalid"] = MSG_DATE
        guard_text_fields(self, text_areas={"tasks": TASKS_MAX_LENGTH})

    def position_data(self):
        return {field: self.cleaned_data[field] for field in (*POSITION_FIELDS, "pathway_types")}


class BasePositionFormSet(forms.BaseFormSet):
    default_error_messages = {}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "positions")
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "too_few_forms": MSG_MIN_POSITIONS,
            "too_many_forms": MSG_MAX_POSITIONS,
        }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Togli questa posizione dalla richiesta")

    def positions_data(self):
        return [
            form.position_data()
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]


PositionFormSet = forms.formset_factory(
    PositionForm,
    formset=BasePositionFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_POSITIONS,
    validate_max=True,
    can_delete=True,
)


class DirectoryFilterForm(forms.Form):
    """Filters of the public directory. Choices come in as plain lists (cached by the view), so
    validating the form costs no query."""

    q = forms.CharField(
        label=_("Cerca per nome"),
        required=False,
        max_length=100,
        validators=[validate_single_line],
    )
    comune = forms.ChoiceField(label=_("Comune"), required=False)
    kind = forms.ChoiceField(label=_("Tipologia di ente"), required=False)
    pathway_type = forms.ChoiceField(label=_("Tipologia di percorso"), required=False)

    def __init__(self, *args, comuni=(), pathway_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comune"].choices = [("", _("Tutti i Comuni")), *comuni]
        self.fields["kind"].choices = [("", _("Tutte le tipologie")), *OrganisationKind.choices]
        self.fields["pathway_type"].choices = [("", _("Tutti i percorsi")), *pathway_types]

    def filters(self):
        """The valid filters only: a tampered value is ignored rather than failing the page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: (cleaned.get(name) or "").strip()
            for name in ("q", "comune", "kind", "pathway_type")
            if name not in self.errors
        }


class DecisionForm(forms.Form):
    """One click in the moderation queue: the button pressed is the decision."""

    DECISIONS = ("approve", "reject", "suspend")

    decision = forms.ChoiceField(choices=[(d, d) for d in DECISIONS])
    reason = forms.CharField(
        label=_("Motivazione (obbligatoria per respingere o sospendere)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        validators=[validate_multi_line],
        error_messages={"max_length": MSG_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    with_positions = forms.BooleanField(
        label=_("Approva anche le posizioni in attesa"), required=False, initial=True
    )
