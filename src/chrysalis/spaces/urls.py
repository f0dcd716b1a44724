from django.urls import path

from chrysalis.spaces import views

app_name = "spaces"
urlpatterns = [
    path("", views.space_list, name="list"),
    path("new/", views.space_create, name="create"),
    path("<slug:slug>/", views.space_detail, name="detail"),
    path("<slug:slug>/join/", views.space_join, name="join"),
    path("<slug:slug>/leave/", views.space_leave, name="leave"),
    path("<slug:slug>/request/", views.space_request, name="request"),
    path("<slug:slug>/invitation/accept/", views.invitation_accept, name="invitation_accept"),
    path("<slug:slug>/invitation/decline/", views.invitation_decline, name="invitation_decline"),
    path("<slug:slug>/members/", views.space_members, name="members"),
    path("<slug:slug>/members/invite/", views.space_invite, name="invite"),
    path("<slug:slug>/members/suggest/", views.invite_suggestions, name="invite_suggestions"),
    path("<slug:slug>/members/<str:username>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/members/<str:username>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/requests/", views.space_requests, name="requests"),
    path("<slug:slug>/requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("<slug:slug>/requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("<slug:slug>/settings/", views.space_settings, name="settings"),
]
