"""Every limit on what a request may hold, defined once: recognizer/parsing.py enforces
them, /api/openapi.json publishes them, and the settings read the body limit from here."""

from nn.preprocess import SIDE

MAX_REQUEST_BYTES = 8 * 1024 * 1024  # a whole body: a photo uploaded as multipart
MAX_JSON_BYTES = 512 * 1024  # a JSON body: strokes take a few KB, a photo as a data URL less than this
MAX_STROKES = 100  # pen strokes in one drawing
MAX_POINTS = 20_000  # points in all its strokes together
COORDINATE_RANGE = (-1.0, 2.0)  # units of the pad's side; a pen may leave the pad a little
PIXELS = SIDE * SIDE  # the network's input, MNIST's 28x28
MAX_DIGITS = 20  # digits (or marks that may be digits) read in one drawing: a long phone number fits
DIGITS = range(10)  # the labels a drawing can have
MAX_SHOWN = 40  # characters of a bad value quoted back in an error message
