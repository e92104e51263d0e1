from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    default_auto_field = "django.db.models.BigAutoField"
