from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class EscrowConfig(AppConfig):
    name = "escrow"
    verbose_name = gettext_lazy("Escrow")
