from django.urls import path

from . import views

app_name = "chapters"

urlpatterns = [
    path("", views.home, name="home"),
    path("chapters/", views.directory, name="directory"),
    path("chapters/near/", views.near, name="near"),
    path("chapters/map/", views.map_page, name="map"),
    path("chapters/partners/", views.partner_list, name="partners"),
    path("chapters/partners/new/", views.partner_edit, name="partner_new"),
    path("chapters/partners/<int:pk>/", views.partner_edit, name="partner_edit"),
    path("chapters/partners/<int:pk>/delete/", views.partner_delete, name="partner_delete"),
    path("chapters/<slug:slug>/", views.detail, name="detail"),
    path("chapters/<slug:slug>/edit/", views.edit, name="edit"),
    path("chapters/<slug:slug>/status/", views.change_status, name="status"),
    path("api/chapters/", views.api_chapters, name="api"),
    path("embed/chapters/", views.embed, name="embed"),
]
