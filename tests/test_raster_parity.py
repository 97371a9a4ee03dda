"""The server draws strokes as the page does: the page's own drawing code in a real Chromium
and nn/ink/raster.py ink the same pixels, so what the network reads is what the person saw."""

import numpy as np
import pytest

from nn.ink import raster
from tests.helpers import ONE, ZERO

pytestmark = pytest.mark.browser

SEVEN = [[[0.22, 0.2], [0.5, 0.19], [0.78, 0.2], [0.62, 0.45], [0.45, 0.85]], [[0.35, 0.5], [0.7, 0.5]]]
SCRIBBLE = [
    np.stack([0.5 + 0.3 * np.sin(3 * t), 0.5 + 0.3 * np.cos(5 * t)], 1).tolist()
    for t in [np.linspace(0, 6, 90)]
]
DRAWINGS = {"seven": SEVEN, "one": ONE, "zero": ZERO, "scribble": SCRIBBLE, "tap": [[[0.4, 0.6]]]}

CANVAS = """async ({strokes, low, scale, width, height, penWidth}) => {
  const {drawStrokes} = await import('/static/recognizer/js/strokes.js');
  const canvas = document.createElement('canvas');
  canvas.width = width; canvas.height = height;
  const ctx = canvas.getContext('2d');
  ctx.translate(-low[0] * scale, -low[1] * scale);  // the ink's corner at the canvas's
  drawStrokes(ctx, strokes, {size: scale, colour: '#000', penWidth});
  const alpha = ctx.getImageData(0, 0, width, height).data.filter((_, i) => i % 4 === 3);
  return Array.from(alpha);
}"""


@pytest.mark.parametrize("name", DRAWINGS)
def test_the_page_and_the_server_ink_the_same_pixels(page, name):
    strokes = DRAWINGS[name]
    ink = raster.draw(strokes)  # (H, W) at the working size
    low, scale, shape = raster.extent_frame(raster.traced(strokes), raster.PEN_WIDTH, max(ink.shape))
    assert shape == ink.shape
    alpha = page.evaluate(
        CANVAS,
        {"strokes": strokes, "low": low.tolist(), "scale": scale, "width": ink.shape[1],
         "height": ink.shape[0], "penWidth": raster.PEN_WIDTH},
    )  # fmt: skip
    canvas = np.reshape(alpha, ink.shape) >= 128  # more than half covered: ink, as preprocessing decides
    differ = np.count_nonzero(canvas != ink)
    # Edge pixels alone may fall either side of half covered: 0-1.3% of the ink, measured.
    assert differ <= 0.02 * np.count_nonzero(ink), f"{differ} of {np.count_nonzero(ink)} ink pixels differ"
