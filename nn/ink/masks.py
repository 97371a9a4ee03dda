"""Operations on bool ink masks, each done once for every caller: the ink's box, its stroke
width, block reduction, and its connected pieces. NumPy only."""

from __future__ import annotations

import numpy as np

Box = tuple[float, float, float, float]  # left, top, right, bottom (right and bottom exclusive)


def bounding_box(mask: np.ndarray) -> tuple[slice, slice] | None:
    """The rows and columns (slices) that hold ink; None when there is none."""
    rows = mask.any(axis=1).nonzero()[0]
    if len(rows) == 0:
        return None
    cols = mask.any(axis=0).nonzero()[0]
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def ink_pixels(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.nonzero of an (H, W) mask: the rows and columns (P,) of its ink, row by row; from
    the flat indices, which NumPy finds several times quicker than both at once."""
    flat = np.flatnonzero(mask)  # (P,)
    rows = flat // mask.shape[1]
    return rows, flat - rows * mask.shape[1]


def ink_box(mask: np.ndarray) -> Box:
    """bounding_box as (left, top, right, bottom) numbers, for a mask that holds ink."""
    return slices_box(*bounding_box(mask))


def slices_box(rows: slice, cols: slice) -> Box:
    """bounding_box's rows and columns as (left, top, right, bottom) numbers."""
    return float(cols.start), float(rows.start), float(cols.stop), float(rows.stop)


def stroke_width(mask: np.ndarray, framed: bool = True) -> float:
    """Mean stroke width of a bilevel image: area divided by half the perimeter. `framed`:
    ink on the image's own edges counts as boundary there, as if the image were framed in
    background; otherwise the image's edges are not counted (a crop of a larger drawing)."""
    if framed:
        return framed_width(in_frame(mask))
    inner = np.count_nonzero(mask[:, 1:] != mask[:, :-1]) + np.count_nonzero(mask[1:] != mask[:-1])
    return 2.0 * np.count_nonzero(mask) / max(inner, 1)


def in_frame(mask: np.ndarray) -> np.ndarray:
    """(..., H, W) -> (..., H + 2, W + 2) of its dtype: each image inside a one-pixel frame
    of background."""
    framed = np.zeros((*mask.shape[:-2], mask.shape[-2] + 2, mask.shape[-1] + 2), mask.dtype)
    framed[..., 1:-1, 1:-1] = mask
    return framed


def framed_width(framed: np.ndarray, area: int | None = None) -> float:
    """stroke_width of the mask inside a frame of background (`in_frame`), its ink count
    given or not: the changes between neighbours in the framed mask are the mask's own plus
    its ink on its edges, so these are the same numbers."""
    # Read as one line row after row, a change between neighbours across is a change between
    # successive pixels (the frame's sides meet at the ends of the rows: no change there).
    flat, side = framed.reshape(-1), framed.shape[1]
    boundary = np.count_nonzero(flat[1:] != flat[:-1]) + np.count_nonzero(flat[side:] != flat[:-side])
    return 2.0 * (np.count_nonzero(framed) if area is None else area) / max(boundary, 1)


def coverage(mask: np.ndarray, factor: int) -> np.ndarray:
    """The fraction of ink in each factor x factor block (past the edges: background); any
    ink in a block (coverage > 0) is a smaller mask that keeps strokes connected."""
    if factor <= 1:
        return mask
    h, w = mask.shape
    # Counts in the smallest type that holds a whole block's (a byte up to 15 x 15 blocks):
    # the fewer bytes, the quicker the sums.
    padded = np.zeros((h + -h % factor, w + -w % factor), np.min_scalar_type(factor * factor))
    padded[:h, :w] = mask
    # Whole-number counts, added up a row and a column of each block at a time, in place (a
    # strided reduction over small axes is slower): exact, so the fractions are exactly a mean's.
    rows = padded[::factor].copy()  # (H / factor, W)
    for i in range(1, factor):
        rows += padded[i::factor]
    blocks = rows[:, ::factor].copy()  # (H / factor, W / factor)
    for j in range(1, factor):
        blocks += rows[:, j::factor]
    return blocks.astype(np.float32) / (factor * factor)


def enlarged(mask: np.ndarray, factor: int) -> np.ndarray:
    """Each pixel as a factor x factor block: the inverse of coverage's block reduction."""
    return np.repeat(np.repeat(mask, factor, 0), factor, 1)


def runs(mask: np.ndarray, diagonal: bool = True) -> tuple[np.ndarray, ...]:
    """The mask's runs of ink row by row, labelled by connected piece: (rows, starts, ends,
    labels) each (R,), ends exclusive, labels 0..n-1 numbered in the order of each piece's
    first pixel (row by row). 8-connected with `diagonal`, else 4-connected."""
    height, width = mask.shape
    padded = np.zeros((height, width + 2), np.int8)
    padded[:, 1:-1] = mask
    # Row by row, a run's start (+1) and the column after its end (-1) come in turn.
    turns = np.flatnonzero(padded[:, 1:] != padded[:, :-1])  # (2R,): in (H, W + 1)
    rows, starts = np.divmod(turns[0::2], width + 1)  # (R,), (R,): where each run starts
    ends = turns[1::2] - rows * (width + 1)  # (R,): and the column after it ends
    # Runs in successive rows touch where they overlap (by a pixel more, diagonally). Keyed
    # by row and column, a row's runs are in order, so each run's neighbours below are the
    # ones between two binary searches.
    reach, key = (1 if diagonal else 0), mask.shape[1] + 3
    below = (rows + 1) * key
    low = np.searchsorted(rows * key + ends, below + starts - reach, side="right")  # (R,)
    high = np.searchsorted(rows * key + starts, below + ends + reach, side="left")  # (R,)
    count = np.maximum(high - low, 0)
    a = np.repeat(np.arange(len(rows)), count)  # (P,): pairs of touching runs (a, b)
    b = low[a] + np.arange(len(a)) - np.repeat(np.cumsum(count) - count, count)  # (P,)
    # Union-find over the pairs, every pair at once: each round, each label (a run whose label
    # is itself, its piece's root so far) takes the smallest label it is joined to, then every
    # run follows its labels to their root. A label is never greater than its run's index, so
    # the chains are at most R long and bit_length(R) jumps, each doubling how far a run has
    # followed its chain, reach their ends. The rounds stop when every pair has one label.
    labels = np.arange(len(rows))  # (R,)
    while len(a):
        label_a, label_b = labels[a], labels[b]  # (P,) each
        if (label_a == label_b).all():
            break
        np.minimum.at(labels, label_a, label_b)
        np.minimum.at(labels, label_b, label_a)
        for _ in range(len(labels).bit_length()):
            labels = labels[labels]
    # Each piece's label is now its first run's index: number them in that order.
    first = labels == np.arange(len(labels))  # (R,)
    return rows, starts, ends, (np.cumsum(first) - 1)[labels]


def groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys (P,) -> each distinct key (G,) and where its group starts (G,): for
    ufunc.reduceat, which reduces each group far faster than ufunc.at does."""
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if len(keys) else keys[:0]
    return keys[starts], starts


def piece_sizes(mask: np.ndarray, diagonal: bool = True) -> np.ndarray:
    """Pixel counts (n,) of the connected pieces of a mask, in `runs`' order."""
    _, starts, ends, labels = runs(mask, diagonal)
    return np.bincount(labels, weights=ends - starts)


def components(mask: np.ndarray, diagonal: bool = True) -> tuple[np.ndarray, int]:
    """The connected pieces of a mask -> (H, W) labels (-1 off the ink, else 0..n-1, in
    `runs`' order) and n."""
    return painted(mask.shape, *runs(mask, diagonal))


def boxed_components(mask: np.ndarray, diagonal: bool = True) -> tuple[np.ndarray, int, np.ndarray]:
    """`components`, and the pieces' (n, 4) boxes as component_boxes gives them, found from
    the runs rather than from every pixel."""
    found = runs(mask, diagonal)
    labels, count = painted(mask.shape, *found)
    return labels, count, run_boxes(*found, count)


def painted(shape: tuple[int, int], rows, starts, ends, labels) -> tuple[np.ndarray, int]:
    """A mask's labelled runs (R,) each, as `runs` gives them -> `components`' (H, W) labels and n."""
    lengths = ends - starts  # (R,)
    first = np.repeat(rows * shape[1] + starts - np.cumsum(lengths) + lengths, lengths)
    out = np.full(shape[0] * shape[1], -1, np.intp)
    out[first + np.arange(lengths.sum())] = np.repeat(labels, lengths)
    return out.reshape(shape), int(labels.max(initial=-1)) + 1


def run_boxes(rows, starts, ends, labels, count: int) -> np.ndarray:
    """The (n, 4) boxes (left, top, right, bottom; right and bottom exclusive) of the n pieces
    of a mask's labelled runs (R,) each, as `runs` gives them: a piece's least and greatest
    column and row are its runs'."""
    boxes = np.empty((count, 4))
    if count:
        order = np.argsort(labels, kind="stable")  # (R,): the runs grouped by piece
        _, at = groups(labels[order])
        for k, (low, high) in enumerate(((starts, ends), (rows, rows + 1))):
            boxes[:, k] = np.minimum.reduceat(low[order], at)
            boxes[:, k + 2] = np.maximum.reduceat(high[order], at)
    return boxes


def component_boxes(labels: np.ndarray, count: int) -> np.ndarray:
    """(n, 4) boxes (left, top, right, bottom; right and bottom exclusive) of labelled pixels."""
    rows, cols = ink_pixels(labels >= 0)  # (P,), (P,)
    order = np.argsort(labels[rows, cols], kind="stable")  # the pixels grouped by label
    rows, cols = rows[order], cols[order]
    present, starts = groups(labels[rows, cols])
    boxes = np.empty((count, 4))
    boxes[:, :2] = np.inf
    boxes[:, 2:] = -np.inf
    if len(present):
        for k, values in enumerate((cols, rows)):
            boxes[present, k] = np.minimum.reduceat(values, starts)
            boxes[present, k + 2] = np.maximum.reduceat(values, starts) + 1
    return boxes
