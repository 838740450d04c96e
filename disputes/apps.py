from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = gettext_lazy("Disputes")
