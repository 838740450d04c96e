from .views import fund_password, kyc, payment_methods, profile, security

app_name = "accounts"
urlpatterns = [
    *security.urlpatterns,
    *fund_password.urlpatterns,
    *kyc.urlpatterns,
    *payment_methods.urlpatterns,
    *profile.urlpatterns,
]
