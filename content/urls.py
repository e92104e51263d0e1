"""Learner actions on lessons (the pages themselves are served by Wagtail)."""

from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("lessons/<int:lesson_id>/check/", views.knowledge_check_answer, name="knowledge_check"),
]
