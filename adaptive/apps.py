from django.apps import AppConfig


class AdaptiveConfig(AppConfig):
    name = "adaptive"
    default_auto_field = "django.db.models.BigAutoField"
