from django.apps import AppConfig


class RiskadminConfig(AppConfig):
    name = "riskadmin"
    verbose_name = "Risk and operations"
