from .views import fund_password, kyc, notifications, payment_methods, profile, security

app_name = "accounts"
urlpatterns = [
    *security.urlpatterns,
    *fund_password.urlpatterns,
    *kyc.urlpatterns,
    *payment_methods.urlpatterns,
    *profile.urlpatterns,
    *notifications.urlpatterns,
]
