"""URL routes: every page and API endpoint lives in the recognizer app; the admin reviews labels."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [path("admin/", admin.site.urls), path("", include("recognizer.urls"))]
handler400 = "recognizer.http.bad_request"
handler404 = "recognizer.http.not_found"
handler500 = "recognizer.http.server_error"
