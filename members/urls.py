from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("chapters/<slug:slug>/join/", views.join, name="join"),
]
