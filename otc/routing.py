"""WebSocket routes of every app; the composition root may import them all."""

from django.urls import path

from accounts.consumers import NotificationConsumer
from orders.routing import websocket_urlpatterns as order_routes

from .consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    *order_routes,
]
