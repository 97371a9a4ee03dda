"""The admin: review the labelled drawings, fix a wrong label, delete junk."""

from __future__ import annotations

import numpy as np
from django.contrib import admin
from django.utils.html import format_html

from . import imaging
from .models import Drawing


@admin.register(Drawing)
class DrawingAdmin(admin.ModelAdmin):
    list_display = ("id", "thumbnail", "label", "predicted", "right", "model", "created")
    list_display_links = ("id", "thumbnail")
    list_editable = ("label",)  # fix a label straight from the list
    list_filter = ("label", "predicted", "model", "created")
    list_per_page = 50
    date_hierarchy = "created"
    fields = (
        "thumbnail",
        "label",
        "predicted",
        "model",
        "model_sha256",
        "probabilities",
        "strokes",
        "created",
    )
    readonly_fields = tuple(f for f in fields if f != "label")  # only the label is for people to fix

    @admin.display(description="drawing")
    def thumbnail(self, drawing: Drawing) -> str:
        url = imaging.png_data_url(np.frombuffer(bytes(drawing.pixels), dtype=np.uint8).reshape(28, 28))
        return format_html('<img src="{}" width="56" height="56" alt="the drawing, 28x28">', url)

    @admin.display(boolean=True, description="model right")
    def right(self, drawing: Drawing) -> bool:
        return drawing.right

    def has_add_permission(self, request) -> bool:
        return False  # drawings come from the site, never typed in
