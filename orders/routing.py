"""WebSocket routes of the orders app, included by otc/routing.py."""

from django.urls import path

from .consumers import OrderLiveConsumer

websocket_urlpatterns = [
    path("ws/orders/<str:public_id>/", OrderLiveConsumer.as_asgi()),
]
