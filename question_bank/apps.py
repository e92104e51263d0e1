from django.apps import AppConfig


class QuestionBankConfig(AppConfig):
    name = "question_bank"
    default_auto_field = "django.db.models.BigAutoField"
