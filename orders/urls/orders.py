from django.urls import path

from ..views import chat, feedback, orders

app_name = "orders"
urlpatterns = [
    path("", orders.order_list, name="list"),
    path("export.csv", orders.order_export, name="export"),
    path("new/<slug:ad_public_id>/", orders.order_new, name="new"),
    path("new/<slug:ad_public_id>/quote/", orders.order_quote, name="quote"),
    path("<slug:public_id>/", orders.order_detail, name="detail"),
    path("<slug:public_id>/paid/", orders.order_mark_paid, name="mark_paid"),
    path("<slug:public_id>/cancel/", orders.order_cancel, name="cancel"),
    path("<slug:public_id>/release/", orders.order_release, name="release"),
    path("<slug:public_id>/feedback/", feedback.feedback_submit, name="feedback"),
    path("<slug:public_id>/proofs/<int:proof_id>/", orders.order_proof, name="proof"),
    path("<slug:public_id>/chat/images/", chat.chat_image_upload, name="chat_image_upload"),
    path(
        "<slug:public_id>/chat/images/<int:message_id>/",
        chat.chat_image,
        name="chat_image",
    ),
]
