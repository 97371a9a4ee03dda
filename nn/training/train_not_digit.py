"""Train the not-a-digit check (nn/networks/not_digit.py) and write it where the site reads it.

    python3 -m nn.training.train_not_digit [--handwriting-dir FOLDER] [--mnist-dir FOLDER] [--output FILE]

"Digit": the real sets' digits by TRAIN writers, pen digits drawn as the pad draws them at
their typical size and at a random one, through the pen variations (as the signs below are,
so a variation's look alone does not say "not a digit"), and as photos of them on paper;
the scans (Semeion, USPS) as photos on paper, as they are and distorted (nn/data/augment.py);
and MNIST's training digits as photos on paper.
"Not a digit": made-up dots, dashes, scribbles, crosses, blobs, waves, capitals and signs
(? ^ = e * # % ...; nn/data/non_digits.py), the signs drawn through the pen variations the
digits are trained with (nn/data/mix.py), every kind also as a photo; and the letters of the
TRAIN writers of every letters set, less the digit-like ones.
Each source's threshold is chosen so that at most MAX_REJECTED of the held-out digits of
each collection are refused: for strokes, VALIDATION writers' pen digits whose labels are
verified (all but UNIPEN's unchecked ones); for photos, VALIDATION writers' scans,
their pen digits as photos, and held-out MNIST digits as photos. UNIPEN's unchecked rows are
trained on as digits but not used for the threshold: among them are segmentation slips,
"00", "%", a lone dot or a dash labelled 1, which the check is right to refuse
(bench/bench_not_digit.py measures both kinds on the test writers). The check is MEMBERS
networks trained on the same inputs, each from its own seed, their logits averaged: a
single network's oddest digits move with its seed, and the average separates digits from
non-digits better than any one of them. Without the handwriting
folder it trains on MNIST and made-up drawings alone, chooses both thresholds on the
held-out MNIST digits, and says so. Pixel arrays are not checked (nn/networks/not_digit.py).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from nn.data import handwriting, mnist, non_digits
from nn.data.augment import AugmentConfig, distorted
from nn.data.mix import StrokeVariation, vary
from nn.data.mnist import load_mnist
from nn.ink import raster
from nn.ink.preprocess import SIDE, as_float, from_mask, ink_mask
from nn.networks.model_file import save_model
from nn.networks.not_digit import CHECK_PATH, N_FEATURES, N_INPUTS, SOURCES, Check, inputs

MAX_REJECTED = 0.002  # of each collection's validation digits the check may refuse (one of a small one)
HIDDEN, EPOCHS, BATCH, LEARNING_RATE, WEIGHT_DECAY = 256, 20, 256, 2e-3, 1e-4
MEMBERS = 4  # networks averaged, each HIDDEN wide
SIZES = (0.3, 1.0)  # a drawing's longer side on the pad, as a fraction: small to the whole pad
PHOTO_SIDES = (40, 240)  # pixels of a photo's ink, its longer side: a small to a large photo
MNIST_HELD_OUT = 5_000  # MNIST training images kept for the threshold, not trained on
MNIST_PHOTOS = 20_000  # MNIST training images trained on as photos
PER_KIND = 3_000  # made-up drawings of each kind


def drawn(strokes, pen_width: float = raster.PEN_WIDTH) -> tuple[np.ndarray, np.ndarray] | None:
    """(ink mask, its (28, 28) in MNIST's form) of strokes drawn with the page's pen, as the
    check judges a request's; None if no ink survives."""
    mask = raster.draw(strokes, pen_width)
    pixels = from_mask(mask)
    return None if pixels is None else (mask, pixels)


def imaged(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(ink mask, network input) of a photo's grey levels, as a request's."""
    mask = ink_mask(gray)
    pixels = None if mask is None else from_mask(mask)
    return None if pixels is None else (mask, pixels)


def varied(strokes, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
    """Strokes drawn as one of the pen variations training draws digits with (nn/data/mix.py)."""
    return drawn(*vary(strokes, rng, StrokeVariation()))


def photographed(strokes, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
    """Strokes as a photo of them on paper, the ink a random size, then as a request's photo."""
    return imaged(handwriting.paper(raster.draw(strokes, size=int(rng.integers(*PHOTO_SIDES)))))


def resized(strokes, rng: np.random.Generator) -> list[np.ndarray]:
    """Strokes scaled about the pad's centre so their longer side is a random size in SIZES."""
    low, high = raster.extent(strokes)
    factor = min(rng.uniform(*SIZES), 1.0) / max(float((high - low).max()), 1e-6)
    return [(s - 0.5) * factor + 0.5 for s in strokes]


def sample_inputs(samples, rng: np.random.Generator, sizes: bool = True) -> np.ndarray:
    """Handwriting samples -> (N, N_INPUTS): pen samples at the typical size and, with
    `sizes`, once more at a random one; scans through the image path."""
    made = []
    for s in samples:
        if s.strokes is None:
            made.append(imaged(handwriting.paper(s.image)))
            continue
        made.append(drawn(s.strokes))
        if sizes:
            made.append(drawn(resized(s.strokes, rng)))
    return stacked(made)


def stacked(made: list[tuple[np.ndarray, np.ndarray] | None]) -> np.ndarray:
    """(mask, pixels) pairs, None where no ink survived (left out) -> (N, N_INPUTS)."""
    made = [m for m in made if m is not None]
    if not made:
        return np.zeros((0, N_INPUTS), np.float32)
    return inputs([m for m, _ in made], np.stack([p for _, p in made]))


def distorted_scans(samples, rng: np.random.Generator, copies: int = 2) -> np.ndarray:
    """Scans, `copies` times each, moved, bent and thickened at random on a margin that makes
    them MNIST's 28x28, as photos of them on paper."""
    margin = (SIDE - handwriting.SCAN_SIDE) // 2
    images = np.stack([np.pad(np.asarray(s.image, np.float32), margin) for s in samples] * copies)
    moved = np.clip(distorted(images, rng, AugmentConfig()), 0.0, 1.0)  # (copies N, 28, 28)
    return stacked([imaged(handwriting.paper(image)) for image in moved])


def mnist_photos(images: np.ndarray) -> np.ndarray:
    """MNIST images as photos of them on paper, dark ink on white."""
    return stacked([imaged(handwriting.paper(image)) for image in as_float(images)])


def photos_of(samples, rng: np.random.Generator) -> np.ndarray:
    """Pen samples as photos of them on paper."""
    return stacked([photographed(s.strokes, rng) for s in samples if s.strokes is not None])


def made_up(rng: np.random.Generator, per_kind: int, make=None) -> dict[str, np.ndarray]:
    """Each kind of made-up non-digit, `per_kind` of it, made by `make` (strokes, rng) ->
    (mask, pixels) (default: drawn as they are)."""
    make = make or (lambda strokes, _: drawn(strokes))
    return {
        kind: stacked([make(d, rng) for d in non_digits.generate(kind, per_kind, rng)])
        for kind in non_digits.KINDS
    }


def letters_of(folder, split: str) -> list:
    return [
        s
        for s in handwriting.split(handwriting.load_letters(folder), split)
        if s.label not in handwriting.DIGIT_LIKE
    ]


def train(
    groups: dict[str, tuple[np.ndarray, int, float]],
    rng: np.random.Generator,
    members: int = MEMBERS,
    log=print,
) -> Check:
    """Fit `members` networks on named groups (inputs, class 0 digit / 1 not, share of the
    loss), each from its own seed, and average them."""
    x = np.concatenate([g[0] for g in groups.values()])  # (N, N_INPUTS)
    y = np.concatenate([np.full(len(g[0]), g[1]) for g in groups.values()])  # (N,)
    weight = np.concatenate([np.full(len(g[0]), g[2] / len(g[0])) for g in groups.values()])
    weight *= len(x) / weight.sum()  # (N,): each group's share of the loss, mean 1
    shapes = x[:, :N_FEATURES]
    mean, scale = shapes.mean(axis=0), shapes.std(axis=0) + 1e-3
    fitted = []
    for k, seed in enumerate(rng.spawn(members)):
        log(f"  network {k + 1} of {members}:")
        fitted.append(fit(initial(mean, scale, seed), (x, y, weight), seed, log))
    return averaged(fitted)


def initial(mean: np.ndarray, scale: np.ndarray, rng: np.random.Generator) -> Check:
    """A network of HIDDEN units with He-initialised weights and the inputs' standardisation."""
    return Check(
        W1=(rng.normal(0, 1, (N_INPUTS, HIDDEN)) * np.sqrt(2 / N_INPUTS)).astype(np.float32),
        b1=np.zeros(HIDDEN, np.float32),
        W2=(rng.normal(0, 1, (HIDDEN, 2)) * np.sqrt(2 / HIDDEN)).astype(np.float32),
        b2=np.zeros(2, np.float32),
        mean=mean,
        scale=scale,
        thresholds=dict.fromkeys(SOURCES, 0.5),
    )


def averaged(members: list[Check]) -> Check:
    """Networks sharing one standardisation -> one network whose logits are the mean of
    theirs: their hidden units side by side (len(members) H), each output weight and bias
    divided by their number."""
    first = members[0]
    return Check(
        W1=np.concatenate([m.W1 for m in members], axis=1),
        b1=np.concatenate([m.b1 for m in members]),
        W2=np.concatenate([m.W2 for m in members]) / np.float32(len(members)),
        b2=np.mean([m.b2 for m in members], axis=0).astype(np.float32),
        mean=first.mean,
        scale=first.scale,
        thresholds=dict(first.thresholds),
    )


def fit(
    check: Check, data: tuple[np.ndarray, np.ndarray, np.ndarray], rng: np.random.Generator, log
) -> Check:
    """Mini-batch Adam on the weighted cross-entropy of data (inputs (N, N_INPUTS), labels
    (N,), weights (N,)), EPOCHS times, in place; the check."""
    x, y, weight = data
    names = ("W1", "b1", "W2", "b2")
    moments = {n: (np.zeros_like(getattr(check, n)), np.zeros_like(getattr(check, n))) for n in names}
    step = 0
    for epoch in range(EPOCHS):
        order, total, start = rng.permutation(len(x)), 0.0, time.perf_counter()
        for i in range(0, len(x), BATCH):
            batch = order[i : i + BATCH]
            loss, grads = gradients(check, x[batch], y[batch], weight[batch])
            total += loss * len(batch)
            step += 1
            adam(check, grads, moments, step)
        log(
            f"    epoch {epoch + 1}/{EPOCHS}: loss {total / len(x):.4f} ({time.perf_counter() - start:.1f} s)"
        )
    return check


def gradients(check: Check, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, dict]:
    """Weighted cross-entropy of a batch (B, N_INPUTS) and its gradients, by backpropagation."""
    a0 = check.standardised(x)  # (B, D)
    hidden = np.maximum(a0 @ check.W1 + check.b1, 0.0)  # (B, H)
    p = check.probabilities(x)  # (B, 2)
    loss = float(-(w * np.log(p[np.arange(len(y)), y] + 1e-12)).mean())
    dz = p.copy()
    dz[np.arange(len(y)), y] -= 1
    dz *= (w / len(y))[:, None]  # (B, 2): d loss / d output logits
    dh = (dz @ check.W2.T) * (hidden > 0)  # (B, H)
    return loss, {
        "W2": hidden.T @ dz + WEIGHT_DECAY * check.W2,
        "b2": dz.sum(axis=0),
        "W1": a0.T @ dh + WEIGHT_DECAY * check.W1,
        "b1": dh.sum(axis=0),
    }


def adam(check: Check, grads: dict, moments: dict, step: int) -> None:
    """One Adam step (Kingma & Ba's defaults) on the check's weights, in place."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    for name, g in grads.items():
        m, v = moments[name]
        m[:] = b1 * m + (1 - b1) * g
        v[:] = b2 * v + (1 - b2) * g**2
        update = LEARNING_RATE * (m / (1 - b1**step)) / (np.sqrt(v / (1 - b2**step)) + eps)
        setattr(check, name, (getattr(check, name) - update).astype(np.float32))


def threshold_for(scores: np.ndarray, allowed: float = MAX_REJECTED) -> float:
    """The lowest "not a digit" probability (at least 0.5) that refuses at most `allowed`
    of these digits' scores, or one digit of a set too small to measure that share (fewer
    than 1 / allowed): else its single oddest digit sets the threshold for every collection."""
    k = max(int(np.floor(allowed * len(scores))), 1)  # how many may be refused
    top = np.sort(scores)[::-1]
    return float(max(np.nextafter(top[k], 1.0) if k < len(top) else 0.5, 0.5))


def threshold_for_each(check: Check, held: dict[str, np.ndarray]) -> float:
    """The lowest threshold that refuses at most MAX_REJECTED of each collection's held-out
    digits {collection: inputs}: the highest of their own thresholds."""
    return max(threshold_for(check.not_digit(x)) for x in held.values() if len(x))


def rejected(check: Check, x: np.ndarray, source: str = "strokes") -> float:
    return float(check.refused(x, source).mean()) if len(x) else float("nan")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m nn.training.train_not_digit", description=__doc__.splitlines()[0]
    )
    handwriting.add_flag(parser)
    mnist.add_flag(parser)
    parser.add_argument(
        "--output", default=str(CHECK_PATH), help="where to write the check (default %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-kind", type=int, default=PER_KIND, help="made-up drawings of each kind")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    folder = handwriting.find_folder(args.handwriting_dir)
    data = load_mnist(args.mnist_dir)
    chosen = rng.permutation(len(data.train_images))
    groups = {"mnist photos": (mnist_photos(data.train_images[chosen[:MNIST_PHOTOS]]), 0, 0.2)}
    for kind, x in made_up(rng, args.per_kind).items():
        groups[kind] = (x, 1, 0.5 / len(non_digits.KINDS))
    groups["varied signs"] = (
        stacked([varied(d, rng) for d in non_digits.generate("symbol", 2 * args.per_kind, rng)]),
        1,
        0.1,
    )
    groups["photos of non-digits"] = (
        np.concatenate(list(made_up(rng, args.per_kind // 3, photographed).values())),
        1,
        0.15,
    )
    mnist_held_out = mnist_photos(data.train_images[chosen[-MNIST_HELD_OUT:]])
    validation = {source: {"mnist": mnist_held_out} for source in SOURCES}  # source -> collection -> digits
    if folder is None:
        print(handwriting.not_found_message() + " and made-up drawings")
        groups["mnist photos"] = (groups["mnist photos"][0], 0, 1.0)
    else:
        digits = handwriting.load_digits(folder)
        train_side = handwriting.split(digits, "train")
        pen = [s for s in train_side if s.strokes is not None]
        groups["pen digits"] = (sample_inputs(pen, rng), 0, 0.45)
        groups["varied pen digits"] = (stacked([varied(s.strokes, rng) for s in pen]), 0, 0.15)
        groups["photos of pen digits"] = (photos_of(pen[::3], rng), 0, 0.1)
        scans = [s for s in train_side if s.strokes is None]
        groups["scanned digits"] = (sample_inputs(scans, rng), 0, 0.15)
        groups["distorted scans"] = (distorted_scans(scans, rng), 0, 0.1)
        groups["letters"] = (sample_inputs(letters_of(folder, "train"), rng), 1, 0.3)
        held_out = handwriting.split(digits, "validation")
        validation = held_out_digits(held_out, mnist_held_out, rng)
        unverified = sample_inputs([s for s in held_out if not s.checked], rng)
    for name, (x, label, share) in groups.items():
        print(f"  {name}: {len(x)} {'not digits' if label else 'digits'}, {share:.2f} of the loss")
    check = train(groups, rng)
    check.thresholds = {source: threshold_for_each(check, held) for source, held in validation.items()}
    figures = {
        f"{source} digits refused (validation, {name})": rejected(check, x, source)
        for source, held in validation.items()
        for name, x in held.items()
    }
    fresh = np.random.default_rng(args.seed + 1)
    figures |= {f"{kind} refused (fresh)": rejected(check, x) for kind, x in made_up(fresh, 500).items()}
    if folder is not None:
        figures["unverified real digits refused (validation)"] = rejected(check, unverified)
        figures["letters refused (validation writers)"] = rejected(
            check, sample_inputs(letters_of(folder, "validation"), rng, sizes=False)
        )
    meta = {
        "seed": args.seed,
        "epochs": EPOCHS,
        "members": MEMBERS,
        "handwriting": folder is not None,
        "counts": {n: len(g[0]) for n, g in groups.items()},
        "figures": figures,
    }
    save_model(args.output, check, meta)
    print(f"thresholds {check.thresholds}")
    print("\n".join(f"  {k}: {100 * v:.2f}%" for k, v in figures.items()))
    print(f"wrote {args.output}")
    return 0


def held_out_digits(held_out: list, mnist_held_out: np.ndarray, rng: np.random.Generator) -> dict:
    """The VALIDATION writers' digits each threshold is chosen on: {source: {collection: inputs}};
    for strokes, the verified pen digits; for photos, the scans, the pen digits as photos,
    and MNIST's held-out digits as photos."""
    strokes, photo = {}, {"mnist": mnist_held_out}
    for name in handwriting.FILES:
        part = [s for s in held_out if s.set == name and s.checked]
        if not part:
            continue
        if part[0].strokes is None:
            photo[name] = sample_inputs(part, rng)
        else:
            strokes[name] = sample_inputs(part, rng, sizes=False)
            photo[f"{name} photos"] = photos_of(part, rng)
    return {"strokes": strokes, "photo": photo}


if __name__ == "__main__":
    raise SystemExit(main())
