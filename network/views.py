"""Public views behind the network's Wagtail pages (routed by ``DirectoryPage`` and
``RegistrationPage``). Nothing here ever reads casework data."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import cache as directory_cache
from .forms import DirectoryFilterForm, PositionFormSet, RegistrationForm, hide_errors
from .models import Comune, PathwayTypeOption
from .selectors import directory_organisations, public_organisations, public_positions
from .services import register_submission

# --- Directory ---------------------------------------------------------------------------------


def _filter_choices():
    """Comuni and pathway types for the filter form, cached with the directory."""
    return cache.get_or_set(
        directory_cache.key("choices"),
        lambda: {
            "comuni": [(str(c.pk), c.name) for c in Comune.objects.order_by("name")],
            "pathway_types": [
                (t.code, t.label) for t in PathwayTypeOption.objects.order_by("sort_order")
            ],
        },
        directory_cache.timeout(),
    )


def _page_number(request):
    value = request.GET.get("pagina", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _querystring(filters, number):
    from urllib.parse import urlencode

    params = {name: value for name, value in filters.items() if value}
    params["pagina"] = number
    return "?" + urlencode(params)


def directory_view(page, request):
    choices = _filter_choices()
    form = DirectoryFilterForm(request.GET or None, **choices)
    filters = form.filters() if request.GET else {}
    number = _page_number(request)
    cache_key = directory_cache.key(
        page.pk,
        page.per_page,
        # Hashed: the free text could hold characters a cache backend refuses in a key.
        hashlib.sha256(filters.get("q", "").lower().encode()).hexdigest()[:16],
        filters.get("comune", ""),
        filters.get("kind", ""),
        filters.get("pathway_type", ""),
        number,
    )
    results_html = cache.get(cache_key)
    if results_html is None:
        organisations = directory_organisations(
            q=filters.get("q") or None,
            comune=filters.get("comune") or None,
            kind=filters.get("kind") or None,
            pathway_type=filters.get("pathway_type") or None,
        )
        paginator = Paginator(organisations, page.per_page)
        page_obj = paginator.get_page(number)
        results_html = render_to_string(
            "network/includes/directory_results.html",
            {
                "page": page,
                "page_obj": page_obj,
                "paginator": paginator,
                "organisations": [
                    (organisation, page.organisation_url(organisation))
                    for organisation in page_obj.object_list
                ],
                "previous_url": _querystring(filters, page_obj.previous_page_number())
                if page_obj.has_previous()
                else "",
                "next_url": _querystring(filters, page_obj.next_page_number())
                if page_obj.has_next()
                else "",
                "filtered": any(filters.values()),
            },
        )
        cache.set(cache_key, results_html, directory_cache.timeout())
    return page.render(
        request,
        template="network/directory_page.html",
        context_overrides={"filter_form": form, "results_html": results_html},
    )


def organisation_view(page, request, pk):
    organisation = public_organisations().select_related("comune").filter(pk=pk).first()
    if organisation is None:
        raise Http404(_("Ente non trovato."))
    positions = (
        public_positions()
        .filter(host=organisation)
        .select_related("reserved_for_comune")
        .prefetch_related("pathway_types")
        .order_by("title")
    )
    return page.render(
        request,
        template="network/organisation_page.html",
        context_overrides={"organisation": organisation, "positions": positions},
    )


# --- Registration ------------------------------------------------------------------------------


def client_ip(request):
    """The visitor's address; behind ``TRUSTED_PROXY_COUNT`` proxies, the address the outermost
    trusted proxy saw (entries further left can be forged by the client)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_rate_limit(request):
    """Counts this IP's stored submissions in the cache; True once the limit is passed."""
    key = f"network:registration:ip:{client_ip(request)}"
    window = getattr(settings, "NETWORK_REGISTRATION_RATE_WINDOW", 3600)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > getattr(settings, "NETWORK_REGISTRATION_RATE_LIMIT", 5)


def _with_extra_position(data):
    """The posted data with one more (empty) position form, for the no-JavaScript button."""
    data = data.copy()
    key = "positions-TOTAL_FORMS"
    try:
        total = int(data.get(key, "1"))
    except ValueError:
        total = 1
    data[key] = str(min(total + 1, PositionFormSet.max_num))
    return data


def registration_view(page, request):
    show_errors = True
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if "add_position" in request.POST:
            formset = PositionFormSet(_with_extra_position(request.POST))
            show_errors = False
            for unjudged in (form, *formset.forms):
                hide_errors(unjudged)
        else:
            formset = PositionFormSet(request.POST)
            if form.is_bot():
                # Bots get the same answer as people, and nothing is stored.
                return redirect(page.thanks_url())
            if form.is_valid() and formset.is_valid():
                # A start token replayed is a bot replaying one served form: the same answer
                # as people get, nothing stored.
                if form.sent_too_fast() or not form.claim_start_token() or over_rate_limit(request):
                    return redirect(page.thanks_url())
                try:
                    register_submission(
                        form.organisation_data(), positions_data=formset.positions_data()
                    )
                except ValidationError as error:
                    form.release_start_token()
                    form.add_error(None, error)
                else:
                    return redirect(page.thanks_url())
    else:
        form = RegistrationForm()
        formset = PositionFormSet()
    return page.render(
        request,
        template="network/registration_page.html",
        context_overrides={
            "form": form,
            "formset": formset,
            "show_errors": show_errors and request.method == "POST",
            "can_add_position": formset.total_form_count() < PositionFormSet.max_num,
        },
    )


def registration_thanks_view(page, request):
    return page.render(request, template="network/registration_thanks.html")
