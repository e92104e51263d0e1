from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Tell adaptive (a lower layer) where grades go, for its results page.
        from adaptive.grades import grade_links_provider_register

        from .grade_links import LtiGradeLinks

        grade_links_provider_register(LtiGradeLinks())
