from django.urls import path
from django.utils.module_loading import import_string

from .consumers import PingConsumer

# the apps' routes by name, like include("app.urls"): otc (layer 0) imports no app
websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    path("ws/notifications/", import_string("accounts.consumers.NotificationConsumer").as_asgi()),
    *import_string("orders.routing.websocket_urlpatterns"),
]
