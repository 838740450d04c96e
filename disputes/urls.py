"""Appeals, for the parties of an order."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "disputes"

urlpatterns = [
    path("new/<str:order_public_id>/", views.dispute_new, name="new"),
    path("order/<str:order_public_id>/", views.dispute_for_order, name="for_order"),
    path("evidence/<int:evidence_id>/file/", views.evidence_file, name="evidence_file"),
    path("<str:public_id>/", views.dispute_detail, name="detail"),
    path("<str:public_id>/evidence/", views.evidence_add, name="evidence_add"),
    path("<str:public_id>/withdraw/", views.dispute_withdraw, name="withdraw"),
]
