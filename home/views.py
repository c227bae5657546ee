"""The admin's way into the staff handbook (the "Aiuto" menu item points here)."""

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import HandbookPage


def handbook_redirect(request):
    handbook = HandbookPage.objects.live().first()
    if handbook is None or handbook.url is None:
        raise Http404(_("Il manuale non è ancora stato pubblicato."))
    return redirect(handbook.url)
