from django.urls import path

from . import views

app_name = "recognizer"
urlpatterns = [
    path("", views.index, name="index"),
    path("api/predict", views.predict, name="predict"),
    path("api/labelled-drawings", views.labelled_drawing, name="labelled-drawing"),
    path("labelled-drawings", views.labelled_drawings_page, name="labelled-drawings"),
    path("api/csrf", views.csrf, name="csrf"),
    path("api/openapi.json", views.openapi, name="openapi"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("network", views.network, name="network"),
    path("api/network/weights/<slug:version>/<slug:name>.npy", views.network_weights, name="network-weights"),
    path("model", views.model_page, name="model"),
    path("model/<slug:name>", views.model_page, name="model-named"),
]
