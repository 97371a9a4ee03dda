"""Where a photo's touching digits are cut apart: a connected part of ink wider than TOUCH
H (H: the line's digit height) is cut along the least-ink paths from its top to its bottom
(`seams`), which bend with the gap between two digits where no straight column parts
them. NumPy only; nn/ink/pieces.py makes a photo's pieces with it."""

from __future__ import annotations

import numpy as np

from nn.ink.masks import ink_pixels

TOUCH = 0.6  # of H: a part of a photo's ink wider than this may be several digits touching
THIN = 0.45  # of the fullest column's ink: a cut crossing more than this is not where digits touch
SLANT = 0.6  # the steepest slant a part is cut along (horizontal shift per row)
SEAM_CELL = (1 / 16, 1 / 32)  # of H: a cut through a part follows the ink on cells this high and wide
SEAM_REACH = 0.2  # of H: how far a cut may stray from the slanted column it starts near
CUT_MARGIN = 0.25  # of H: the middles of a part's cuts lie at least this far from its sides and each other


def slabs(ink: np.ndarray, height: float) -> list[np.ndarray]:
    """A part's ink (h, w), when it is wider than TOUCH H, cut where two digits may touch:
    along the least-ink paths from its top to its bottom (`seams`, on cells of SEAM_CELL H,
    with its slant, the shear of its second moments, removed), each crossing at most THIN
    of the ink of its fullest slanted column, their middles at least CUT_MARGIN H from
    its sides and from each other, the cheapest first. Each slab is a mask of the part's
    shape holding only the ink between two cuts."""
    if ink.shape[1] <= TOUCH * height:
        return [ink]
    rows, cols = ink_pixels(ink)  # (P,), (P,)
    dy = rows - rows.mean()
    slant = (dy * (cols - cols.mean())).mean() / max((dy**2).mean(), 1e-9)
    slant = min(max(slant, -SLANT), SLANT)  # np.clip's comparisons, on one number
    across = cols - slant * dy  # (P,): where each pixel lies along the line, slant removed
    across = (across - across.min()).astype(np.intp)
    tall, cell = (max(int(c * height), 1) for c in SEAM_CELL)  # pixels
    down, along = rows // tall, across // cell  # (P,) each: each pixel's cell
    h, w = down.max() + 1, along.max() + 1
    cells = np.bincount(down * w + along, minlength=h * w).reshape(h, w)  # (h', w'): ink in each cell
    paths, crossed = seams(cells, max(int(SEAM_REACH * height / cell), 1))  # (w', h'), (w',)
    middles = (paths.mean(axis=1) + 0.5) * cell  # (w',) pixels across
    margin = max(CUT_MARGIN * height, 1)
    inside = (margin <= middles) & (middles <= across.max() - margin)
    keep = inside & (crossed <= THIN * cells.sum(axis=0).max())
    cuts: list[int] = []
    for k in np.flatnonzero(keep)[np.argsort(crossed[keep], kind="stable")].tolist():
        if all(abs(middles[k] - middles[c]) >= margin for c in cuts):
            cuts.append(k)
    cuts.sort(key=lambda k: middles[k])
    edges = (paths[cuts][:, down] + 0.5) * cell  # (K, P): each cut's place on each pixel's row
    # (h, w): each ink pixel's slab, -1 off the ink, in the smallest type that holds them
    slab_of = np.full(ink.shape, -1, np.min_scalar_type(-len(cuts) - 1))
    slab_of[rows, cols] = (across >= edges).sum(axis=0)
    return [slab for slab in (slab_of == k for k in range(len(cuts) + 1)) if slab.any()]


def seams(cost: np.ndarray, reach: int) -> tuple[np.ndarray, np.ndarray]:
    """From each column of a cost grid (h, w), the path from its top row to its bottom that
    crosses the least cost, moving at most one column a row and never more than `reach`
    columns from the one it starts near: (w, h) each path's column on each row, and (w,)
    what each crosses. Dynamic programming over the rows, every path at once: down the
    rows, the least cost of reaching each place; then up, the path to each end."""
    h, w = cost.shape
    band = np.arange(w)[:, None] + np.arange(-reach - 1, reach + 2)  # (w, J + 2): each path's columns
    # (h, w, J + 2): the least cost of reaching each place, from the top row down; an inf at
    # either end of each band and past the grid's sides, so that no path leaves them.
    inside = (band > band[:, :1]) & (band < band[:, -1:]) & (band >= 0) & (band < w)
    total = np.where(inside, cost[:, np.clip(band, 0, w - 1)], np.inf)
    least = np.empty((w, band.shape[1] - 2))  # (w, J): the least of the three places above each
    for above, row in zip(total[:-1], total[1:, :, 1:-1], strict=True):  # (w, J + 2), (w, J)
        np.minimum(above[:, :-2], above[:, 1:-1], out=least)
        row += np.minimum(least, above[:, 2:], out=least)
    paths = np.empty((w, h), np.intp)  # each path's place in its band, 1..J
    paths[:, -1] = total[-1].argmin(axis=1)
    crossed = total[-1].min(axis=1)
    flat = total.reshape(h, -1)  # (h, w * (J + 2))
    at = np.arange(w)[:, None] * band.shape[1] + np.arange(-1, 2)  # (w, 3): three places, flat
    for r in range(h - 1, 0, -1):  # back up, each time to the least of the three places above
        paths[:, r - 1] = paths[:, r] + flat[r - 1][at + paths[:, r, None]].argmin(axis=1) - 1
    return band[np.arange(w)[:, None], paths], crossed
