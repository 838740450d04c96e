from django.urls import path

from .views import wallet, webhooks, withdrawals

app_name = "escrow"
urlpatterns = [
    path("", wallet.wallet, name="wallet"),
    path("deposit/", wallet.deposit, name="deposit"),
    path("addresses/", wallet.addresses, name="addresses"),
    path("addresses/<int:entry_id>/edit/", wallet.address_edit, name="address_edit"),
    path("addresses/<int:entry_id>/delete/", wallet.address_delete, name="address_delete"),
    path("withdraw/", withdrawals.withdraw, name="withdraw"),
    path("withdrawals/<str:public_id>/", withdrawals.withdrawal, name="withdrawal"),
    path(
        "withdrawals/<str:public_id>/cancel/",
        withdrawals.withdrawal_cancel,
        name="withdrawal_cancel",
    ),
    path("freeze/<str:token>/", withdrawals.withdrawal_freeze, name="withdrawal_freeze"),
    path("webhooks/custody/", webhooks.custody_webhook, name="custody_webhook"),
]
