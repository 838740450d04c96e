from django.urls import path

from . import views

app_name = "escrow"
urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("deposit/", views.deposit, name="deposit"),
]
