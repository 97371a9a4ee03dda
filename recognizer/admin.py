"""The admin: review the labelled drawings, fix a wrong label, delete junk."""

from __future__ import annotations

import base64
import io

import numpy as np
from django.contrib import admin
from django.utils.html import format_html
from PIL import Image

from .models import Drawing


def png_data_url(levels: np.ndarray) -> str:
    """A (H, W) uint8 image as a PNG data URL."""
    buffer = io.BytesIO()
    Image.fromarray(levels, mode="L").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


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
        url = png_data_url(np.frombuffer(bytes(drawing.pixels), dtype=np.uint8).reshape(28, 28))
        return format_html('<img src="{}" width="56" height="56" alt="the drawing, 28x28">', url)

    @admin.display(boolean=True, description="model right")
    def right(self, drawing: Drawing) -> bool:
        return drawing.right

    def has_add_permission(self, request) -> bool:
        return False  # drawings come from the site, never typed in
