/**
 * Where everything sits in the network diagram, with no DOM: the 28x28 input grid, the grid
 * of hidden neurons and the ten outputs, left to right on a wide canvas or top to bottom on
 * a tall one; plus hit testing and arrow-key moves between neurons. An item is
 * {kind: "hidden" | "out", index}.
 */

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const zip = (names, points) => names.map((name, k) => [name, ...points[k]]);

/** The geometry of a width x height (CSS pixels) diagram of a nIn-nHidden-nOut network. */
export function computeLayout(width, height, sizes) {
  const [nIn, nHidden, nOut] = sizes;
  const side = Math.round(Math.sqrt(nIn));
  const wide = width >= height;
  const L = (wide ? wideLayout : tallLayout)(width, height, sizes);
  return { ...L, width, height, side, nHidden, nOut, wide };
}

/** The names of the three layers, with their sizes. */
const layerNames = ([nIn, nHidden, nOut]) => [`${nIn} inputs`, `${nHidden} hidden`, `${nOut} outputs`];

function wideLayout(width, height, sizes) {
  const [, nHidden, nOut] = sizes;
  const pad = 12;
  const top = pad + 22; // room for the layer names
  const avail = height - top - pad;
  const cols = 10;
  const rows = Math.ceil(nHidden / cols);
  const cell = Math.min(avail / rows, (width * 0.3) / cols);
  const spacing = avail / nOut;
  const r = clamp(spacing * 0.36, 7, 15);
  const barW = clamp(width * 0.09, 36, 80);
  const outW = 2 * r + 8 + barW + 40;
  const inSide = Math.min(avail, width * 0.3);
  const free = Math.max(0, width - 2 * pad - inSide - cols * cell - outW);
  const inputs = { x: pad, y: top + (avail - inSide) / 2, size: inSide };
  const hidden = { x: pad + inSide + free * 0.55, y: top + (avail - rows * cell) / 2, cols, rows, cell };
  const outX = hidden.x + cols * cell + free * 0.45 + r;
  const outputs = Array.from({ length: nOut }, (_, d) => ({ x: outX, y: top + spacing * (d + 0.5) }));
  return {
    inputs,
    hidden,
    outputs,
    r,
    bar: { dx: r + 8, width: barW, height: Math.min(10, spacing * 0.35) },
    outputBox: { x: outX - r, y: top, w: outW, h: avail },
    labels: zip(layerNames(sizes), [
      [inputs.x + inSide / 2, pad + 12],
      [hidden.x + (cols * cell) / 2, pad + 12],
      [outX + outW / 2 - r, pad + 12],
    ]),
  };
}

function tallLayout(width, height, sizes) {
  const [, nHidden, nOut] = sizes;
  const pad = 10;
  const label = 20;
  const cols = 25;
  const rows = Math.ceil(nHidden / cols);
  const inSide = Math.min(width * 0.42, height * 0.26);
  const cell = Math.min((width - 2 * pad) / cols, (height * 0.3) / rows);
  const spacing = (width - 2 * pad) / nOut;
  const r = clamp(spacing * 0.36, 7, 15);
  const outH = 2 * r + 18;
  const used = 3 * label + inSide + rows * cell + outH;
  const gap = Math.max(0, (height - 2 * pad - used) / 2);
  let y = pad + label;
  const inputs = { x: (width - inSide) / 2, y, size: inSide };
  y += inSide + gap + label;
  const hidden = { x: (width - cols * cell) / 2, y, cols, rows, cell };
  y += rows * cell + gap + label;
  const outY = y + r;
  const outputs = Array.from({ length: nOut }, (_, d) => ({ x: pad + spacing * (d + 0.5), y: outY }));
  return {
    inputs,
    hidden,
    outputs,
    r,
    bar: null,
    outputBox: { x: pad, y: y - 4, w: width - 2 * pad, h: outH + 4 },
    labels: zip(layerNames(sizes), [
      [width / 2, inputs.y - 6],
      [width / 2, hidden.y - 6],
      [width / 2, y - 6],
    ]),
  };
}

/** The centre of input pixel i. */
export function inputCentre(L, i) {
  const cell = L.inputs.size / L.side;
  return [L.inputs.x + ((i % L.side) + 0.5) * cell, L.inputs.y + (Math.floor(i / L.side) + 0.5) * cell];
}

/** The centre of hidden neuron j. */
export function hiddenCentre(L, j) {
  const { x, y, cols, cell } = L.hidden;
  return [x + ((j % cols) + 0.5) * cell, y + (Math.floor(j / cols) + 0.5) * cell];
}

/** The centre of output d. */
export function outputCentre(L, d) {
  return [L.outputs[d].x, L.outputs[d].y];
}

export function itemCentre(L, item) {
  return item.kind === "hidden" ? hiddenCentre(L, item.index) : outputCentre(L, item.index);
}

/** Of every neuron of the diagram (hidden first, then outputs), the one with the lowest
 * finite score(item, centre), or `none`. */
function best(L, score, none) {
  let found = none;
  let lowest = Infinity;
  for (const kind of ["hidden", "out"]) {
    for (let index = 0; index < (kind === "hidden" ? L.nHidden : L.nOut); index++) {
      const item = { kind, index };
      const s = score(item, itemCentre(L, item));
      if (s < lowest) [found, lowest] = [item, s];
    }
  }
  return found;
}

/**
 * The item under the point (px, py), or null. `slop` widens the targets for fingers: the
 * nearest neuron within that many pixels wins.
 */
export function hitTest(L, px, py, slop = 0) {
  return best(L, ({ kind }, [cx, cy]) => {
    let distance = Math.hypot(px - cx, py - cy);
    if (kind === "hidden") return distance <= Math.max(L.hidden.cell * 0.55, slop) ? distance : Infinity;
    // On a wide diagram the probability bar to the right of a digit selects it too.
    if (L.bar && Math.abs(py - cy) <= L.r && px >= cx && px <= cx + L.bar.dx + L.bar.width + 40) distance = 0;
    return distance <= Math.max(L.r * 1.2, slop) ? distance : Infinity;
  }, null);  // prettier-ignore
}

/** The nearest item from `item` in the direction (dx, dy), or `item` itself at an edge. */
export function neighbour(L, item, dx, dy) {
  const [x0, y0] = itemCentre(L, item);
  return best(L, (_, [x, y]) => {
    const along = (x - x0) * dx + (y - y0) * dy;
    const across = Math.abs((x - x0) * dy - (y - y0) * dx);
    return along < 1 ? Infinity : along + 2 * across;
  }, item);  // prettier-ignore
}

export const sameItem = (a, b) => a === b || (a && b && a.kind === b.kind && a.index === b.index);
