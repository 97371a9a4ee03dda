"""The admin: review the labelled drawings, fix a wrong label, delete junk.

A drawing shows as pictures: its 28x28 form, the pen strokes drawn (not their JSON), and
an uploaded photo as it is kept (a reduced grey copy).
"""

from __future__ import annotations

import base64
import io

import numpy as np
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from PIL import Image

from nn.ink import raster

from . import imaging
from .limits import SIDE
from .models import LabelledDrawing

STROKES_SIZE = 140  # pixels: the longer side of the strokes' picture


def png_data_url(levels: np.ndarray) -> str:
    """A (H, W) uint8 image as a PNG data URL."""
    buffer = io.BytesIO()
    Image.fromarray(levels, mode="L").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@admin.register(LabelledDrawing)
class LabelledDrawingAdmin(admin.ModelAdmin):
    list_display = ("id", "thumbnail", "label", "predicted", "right", "model", "created_at")
    list_display_links = ("id", "thumbnail")
    list_editable = ("label",)  # fix a label straight from the list
    list_filter = ("label", "predicted", "refused", "model", "created")
    list_per_page = 50
    date_hierarchy = "created"
    fields = (
        "thumbnail",
        "label",
        "predicted",
        "refused",
        "model",
        "model_sha256",
        "probabilities",
        "pen_strokes",
        "photo",
        "created",
    )
    readonly_fields = tuple(f for f in fields if f != "label")  # only the label is for people to fix

    @admin.display(description="drawing")
    def thumbnail(self, drawing: LabelledDrawing) -> str:
        url = png_data_url(np.frombuffer(bytes(drawing.pixels), dtype=np.uint8).reshape(SIDE, SIDE))
        return format_html('<img src="{}" width="56" height="56" alt="the drawing, 28x28">', url)

    @admin.display(description="strokes")
    def pen_strokes(self, drawing: LabelledDrawing) -> str:
        """The pen strokes as the server draws them for the network (nn/ink/raster.py),
        dark ink on white: one renderer, so what is shown is what was read."""
        if not drawing.strokes:
            return "none (an uploaded image)" if drawing.image else "none"
        try:
            ink = raster.draw(drawing.strokes, size=STROKES_SIZE)
        except (TypeError, ValueError):  # not valid strokes: the database holds any JSON
            return "unreadable strokes"
        points = sum(len(stroke) for stroke in drawing.strokes)
        return format_html(
            '<img class="pen-strokes" src="{}" alt="{}">',
            png_data_url(np.where(np.pad(ink, 4), 0, 255).astype(np.uint8)),
            f"the pen strokes: {len(drawing.strokes)} strokes, {points} points",
        )

    @admin.display(description="photo")
    def photo(self, drawing: LabelledDrawing) -> str:
        """An uploaded photo as it is kept, at most 280 pixels wide."""
        if not drawing.image:
            return "none (drawn on the pad)" if drawing.strokes else "none"
        data = bytes(drawing.image)
        kind = imaging.format_of(data)  # the site decodes no others
        if kind is None:
            return f"{len(data):,} bytes in a format browsers may not show"
        url = f"data:{imaging.media_type(kind)};base64,{base64.b64encode(data).decode('ascii')}"
        return format_html('<img src="{}" width="280" alt="the uploaded photo">', url)

    @admin.display(description="created", ordering="created")
    def created_at(self, drawing: LabelledDrawing) -> str:
        """Short enough for its column: 2026-12-01 08:56, in the admin's time zone."""
        return timezone.localtime(drawing.created).strftime("%Y-%m-%d %H:%M")

    @admin.display(boolean=True, description="model right")
    def right(self, drawing: LabelledDrawing) -> bool | None:
        """Unknown (None) for a drawing the not-a-digit check refused: no model answered it."""
        return None if drawing.refused else drawing.right

    def get_queryset(self, request):
        drawings = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            return drawings.defer("strokes", "image", "probabilities")  # the list shows none of them
        return drawings

    def has_add_permission(self, request) -> bool:
        return False  # drawings come from the site, never typed in
