"""A handwritten-digit network written from scratch in NumPy.

Needs only NumPy and the standard library: `import nn` works without Django.
"""

from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "models"
# The model that answers by default, on the site and in the command lines: the one that did
# best on drawn digits (bench/bench_drawn.py). digitsite/settings.py reads it from here.
DEFAULT_MODEL_PATH = MODEL_DIR / "cnn.pkl"
