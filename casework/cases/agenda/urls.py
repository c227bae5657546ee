"""The agenda's one URL outside the admin: the operator's calendar feed by secret address."""

from django.urls import path

from .views import calendar_feed

urlpatterns = [
    path("feed/<str:token>.ics", calendar_feed, name="agenda_feed"),
]
