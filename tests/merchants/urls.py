"""The site's URLs, with the merchant pages mounted at /merchant/ if the site does not yet."""

from django.urls import include, path

from otc.urls import urlpatterns as site_patterns

urlpatterns = list(site_patterns)
if not any(getattr(pattern, "namespace", None) == "merchants" for pattern in urlpatterns):
    urlpatterns.append(path("merchant/", include("merchants.urls")))
