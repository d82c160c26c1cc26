from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from chapters.sitemaps import ChapterSitemap

from . import i18n, views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = admin.site.site_title = "Network administration"

urlpatterns = [
    path("", include("chapters.urls")),
    path("", include("members.urls")),
    path("sessions/", include("onboarding.urls")),
    path("", include("cdp.urls")),
    path("", include("federation.urls")),
    path("", include("outreach.urls")),
    path("network/", include("network.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", i18n.set_language, name="set_language"),
    path("audit/", include("audit.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("bench/ping", views.ping, name="bench_ping"),
    path(
        "sitemap.xml", sitemap, {"sitemaps": {"chapters": ChapterSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("admin/", admin.site.urls),
]
