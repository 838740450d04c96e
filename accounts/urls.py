from django.urls import URLPattern

from .services.payment_method_rules import PaymentMethodScreen
from .views import (
    fund_password,
    kyc,
    notifications,
    payment_methods,
    profile,
    restrictions,
    security,
)

app_name = "accounts"


def build(*, payment_method_screen: PaymentMethodScreen | None = None) -> list[URLPattern]:
    """The account pages; the project passes what the layers above decide (a new payment
    method's screen), which accounts cannot import itself."""
    return [
        *security.urlpatterns,
        *restrictions.urlpatterns,
        *fund_password.urlpatterns,
        *kyc.urlpatterns,
        *payment_methods.patterns(screen=payment_method_screen),
        *profile.urlpatterns,
        *notifications.urlpatterns,
    ]


urlpatterns = build()
