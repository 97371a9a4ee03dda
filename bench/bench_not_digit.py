"""How well the not-a-digit check (nn/networks/not_digit.py) tells non-digits from digits.

    python3 -m bench.bench_not_digit [--handwriting-dir FOLDER] [--mnist-dir FOLDER] [--count 1000] [--check FILE]

Prints: the thresholds (strokes; photos); the made-up non-digits refused, per kind,
drawn and as photos, and each sign drawn through the pen variations (a seed the training
never used), and all of them together; the letters by TEST writers refused (the
non-digit-like ones, and those the issue names); the real TEST writers' digits refused, per
collection, drawn at the typical size and at random sizes; MNIST's test digits as photos
refused; and the check's added time per request (median, on drawn digits: its features and
its network, the drawing itself not counted).

Then what the site does with such drawings sent as strokes, through its whole request path
(the segment scorer splits them, the shipped check judges each digit found, and a drawing
is refused only when it refuses them all, or when the scorer reads the whole as a mark):
the signs, as they are made (a seed of their own), and the TEST writers' pen letters.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from bench.common import arguments, setup_django
from nn.data import handwriting, non_digits
from nn.data.mnist import load_mnist
from nn.networks.model_file import load_check
from nn.networks.not_digit import CHECK_PATH, working
from nn.training.train_not_digit import drawn, imaged, mnist_photos, photographed, resized, stacked, varied

setup_django()

from recognizer import services  # noqa: E402
from recognizer.drawings import Strokes  # noqa: E402
from recognizer.errors import NotADigit  # noqa: E402

NAMED_LETTERS = set("xXAKMW")  # the letters the issue names


def refused(check, x: np.ndarray, source: str = "strokes") -> int:
    return int(check.refused(x, source).sum()) if len(x) else 0


def share(check, x: np.ndarray, source: str = "strokes") -> str:
    return counted(refused(check, x, source), len(x))


def counted(refused: int, total: int) -> str:
    return f"{100 * refused / max(total, 1):6.2f}%  ({refused} of {total})"


def made(samples, rng=None) -> np.ndarray:
    """Samples as requests make them; with `rng`, pen samples at a random size."""
    return stacked(
        [
            imaged(handwriting.paper(s.image))
            if s.strokes is None
            else drawn(s.strokes if rng is None else resized(s.strokes, rng))
            for s in samples
        ]
    )


def real_share(check, samples, rng=None) -> str:
    """Digits refused, each by its source's threshold: pen samples as strokes, scans as photos."""
    pen = made([s for s in samples if s.strokes is not None], rng)
    scans = made([s for s in samples if s.strokes is None])
    return counted(refused(check, pen) + refused(check, scans, "photo"), len(samples))


def refused_on_the_site(drawings: list) -> str:
    """Drawings (lists of strokes) sent as the page sends them, through services.predict."""
    count = 0
    for strokes in drawings:
        try:
            services.predict(Strokes([np.asarray(s).tolist() for s in strokes]))
        except NotADigit:
            count += 1
    return counted(count, len(drawings))


def on_the_site(letters: list, count: int) -> None:
    """The signs, `count` of each, and the pen letters through the site's request path."""
    print("through the site's request path (segment scorer, then the check), refused:")
    rng = np.random.default_rng(20_261_207)  # not a training seed
    signs = []
    for name in non_digits.SYMBOLS:
        made_up = [non_digits.symbol(rng, name) for _ in range(count)]
        print(f"  {name:<10}{refused_on_the_site(made_up)}")
        signs += made_up
    print(f"  all signs {refused_on_the_site(signs)}")
    print(
        f"  the test writers' pen letters {refused_on_the_site([s.strokes for s in letters if s.strokes is not None])}"
    )


def latency(check, samples, count: int = 300) -> float:
    """Median seconds the check adds to one drawn request of a digit the size the pad is
    written at (which shares its working image with the network's)."""
    seconds = []
    for s in [s for s in samples if s.strokes is not None][:count]:
        mask, pixels = drawn(s.strokes)
        work = working(mask)
        start = time.perf_counter()
        check.refuses(work, pixels, "strokes")
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds))


def main() -> int:
    parser = arguments(__doc__, mnist=True, real=True)
    parser.add_argument("--count", type=int, default=1000, help="made-up drawings of each kind")
    parser.add_argument("--check", default=str(CHECK_PATH), help="the check's file (default %(default)s)")
    args = parser.parse_args()
    check = load_check(args.check)
    print(
        f"not-a-digit check: thresholds {check.thresholds} (trained with real handwriting: {check.meta.get('handwriting')})"
    )
    rng = np.random.default_rng(20_240_601)  # not a training seed
    print("made-up non-digits refused (drawn | as photos):")
    refusals, total = 0, 0
    for kind in non_digits.KINDS:
        drawings = non_digits.generate(kind, args.count, rng)
        x, photos = stacked([drawn(d) for d in drawings]), stacked([photographed(d, rng) for d in drawings])
        print(f"  {kind:<10}{share(check, x)} | {share(check, photos, 'photo')}")
        refusals += refused(check, x) + refused(check, photos, "photo")
        total += len(x) + len(photos)
    print("signs drawn through the pen variations, refused:")
    for name in non_digits.SYMBOLS:
        x = stacked([varied(non_digits.symbol(rng, name), rng) for _ in range(args.count // 5)])
        print(f"  {name:<10}{share(check, x)}")
        refusals, total = refusals + refused(check, x), total + len(x)
    print(f"all made-up non-digits and signs refused: {counted(refusals, total)}")
    mnist = load_mnist(args.mnist_dir)
    print(f"MNIST test digits refused (as photos): {share(check, mnist_photos(mnist.test_images), 'photo')}")
    folder = handwriting.find_folder(args.handwriting_dir)
    if folder is None:
        print(handwriting.not_found_message())
        return 0
    letters = handwriting.split(handwriting.load_letters(folder), "test")
    letters = [s for s in letters if s.label not in handwriting.DIGIT_LIKE]
    print(f"letters by test writers refused: {share(check, made(letters))}")
    for name in sorted({s.set for s in letters}):
        print(f"  {name:<18}{share(check, made([s for s in letters if s.set == name]))}")
    named = [s for s in letters if s.label in NAMED_LETTERS]
    print(f"  of them x, X, A, K, M, W: {share(check, made(named))}")
    digits = handwriting.split(handwriting.load_digits(folder), "test")
    print("real digits by test writers refused (pen digits at the typical size | at a random size):")
    sized = np.random.default_rng(7)
    groups = {name: [s for s in digits if s.set == name] for name in sorted({s.set for s in digits})}
    groups |= {
        "verified": [s for s in digits if s.checked],
        "unverified": [s for s in digits if not s.checked],
    }
    for name, samples in [*groups.items(), ("all", digits)]:
        print(f"  {name:<10}{real_share(check, samples)} | {real_share(check, samples, sized)}")
    print(f"added time per drawn request (median): {1000 * latency(check, digits):.2f} ms")
    on_the_site(letters, args.count // 10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
