"""Every limit on what a request may hold, and every budget of the work it may cause,
defined once: recognizer/parsing.py, drawings.py, imaging.py and image_structure.py enforce
them, /api/openapi.json publishes them, and the settings read the body limit from here. The
limits nn/ enforces itself (it never imports the site) are defined there and imported here."""

from nn.ink.pieces import MAX_PIECES  # noqa: F401 - pieces of ink read in one drawing: nn enforces it
from nn.ink.preprocess import SIDE

MAX_REQUEST_BYTES = 8 * 1024 * 1024  # a whole body: a photo uploaded as multipart
MAX_JSON_BYTES = 512 * 1024  # a JSON body: strokes take a few KB, a photo as a data URL less than this
MAX_STROKES = 100  # pen strokes in one drawing
MAX_POINTS = 20_000  # points in all its strokes together
# What drawing the strokes may take (nn.ink.raster.ink): the pen's path length times its width,
# in squares of the ink's longer side, summed over the strokes, each at its own size (this
# bounds sketching their pieces for segmentation), and again over the digits found, each
# drawn at its own size. A digit takes about 0.2 (the most of 35,000 real ones: 1.24; stroke
# by stroke 2.9), a number of 20 digits 4 to 10; a zigzag of 8,000 points over one small
# spot 1,350. It bounds the rasteriser's time.
MAX_INK = 24.0
MAX_ASPECT = 2.0  # the widest pad's width, in its heights: x runs from 0 to this
# A point's coordinates, in units of the pad's height: a pen may leave the pad a little
COORDINATE_RANGE = (-1.0, MAX_ASPECT)
PIXELS = SIDE * SIDE  # the network's input, MNIST's 28x28
MAX_DIGITS = 20  # digits (or marks that may be digits) read in one drawing: a long phone number fits
DIGITS = range(10)  # the labels a drawing can have
MAX_SHOWN = 40  # characters of a bad value quoted back in an error message
MAX_MODEL_NAME = 64  # characters of a model's name (a file name in the models folder)

# Images: what decoding one may cost, checked from its header and its parts' headers.
MAX_SIDE = 10_000  # pixels, either side
MAX_JPEG_PIXELS = 40_000_000  # a baseline JPEG: a 40-megapixel photo, decoded at 1/8 scale
MAX_DECODED_BYTES = 32 * 1024 * 1024  # what decoding any other image may cost in memory
MAX_PNG_CHUNKS = 4096  # an 8 MiB PNG in libpng's 8 KiB data chunks has about 1,000
MAX_JPEG_SEGMENTS = 256  # a JPEG's markers: a camera's has a few dozen
# Scans times pixels: each scan of a progressive JPEG costs a pass over the whole image
# (0.8 ms a megapixel). libjpeg writes 10 scans; this allows 22 at the most pixels a
# progressive JPEG may have (5.6 megapixels) and 128 at one megapixel: 100 ms at most.
MAX_JPEG_SCAN_PIXELS = 128_000_000
