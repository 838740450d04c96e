"""Merchant pages, mounted at /merchant/ (the ads app adds /merchant/ads/)."""

from django.urls import path

from . import views

app_name = "merchants"
urlpatterns = [
    path("", views.center, name="center"),
    path("apply/", views.apply, name="apply"),
    path("apply/withdraw/", views.withdraw_application, name="withdraw_application"),
    path("break/", views.toggle_break, name="toggle_break"),
    path("hours/", views.business_hours, name="business_hours"),
    path("resign/", views.resign, name="resign"),
    path("resign/cancel/", views.cancel_resignation, name="cancel_resignation"),
]
