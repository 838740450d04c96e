"""Appeals, for the parties of an order."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "disputes"

urlpatterns = [
    path("new/<str:order_public_id>/", views.dispute_new, name="new"),
    path("order/<str:order_public_id>/", views.dispute_for_order, name="for_order"),
]
