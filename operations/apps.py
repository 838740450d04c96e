from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = gettext_lazy("Operations")
