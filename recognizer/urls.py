from django.urls import path

from . import views

app_name = "recognizer"
urlpatterns = [
    path("", views.index, name="index"),
    path("api/predict", views.predict, name="predict"),
    path("api/csrf", views.csrf, name="csrf"),
    path("api/openapi.json", views.openapi, name="openapi"),
]
