from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Kaushal"

    def ready(self) -> None:
        # Load every app's tasks.py in every process, not only in workers: lower layers enqueue
        # tasks by name (adaptive -> "lti.tasks.attempt_grade_publish"), and with tasks run
        # in-process (no broker) a name Celery has not registered would go to a broker instead.
        from importlib import import_module

        from django.conf import settings
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
        for name in getattr(settings, "CELERY_IMPORTS", ()):
            import_module(name)
