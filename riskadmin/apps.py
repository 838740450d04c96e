from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy


class RiskadminConfig(AppConfig):
    name = "riskadmin"
    verbose_name = gettext_lazy("Risk and operations")

    def ready(self) -> None:
        from core.staff_actions import install_staff_action_recorder

        from .oplog.services import record
        from .roles import keep_superadmin_complete
        from .scans import rules  # noqa: F401 - registers the scans' rules

        install_staff_action_recorder(record)

        # after every app's permissions exist (they are created on post_migrate too)
        post_migrate.connect(keep_superadmin_complete, dispatch_uid="riskadmin-superadmin")
