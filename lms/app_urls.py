"""URLs of the project's own pages (dashboards) and of the apps that have pages outside Wagtail.

Each app adds its own include here when it grows pages (``lti/``, ``bank/``, ``learn/``...).
"""

from django.urls import include, path

from . import reports, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("trainer/", reports.trainer_batches, name="trainer_batches"),
    path("trainer/batches/<int:pk>/", reports.batch_mastery, name="batch_mastery"),
    path("trainer/batches/<int:pk>/nos/<path:nos_code>/", reports.batch_nos, name="batch_nos"),
    path(
        "trainer/batches/<int:pk>/learners/<int:user_pk>/",
        reports.batch_learner,
        name="batch_learner",
    ),
    path("me/progress/", reports.my_mastery, name="my_mastery"),
    path("lti/", include("lti.urls")),
    path("learn/", include("content.urls")),
    path("assess/", include("adaptive.urls")),
]
