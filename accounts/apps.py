from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(sender, **kwargs) -> None:
    # Runs once after all apps migrated, like Django's own permission creation.
    from django.apps import apps as global_apps

    # post_migrate fires once per app; act on the last one, when every permission exists.
    with_models = [a for a in global_apps.get_app_configs() if a.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from .roles import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="accounts.roles_sync")
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from .roles import role_names_forget

        m2m_changed.connect(
            role_names_forget,
            sender=get_user_model().groups.through,
            dispatch_uid="accounts.role_names_forget",
        )
