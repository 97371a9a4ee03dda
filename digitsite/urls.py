"""URL routes: every page and API endpoint lives in the recognizer app."""

from django.urls import include, path

urlpatterns = [path("", include("recognizer.urls"))]
handler404 = "recognizer.http.not_found"
