"""URLs of the project's own pages (dashboards) and of the apps that have pages outside Wagtail.

Each app adds its own include here when it grows pages (``lti/``, ``bank/``, ``learn/``...).
"""

from django.urls import include, path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("lti/", include("lti.urls")),
    path("learn/", include("content.urls")),
]
