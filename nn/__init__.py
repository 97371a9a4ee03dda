"""A handwritten-digit network written from scratch in NumPy.

Needs only NumPy and the standard library: `import nn` works without Django.
"""

from pathlib import Path

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "models" / "mlp.pkl"
