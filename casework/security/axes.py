"""django-axes callables: the client address behind the trusted proxies, and the Italian lockout page."""

from django.conf import settings
from django.shortcuts import render

from .twofactor import LOCKED_OUT


def client_ip(request):
    """The address django-axes keys on: the public form's rule for proxies
    (``network.views.client_ip``), or None when there is no valid address (the test client,
    a misconfigured proxy) rather than a word the database's address column refuses."""
    import ipaddress

    from network.views import client_ip as forwarded_ip

    value = forwarded_ip(request)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "casework/accounts/locked_out.html",
        {"message": LOCKED_OUT % {"minutes": minutes}},
        status=429,
    )
