"""What the site stores: drawings people labelled, and the per-client counters of the rate limit.

Nothing personal: no account, name, cookie or network address is kept with a drawing.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from .limits import PIXELS


class LabelledDrawing(models.Model):
    """A digit someone drew or uploaded, with the digit they say it is."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    label = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(9)], help_text="the digit it really is, 0-9"
    )
    # The network's input before any deskewing, MNIST's form: 28x28 bytes, white ink on
    # black, row by row. Exported as it is for retraining.
    pixels = models.BinaryField(max_length=PIXELS)
    model = models.CharField(max_length=64, help_text="name of the model that answered")
    model_sha256 = models.CharField(max_length=64, blank=True)
    predicted = models.PositiveSmallIntegerField(help_text="the digit the model answered")
    refused = models.BooleanField(
        default=False, help_text="the not-a-digit check refused it: the site answered no digit"
    )
    probabilities = models.JSONField(help_text="the model's ten probabilities")
    strokes = models.JSONField(null=True, blank=True, help_text="pen strokes, in units of the pad's height")
    image = models.BinaryField(null=True, blank=True, help_text="a photo, re-encoded and reduced")
    # Sent by the client with each labelled drawing: a retry after a lost answer is
    # recognised and stored once.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # What the key was first sent with (recognizer.labelled_drawings.fingerprint): the same
    # key with another request is refused, and reveals nothing of this one.
    request_sha256 = models.CharField(max_length=64, blank=True, default="", editable=False)
    size = models.PositiveIntegerField(
        default=0, editable=False, help_text="bytes kept: strokes, photo and pixels"
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = "labelled drawing"
        constraints = [
            models.CheckConstraint(condition=models.Q(label__lte=9), name="label_is_a_digit"),
            models.CheckConstraint(condition=models.Q(predicted__lte=9), name="predicted_is_a_digit"),
            models.CheckConstraint(condition=Exact(Length("pixels"), PIXELS), name="pixels_are_28x28"),
        ]

    def __str__(self) -> str:
        return f"a {self.label} ({self.model} said {self.predicted})"

    @property
    def right(self) -> bool:
        """The site answered it, with the right digit (a refused drawing was never answered)."""
        return not self.refused and self.label == self.predicted


class RateWindow(models.Model):
    """How much one client sent in one time window: drawings, or their bytes. The client is
    a keyed hash of its address (and of what is counted), and rows are deleted once their
    window is over."""

    client = models.CharField(max_length=64)
    window = models.BigIntegerField(help_text="start of the window, in seconds since the epoch")
    seconds = models.PositiveIntegerField(default=60, help_text="the window's length")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "window"], name="one_counter_per_window")]
        indexes = [models.Index(fields=["window"])]
