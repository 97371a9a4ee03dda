"""Each labelled drawing's size in bytes (the storage caps count them), the fingerprint of
the request its idempotency key was first sent with, and rate windows of any length."""

import json

from django.db import migrations, models

PIXELS = 28 * 28


def sizes(apps, schema_editor):
    LabelledDrawing = apps.get_model("recognizer", "LabelledDrawing")
    for drawing in LabelledDrawing.objects.only("strokes", "image").iterator(chunk_size=2000):
        strokes = len(json.dumps(drawing.strokes)) if drawing.strokes is not None else 0
        drawing.size = PIXELS + strokes + len(drawing.image or b"")
        drawing.save(update_fields=["size"])


class Migration(migrations.Migration):
    dependencies = [("recognizer", "0004_labelled_drawing_refused")]

    operations = [
        migrations.AddField(
            model_name="labelleddrawing",
            name="request_sha256",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="labelleddrawing",
            name="size",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="bytes kept: strokes, photo and pixels"
            ),
        ),
        migrations.RunPython(sizes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="ratewindow",
            name="seconds",
            field=models.PositiveIntegerField(default=60, help_text="the window's length"),
        ),
    ]
