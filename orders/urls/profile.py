"""Addresses under a user's public profile that the orders app serves: /u/<nickname>/feedback/."""

from django.urls import path

from ..views import feedback

app_name = "feedback"
urlpatterns = [
    path("u/<str:nickname>/feedback/", feedback.feedback_received_list, name="received"),
]
