from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk checks"

    def ready(self) -> None:
        from accounts.services.appeals import install_appeal_listener

        from .cases.services import case_note_appeal

        # an appeal against a restriction lands on the person's case
        install_appeal_listener(case_note_appeal)
