"""manage.py export_labelled_drawings: the labelled drawings as IDX files, the format MNIST comes in.

    python3 manage.py export_labelled_drawings [--output FOLDER]

writes FOLDER/labelled-drawings-images-idx3-ubyte.gz and FOLDER/labelled-drawings-labels-idx1-ubyte.gz, which
`python3 -m nn.neural_network --labelled-drawings FOLDER` mixes into training, and
FOLDER/labelled-drawings-strokes.jsonl.gz: the drawn ones' strokes in the real handwriting
sets' pen format, so that they can be drawn again as those are (nn/data/handwriting.load_pen).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from django.core.management.base import BaseCommand

from nn.data.labelled_drawings import IMAGES_FILE, LABELS_FILE, STROKES_FILE
from nn.data.mnist import write_idx
from recognizer import labelled_drawings


class Command(BaseCommand):
    help = "Write the labelled drawings as gzipped IDX files, like MNIST's."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default="labelled-drawings", help="folder to write into (default: %(default)s)"
        )

    def handle(self, *args, output: str, **options):
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        images, labels = labelled_drawings.export_arrays()
        write_idx(folder / IMAGES_FILE, images)
        write_idx(folder / LABELS_FILE, labels)
        with gzip.open(folder / STROKES_FILE, "wt", encoding="utf-8") as lines:
            drawn = sum(lines.write(json.dumps(row) + "\n") > 0 for row in labelled_drawings.export_strokes())
        per_digit = ", ".join(f"{d}: {int((labels == d).sum())}" for d in range(10))
        self.stdout.write(
            f"wrote {len(labels)} labelled drawings to {folder}/ ({per_digit}); the strokes of the {drawn} drawn"
        )
