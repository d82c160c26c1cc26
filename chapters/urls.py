from django.urls import path

from . import views

app_name = "chapters"

urlpatterns = [
    path("", views.home, name="home"),
    path("chapters/", views.directory, name="directory"),
    path("chapters/<slug:slug>/", views.detail, name="detail"),
]
