from django.urls import path

from ..views import market as views_market

app_name = "market"
urlpatterns = [
    path("", views_market.market, name="home"),
    path("p2p/", views_market.market, name="p2p"),
    path("merchants/<str:display_name>/", views_market.merchant, name="merchant"),
]
