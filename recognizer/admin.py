"""The admin: review the labelled drawings, fix a wrong label, delete junk.

A drawing shows as pictures: its 28x28 form, the pen strokes redrawn (not their JSON), and
an uploaded photo as it is kept (a reduced grey copy).
"""

from __future__ import annotations

import base64
import io

import numpy as np
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from PIL import Image

from nn.ink.raster import PEN_WIDTH

from .models import LabelledDrawing

# The formats an upload may have (the site decodes no others), by their first bytes.
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


def image_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG, GIF or WebP file, from its signature; None for others."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in IMAGE_TYPES.items() if data.startswith(magic)), None)


def stroke_path(stroke) -> str:
    """One stroke as SVG path data; a single point becomes a dot (a zero-length line, round caps)."""
    points = [(float(x), float(y)) for x, y in stroke]
    if len(points) == 1:
        points *= 2
    return " ".join(f"{'L' if i else 'M'}{x:.4f},{y:.4f}" for i, (x, y) in enumerate(points))


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
        "pen_strokes",
        "photo",
        "created",
    )
    readonly_fields = tuple(f for f in fields if f != "label")  # only the label is for people to fix

    @admin.display(description="drawing")
    def thumbnail(self, drawing: LabelledDrawing) -> str:
        url = png_data_url(np.frombuffer(bytes(drawing.pixels), dtype=np.uint8).reshape(28, 28))
        return format_html('<img src="{}" width="56" height="56" alt="the drawing, 28x28">', url)

    @admin.display(description="strokes")
    def pen_strokes(self, drawing: LabelledDrawing) -> str:
        """The pen strokes redrawn as they were drawn: dark ink on the white pad."""
        if not drawing.strokes:
            return "none (an uploaded image)" if drawing.image else "none"
        try:
            paths = [stroke_path(stroke) for stroke in drawing.strokes]
        except (TypeError, ValueError):  # not valid strokes: the database holds any JSON
            return "unreadable strokes"
        points = sum(len(stroke) for stroke in drawing.strokes)
        # The pad's height is the unit and a wide pad's x runs past 1: the picture is as wide
        # as the strokes reach, so none is cut off.
        width = max([1.0, *(float(x) + PEN_WIDTH / 2 for stroke in drawing.strokes for x, _ in stroke)])
        return format_html(
            '<svg class="pen-strokes" viewBox="0 0 {} 1" width="{}" height="140" role="img" aria-label="{}">'
            '<rect width="{}" height="1" fill="#fff" stroke="#ccc" stroke-width="0.01"/>'
            '<g fill="none" stroke="#000" stroke-width="{}" stroke-linecap="round" stroke-linejoin="round">'
            "{}</g></svg>",
            f"{width:.4f}",
            round(140 * width),
            f"the pen strokes: {len(paths)} strokes, {points} points",
            f"{width:.4f}",
            PEN_WIDTH,
            format_html_join("", '<path d="{}"/>', ((d,) for d in paths)),
        )

    @admin.display(description="photo")
    def photo(self, drawing: LabelledDrawing) -> str:
        """An uploaded photo as it is kept, at most 280 pixels wide."""
        if not drawing.image:
            return "none (drawn on the pad)" if drawing.strokes else "none"
        data = bytes(drawing.image)
        kind = image_type(data)
        if kind is None:
            return f"{len(data):,} bytes in a format browsers may not show"
        url = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
        return format_html('<img src="{}" width="280" alt="the uploaded photo">', url)

    @admin.display(description="created", ordering="created")
    def created_at(self, drawing: LabelledDrawing) -> str:
        """Short enough for its column: 2026-12-01 08:56, in the admin's time zone."""
        return timezone.localtime(drawing.created).strftime("%Y-%m-%d %H:%M")

    @admin.display(boolean=True, description="model right")
    def right(self, drawing: LabelledDrawing) -> bool:
        return drawing.right

    def get_queryset(self, request):
        drawings = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            return drawings.defer("strokes", "image", "probabilities")  # the list shows none of them
        return drawings

    def has_add_permission(self, request) -> bool:
        return False  # drawings come from the site, never typed in
