"""Random distortions of images in MNIST's form, vectorised over the whole batch.

Each image gets its own random affine map (rotation, scale, shear, shift), optionally an
elastic distortion (a smoothed random displacement field, after Simard et al. 2003), and
a random change of stroke thickness. Everything is computed for the batch at once: one
(N, 784) array of sampling coordinates and one bilinear gather.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nn.ink.masks import in_frame
from nn.ink.preprocess import crossed
from nn.ink.sampling import SIDE, bilinear

CENTRE = (SIDE - 1) / 2


@dataclass(frozen=True)
class AugmentConfig:
    """How strong each distortion is; a field with a "help" is a trainer's flag (nn/training/config.py)."""

    # uniform in [-r, r]
    rotation_deg: float = field(default=8.0, metadata={"help": "max rotation, degrees", "flag": "--rotation"})
    # zoom uniform in [1 - s, 1 + s]
    scale: float = field(default=0.08, metadata={"help": "max relative zoom"})
    # horizontal shear factor uniform in [-s, s]
    shear: float = field(default=0.1, metadata={"help": "max shear factor"})
    # translation uniform in [-t, t] pixels, per axis
    shift_px: float = field(default=1.0, metadata={"help": "max shift, pixels", "flag": "--shift"})
    # typical displacement in pixels
    elastic_alpha: float = field(
        default=1.0, metadata={"help": "elastic distortion size, pixels (0: off)", "flag": "--elastic"}
    )
    elastic_sigma: float = 4.0  # smoothness of the displacement field, pixels
    # blend toward a dilated (+) or eroded (-) stroke
    thickness: float = field(default=0.3, metadata={"help": "max stroke thickness change, 0 to 1"})


def gaussian_matrix(sigma: float, n: int = SIDE) -> np.ndarray:
    """(n, n) matrix G so that G @ F @ G.T blurs a field F with a Gaussian of sigma."""
    d = np.arange(n)[:, None] - np.arange(n)[None, :]
    g = np.exp(-0.5 * (d / sigma) ** 2)
    return (g / g.sum(axis=1, keepdims=True)).astype(np.float32)


def sampling_coords(n: int, rng: np.random.Generator, cfg: AugmentConfig):
    """Source coordinates (x, y), each (n, 784), of every output pixel."""
    f32 = np.float32
    theta = np.deg2rad(rng.uniform(-cfg.rotation_deg, cfg.rotation_deg, n)).astype(f32)
    zoom = rng.uniform(1 - cfg.scale, 1 + cfg.scale, n).astype(f32)
    shear = rng.uniform(-cfg.shear, cfg.shear, n).astype(f32)
    shift = rng.uniform(-cfg.shift_px, cfg.shift_px, (n, 2)).astype(f32)
    # Forward map A = zoom * R(theta) @ [[1, shear], [0, 1]]; sampling needs its inverse.
    cos, sin = np.cos(theta), np.sin(theta)
    a, b = zoom * cos, zoom * (cos * shear - sin)
    c, d = zoom * sin, zoom * (sin * shear + cos)
    det = a * d - b * c
    ys, xs = (np.mgrid[0:SIDE, 0:SIDE].reshape(2, 1, -1) - CENTRE).astype(f32)  # (1, 784)
    u = xs - shift[:, :1]  # (n, 784)
    v = ys - shift[:, 1:]
    src_x = (d[:, None] * u - b[:, None] * v) / det[:, None] + CENTRE
    src_y = (-c[:, None] * u + a[:, None] * v) / det[:, None] + CENTRE
    if cfg.elastic_alpha > 0:
        g = gaussian_matrix(cfg.elastic_sigma)
        field = rng.uniform(-1, 1, (2, n, SIDE, SIDE)).astype(f32)
        field = g @ field @ g.T  # smooth both axes at once, batched
        # Normalise so alpha is the field's typical size in pixels, whatever sigma is.
        field *= cfg.elastic_alpha / (field.std() + 1e-12)
        src_x = src_x + field[0].reshape(n, -1)
        src_y = src_y + field[1].reshape(n, -1)
    return src_x, src_y


def vary_thickness(images: np.ndarray, rng: np.random.Generator, amount: float) -> np.ndarray:
    """Blend each image toward its dilation (t > 0) or erosion (t < 0), t ~ U(-a, a)."""
    t = rng.uniform(-amount, amount, (len(images), 1, 1)).astype(np.float32)
    framed = in_frame(images)  # (n, 30, 30)
    grown, thinned = (crossed(framed, combine)[:, 1:-1, 1:-1] for combine in (np.maximum, np.minimum))
    target = np.where(t > 0, grown, thinned)
    return images + np.abs(t) * (target - images)


def augment(
    images: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig, chunk: int = 512, map=map
) -> np.ndarray:
    """Distorted copies of (n, 28, 28) float images in [0, 1] (or (n, C, 28, 28): `distorted`). More than `chunk` images are
    distorted chunk by chunk, each with its own generator spawned from `rng`, through `map`:
    a thread pool's map distorts several at once, and the images are the same."""
    if len(images) > chunk:
        # Chunks keep the (chunk, 784) temporaries in cache: several times faster.
        starts = range(0, len(images), chunk)
        parts = map(
            distorted, [images[i : i + chunk] for i in starts], rng.spawn(len(starts)), [cfg] * len(starts)
        )
        return np.concatenate(list(parts))
    return distorted(images, rng, cfg)


def distorted(images: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """(n, 28, 28) images, each distorted at random: one chunk of augment's. Channels
    (n, C, 28, 28), the ink first and then the pen's direction (nn/ink/directions.py), are
    moved alike; the thickness changes the ink alone. The direction's vectors are moved, not
    turned: the few degrees of rotation and shear leave them near enough."""
    src_x, src_y = sampling_coords(len(images), rng, cfg)
    if images.ndim == 3:
        return thickened(bilinear(images, src_x, src_y), rng, cfg)
    out = np.stack([bilinear(images[:, c], src_x, src_y) for c in range(images.shape[1])], axis=1)
    out[:, 0] = thickened(out[:, 0], rng, cfg)
    np.clip(out[:, 1:], -1.0, 1.0, out=out[:, 1:])
    return out


def thickened(ink: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """(n, 28, 28) ink with its thickness changed at random, in [0, 1]."""
    if cfg.thickness > 0:
        ink = vary_thickness(ink, rng, cfg.thickness)
    return np.clip(ink, 0.0, 1.0, out=ink)
