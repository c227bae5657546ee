"""The language of a request: Italian unless the person chose another one.

Not Django's LocaleMiddleware: that one follows the browser's Accept-Language, and an Italian
social worker on an English-language browser would get the programme in English. Here only an
explicit choice counts: the language switch of the public site (Django's ``set_language`` view,
which stores the cookie) and, in the admin, the staff member's own Wagtail profile setting, which
Wagtail applies on top of this."""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
