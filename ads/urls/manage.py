"""The merchant's ads, mounted at /merchant/ads/ by otc/urls.py."""

from django.urls import path

from ..views import manage as views

app_name = "ads"
urlpatterns = [
    path("", views.manage, name="manage"),
    path("new/", views.create, name="create"),
    path("<slug:public_id>/edit/", views.edit, name="edit"),
    path("<slug:public_id>/toggle/", views.toggle, name="toggle"),
    path("<slug:public_id>/close/", views.close, name="close"),
]
