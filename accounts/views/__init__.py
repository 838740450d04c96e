"""Account pages, one module per feature; accounts/urls.py collects their urlpatterns."""
