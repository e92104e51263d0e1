"""Candidate pages of graded assessments (``/assess/``)."""

from django.urls import path

from . import views

app_name = "adaptive"

urlpatterns = [
    path("", views.assessment_list, name="assessments"),
    path("<slug:slug>/", views.assessment_start, name="assessment_start"),
    path("attempts/<int:pk>/", views.attempt_question, name="attempt"),
    path("attempts/<int:pk>/draft/", views.attempt_draft, name="attempt_draft"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="attempt_result"),
    path("attempts/<int:pk>/review/", views.attempt_review_page, name="attempt_review"),
]
