import posixpath
import re

from django.conf import settings
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

# The only media folders the development server hands out: Wagtail's images (originals and
# renditions), which are public. Everything else under MEDIA_ROOT (report and uploaded
# documents, import files) holds personal data and is reached only through views that check
# permissions and write the audit trail, such as Wagtail's document serve view.
PUBLIC_MEDIA_FOLDERS = ("images", "original_images")


def serve_public_media(request, path):
    """``django.views.static.serve`` limited to ``PUBLIC_MEDIA_FOLDERS``. The path is normalised
    the way ``serve`` does it (``./``, ``//``, ``..``, backslashes) and compared without case (a
    case-insensitive disk would open ``Documents/`` as ``documents/``), so no spelling reaches
    another folder."""
    normalised = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    folder = normalised.split("/", 1)[0].lower()
    if folder not in PUBLIC_MEDIA_FOLDERS or normalised.startswith(".."):
        raise Http404
    return serve(request, normalised, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    # The public site's language switch (Django's set_language: POST, stores the choice).
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The desk operators' calendar feeds, by secret address (casework.cases.agenda).
    path("agenda/", include("casework.cases.agenda.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    # Not ``static(MEDIA_URL, document_root=MEDIA_ROOT)``: that would serve every document to
    # anyone who guesses its path, without login or audit.
    if settings.MEDIA_URL.startswith("/"):
        urlpatterns += [
            re_path(
                rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
                serve_public_media,
            )
        ]

urlpatterns += [path("", include(wagtail_urls))]
