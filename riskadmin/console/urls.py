from django.urls import path

from .views import cases, people

app_name = "console"
urlpatterns = [
    path("", cases.inbox_page, name="inbox"),
    path("cases/<int:case_id>/", cases.case_page, name="case"),
    path("cases/<int:case_id>/comment/", cases.case_comment, name="case_comment"),
    path("cases/<int:case_id>/take/", cases.case_take, name="case_take"),
    path("cases/<int:case_id>/assign/", cases.case_assign, name="case_assign"),
    path("cases/<int:case_id>/status/", cases.case_status, name="case_status"),
    path("cases/<int:case_id>/close/", cases.case_close, name="case_close"),
    path("cases/<int:case_id>/action/", cases.case_action, name="case_action"),
    path("cases/<int:case_id>/answer/", cases.case_answer, name="case_answer"),
    path("users/<int:user_id>/", people.person_page, name="person"),
]
