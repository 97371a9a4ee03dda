"""MNIST's side, and pixel sampling of (n, 28, 28) images: bilinear sampling at arbitrary
points (deskewing in preprocess.py, the random distortions of training in augment.py)."""

import numpy as np

SIDE = 28  # MNIST's images are SIDE x SIDE pixels


def bilinear(images: np.ndarray, src_x: np.ndarray, src_y: np.ndarray) -> np.ndarray:
    """Sample (n, 28, 28) images at (n, 784) coordinates; outside the image reads 0."""
    n = len(images)
    padded = np.zeros((n, SIDE + 2, SIDE + 2), np.float32)
    padded[:, 1:-1, 1:-1] = images
    # Clipping into the zero border makes every outside point read 0.
    x = np.clip(src_x + 1, 0, SIDE + 0.999, dtype=np.float32)
    y = np.clip(src_y + 1, 0, SIDE + 0.999, dtype=np.float32)
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = x - x0, y - y0
    x0, y0 = x0.astype(np.intp), y0.astype(np.intp)
    flat = padded.reshape(-1)
    base = (np.arange(n) * (SIDE + 2) ** 2)[:, None] + y0 * (SIDE + 2) + x0
    top = flat.take(base) * (1 - fx) + flat.take(base + 1) * fx
    bottom = flat.take(base + SIDE + 2) * (1 - fx) + flat.take(base + SIDE + 3) * fx
    return (top * (1 - fy) + bottom * fy).reshape(n, SIDE, SIDE)
