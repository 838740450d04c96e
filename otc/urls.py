from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

from accounts.urls import build as account_urls
from risk.screening import screen_payment_method

from . import views

admin.site.site_header = gettext_lazy("OTC Exchange operations")
admin.site.site_title = gettext_lazy("OTC Exchange admin")
# Staff log in through allauth (rate limits, 2FA), never through the admin's own form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # set_language: the header's and the profile's language switcher post here.
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("console/", include("riskadmin.console.urls")),
    path("accounts/", include("allauth.urls")),
    # a new payment method passes risk's screen (accounts cannot ask risk itself)
    path("", include((account_urls(payment_method_screen=screen_payment_method), "accounts"))),
    path("", include("orders.urls.profile")),
    path("", include("ads.urls.market")),
    path("wallet/", include("escrow.urls")),
    path("orders/", include("orders.urls.orders")),
    path("disputes/", include("disputes.urls")),
    path("merchant/ads/", include("ads.urls.manage")),
    path("merchant/", include("merchants.urls")),
    path("announcements/", include("operations.urls")),
]
