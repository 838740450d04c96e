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
urlpatterns = [
    *security.urlpatterns,
    *restrictions.urlpatterns,
    *fund_password.urlpatterns,
    *kyc.urlpatterns,
    *payment_methods.urlpatterns,
    *profile.urlpatterns,
    *notifications.urlpatterns,
]
