from .views import urlpatterns

app_name = "operations"
__all__ = ["app_name", "urlpatterns"]
