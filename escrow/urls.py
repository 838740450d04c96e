from django.urls import path

from . import views, webhooks

app_name = "escrow"
urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("deposit/", views.deposit, name="deposit"),
    path("addresses/", views.addresses, name="addresses"),
    path("addresses/<int:entry_id>/delete/", views.address_delete, name="address_delete"),
    path("webhooks/custody/", webhooks.custody_webhook, name="custody_webhook"),
]
