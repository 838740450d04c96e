from django.urls import path

from . import views, views_chat, views_feedback

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("export.csv", views.order_export, name="export"),
    path("new/<slug:ad_public_id>/", views.order_new, name="new"),
    path("new/<slug:ad_public_id>/quote/", views.order_quote, name="quote"),
    path("<slug:public_id>/", views.order_detail, name="detail"),
    path("<slug:public_id>/paid/", views.order_mark_paid, name="mark_paid"),
    path("<slug:public_id>/cancel/", views.order_cancel, name="cancel"),
    path("<slug:public_id>/release/", views.order_release, name="release"),
    path("<slug:public_id>/feedback/", views_feedback.feedback_submit, name="feedback"),
    path("<slug:public_id>/proofs/<int:proof_id>/", views.order_proof, name="proof"),
    path("<slug:public_id>/chat/images/", views_chat.chat_image_upload, name="chat_image_upload"),
    path(
        "<slug:public_id>/chat/images/<int:message_id>/",
        views_chat.chat_image,
        name="chat_image",
    ),
]
