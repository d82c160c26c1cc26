from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/profile/", views.profile, name="profile"),
    path("me/data.json", views.export_my_data, name="export_data"),
    path("me/delete/", views.delete_account, name="delete_account"),
    path("me/memberships/<int:pk>/leave/", views.leave, name="leave"),
    path("network/policy/", views.edit_baseline_policy, name="baseline_policy"),
    path("chapters/<slug:slug>/join/", views.join, name="join"),
    path("chapters/<slug:slug>/requests/", views.requests, name="requests"),
    path("chapters/<slug:slug>/requests/decide/", views.decide, name="decide"),
    path("chapters/<slug:slug>/members/", views.members, name="members"),
    path("chapters/<slug:slug>/members/export/", views.export_members, name="export_members"),
    path("chapters/<slug:slug>/members/<int:pk>/role/", views.change_role, name="change_role"),
    path("chapters/<slug:slug>/members/<int:pk>/remove/", views.remove, name="remove"),
    path("chapters/<slug:slug>/member-counts/", views.counts, name="counts"),
    path("chapters/<slug:slug>/policy/", views.edit_policy, name="policy"),
    path("chapters/<slug:slug>/policy/review/", views.policy_review, name="policy_review"),
    path("chapters/<slug:slug>/policy/history/", views.policy_history, name="policy_history"),
]
