"""Addresses under a user's public profile that the orders app serves: /u/<nickname>/feedback/."""

from django.urls import path

from . import views_feedback

app_name = "feedback"
urlpatterns = [
    path("u/<str:nickname>/feedback/", views_feedback.feedback_received_list, name="received"),
]
