from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Tell adaptive (a lower layer) where grades go, for its results page.
        from adaptive.grades import grade_links_provider_register

        from .grade_links import LtiGradeLinks

        grade_links_provider_register(LtiGradeLinks())

        from django.db.models.signals import post_delete, post_save

        from .framing import platform_origins_forget
        from .models import PlatformRegistration

        for signal in (post_save, post_delete):
            signal.connect(
                platform_origins_forget,
                sender=PlatformRegistration,
                dispatch_uid=f"lti.platform_origins_forget.{signal is post_save}",
            )
