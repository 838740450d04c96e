from django.apps import AppConfig


class OtcConfig(AppConfig):
    name = "otc"
    verbose_name = "Composition root"
