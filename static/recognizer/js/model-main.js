/** The model page: summary, real handwriting, confusion matrix, per-digit accuracy, learning curves, random digit. */

import { PredictApi } from "./api.js";
import { decodeBase64Bytes, digitCanvas } from "./digit-image.js";
import { lineChart } from "./model-charts.js";
import { renderConfusion, showMistakes } from "./model-confusion.js";
import { el } from "./dom.js";
import { percent, percentTick, plural } from "./format.js";
import { Latest } from "./latest.js";
import { niceTicks, stepDecimals } from "./model-ticks.js";

const report = JSON.parse(document.getElementById("model-report").textContent);
const root = document.querySelector(".model-page");
const api = new PredictApi(root.dataset.predictUrl, root.dataset.csrfToken);
const $ = (selector) => root.querySelector(selector);

const cores = (n) => (n ? ` on ${plural(n, "CPU core")}` : "");
const duration = (s) => (s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

function facts(dl, pairs) {
  for (const [term, value] of pairs) {
    if (value !== undefined && value !== null && value !== "") dl.append(el("dt", {}, term), el("dd", {}, String(value)));
  }
}

function summary() {
  const history = report.history || [];
  const clean = history.filter((e) => e.phase === "clean").length;
  const main = history.length - clean;
  const stopped = report.stopped_by === "threshold" ? "the loss dropping below the threshold" : "the maximum number of epochs";
  $('[data-field="accuracy"]').textContent = percent(report.test_accuracy, 2);
  const tested = (report.confusion || []).flat().reduce((a, b) => a + b, 0);
  $('[data-field="tested"]').textContent = tested ? `of the ${tested.toLocaleString("en")} MNIST test digits` : "of the MNIST test digits";
  facts($("[data-facts]"), [
    ["model", report.title],
    ["epochs run", `${history.length}${clean ? `, the last ${clean} on undistorted digits` : ""}`],
    ["kept", `epoch ${report.best_epoch}, the best on validation`],
    ["training time", report.train_seconds ? `${duration(report.train_seconds)}${cores(report.cpus)}` : ""],
    ["trained", report.created ? new Date(report.created).toLocaleString() : ""],
  ]);
  $('[data-field="stopping"]').textContent =
    `${main} epochs on ${report.config?.augment ? "freshly distorted" : "the"} training digits, ended by ${stopped} ` +
    `(threshold ${report.config?.threshold}, at most ${report.config?.max_epochs} epochs)` +
    (clean ? `, then ${clean} epochs on the undistorted digits.` : ".");
}

const SET_NAMES = {
  unipen: "UNIPEN pen digits",
  chars74k: "Chars74K pen digits",
  numberpad: "NumberPad finger digits",
  digilets: "DigiLeTs pen digits",
  crohme: "CROHME pen digits",
  semeion: "Semeion scans",
  usps: "USPS scans",
};

/** How many digits, by how many writers; a set that names no writers (USPS) counted apart. */
function realTested(h) {
  const n = (x) => x.toLocaleString("en");
  if (!h.unnamed) return `of ${n(h.count)} real people's digits, by ${n(h.writers)} writers it never trained on`;
  const named = `${n(h.count - h.unnamed)} by ${n(h.writers)} writers`;
  return `of ${n(h.count)} real people's digits it never trained on: ${named}, ${n(h.unnamed)} from a test set that names none`;
}

/** The test writers' figures beside MNIST's, when the model was measured on them. */
function real() {
  const h = report.handwriting;
  if (!h) return;
  for (const part of root.querySelectorAll("[data-real]")) part.hidden = false;
  $('[data-field="real-accuracy"]').textContent = percent(h.accuracy, 2);
  $('[data-field="real-tested"]').textContent = realTested(h);
  const weakest = h.per_digit.reduce((w, acc, d) => (acc !== null && acc < h.per_digit[w] ? d : w), 0);
  const t = report.calibration?.temperature;
  facts($("[data-real-facts]"), [
    ...Object.entries(h.per_set).map(([set, acc]) => [SET_NAMES[set] || set, percent(acc, 2)]),
    ["weakest digit", `${weakest}: ${percent(h.per_digit[weakest], 2)}`],
    ["answers ≥ 90% sure", `${h.sure.toLocaleString("en")}, of which ${h.sure_wrong} wrong`],
    ["calibration error", `${percent(h.ece, 2)} (expected calibration error)`],
    ["softmax temperature", t ? `${t.toFixed(2)}, fitted on held-out writers and MNIST digits` : ""],
  ]);
}

/** Whose answers the model learnt from beside the labels (nn/training/distill.py), and how much. */
function taughtBy(c) {
  if (!c.teacher) return "";
  const title = report.models.find((m) => m.name === c.teacher)?.title ?? c.teacher;
  return `the ${title.toLowerCase()}'s answers: ${percentTick(c.teacher_weight)} of each target, the label the rest`;
}

function config() {
  const c = report.config || {};
  const a = c.augment;
  const architecture = report.sizes
    ? `${report.sizes[0]} inputs → ${report.sizes[1]} ${report.hidden_activation} → ${report.sizes[2]} ${report.output}`
    : `${report.architecture} (${report.hidden_activation}, ${report.output} output)`;
  facts($("[data-config]"), [
    ["architecture", architecture],
    ["parameters", report.parameters.toLocaleString()],
    ["input", report.deskew ? "deskewed digits (slant removed by image moments)" : "digits as drawn"],
    ["loss", report.loss?.replace("_", " ")],
    ["optimiser", `SGD, momentum ${c.momentum}, batch ${c.batch_size}`],
    ["learning rate", `${c.learning_rate}, ×${c.lr_decay} per epoch`],
    ["weight decay", c.weight_decay ?? 0],
    ["validation", `${c.validation} training images held out`],
    ["undistorted epochs", c.clean_epochs ? `${c.clean_epochs}, from learning rate ${c.clean_learning_rate}` : ""],
    ["weight averaging", c.average ? `moving average, decay ${c.average}` : "off"],
    [
      "augmentation",
      a
        ? `rotate ±${a.rotation_deg}°, zoom ±${100 * a.scale}%, shear ±${a.shear}, shift ±${a.shift_px} px, ` +
          `elastic ${a.elastic_alpha} px, thickness ±${a.thickness}`
        : "none",
    ],
    ["dropout", c.dropout ? `${c.dropout} on the dense layer, in training` : ""],
    ["taught by", taughtBy(c)],
    [
      "pen direction",
      c.directions && report.handwriting && c.pen_variants
        ? `read beside the ink; ${percentTick(c.direction_dropout ?? 0)} of the pen drawings an epoch ` +
          `shown without it` +
          (c.direction_reversal ? `, ${percentTick(c.direction_reversal)} of the rest drawn backwards` : "")
        : "",
    ],
    [
      "real handwriting",
      report.handwriting && c.pen_variants
        ? `the training writers' digits too: each pen digit drawn ${c.pen_variants} ways (size, pen, ` +
          `points, jitter, slant), ${c.pen_weight} of them an epoch; scans ×${c.scan_weight}; ` +
          `crossed 7s, flagged 1s and curled 9s ×${c.style_weight ?? 0}`
        : "",
    ],
    ["seed", c.seed],
  ]);
}

/**
 * Per digit, a bar of the share of its test images read right, on a labelled scale that
 * starts at a round figure below the weakest digit (said in the note): from 0 every bar
 * would look full, and the digits differ by fractions of a point.
 */
function perClass() {
  const list = $("[data-per-class]");
  const counts = report.confusion.map((row, d) => ({ n: row.reduce((a, b) => a + b, 0), right: row[d] }));
  const accuracy = report.per_class_accuracy;
  const weakest = Math.min(...accuracy);
  const axis = niceTicks(weakest - (1 - weakest) / 4, 1, { count: 2, limit: 1 }); // room below the weakest bar
  const digits = stepDecimals(100 * axis.step);
  const at = (v) => `${(100 * (v - axis.lo)) / (axis.hi - axis.lo)}%`;
  $('[data-field="per-class-from"]').textContent = percentTick(axis.lo, digits);
  accuracy.forEach((acc, d) => {
    const fill = el("span", { className: "pc-fill" });
    fill.style.width = at(acc);
    const track = el("span", { className: "pc-track", "aria-hidden": "true" }, fill);
    const title = `${counts[d].right} of ${counts[d].n} test ${d}s read right`;
    list.append(el("li", { title }, el("span", { className: "pc-digit" }, String(d)), track,
      el("span", { className: "pc-value" }, percent(acc, 2))));  // prettier-ignore
  });
  const ticks = axis.values.map((v) => {
    const tick = el("span", {}, percentTick(v, digits)); // 98%, 99%, 100%
    tick.style.left = at(v);
    return tick;
  });
  const scale = el("span", { className: "pc-ticks" }, ...ticks);
  list.append(el("li", { className: "pc-scale", "aria-hidden": "true" }, el("span"), scale, el("span")));
}

/** The learning curves, drawn at the width they are shown at (so their text is the size the
 * style sheet says), and again whenever that width changes. */
function curves() {
  const history = report.history || [];
  if (!history.length) return;
  const charts = [
    [$('[data-chart="loss"]'), [{ name: "loss", values: history.map((e) => e.loss), className: "loss" }],
      { title: "training loss per epoch" }],
    [$('[data-chart="accuracy"]'), [
      { name: "training", values: history.map((e) => e.train_accuracy), className: "train" },
      { name: "validation", values: history.map((e) => e.val_accuracy), className: "val" },
    ], { percent: true, title: "training and validation accuracy per epoch" }],
  ];  // prettier-ignore
  for (const [box, series, options] of charts) {
    new ResizeObserver(() => {
      const width = Math.round(box.clientWidth);
      if (width && width !== Number(box.dataset.width)) {
        box.dataset.width = String(width);
        box.replaceChildren(lineChart(series, { ...options, width }));
      }
    }).observe(box);
  }
}

const asking = new Latest(); // the newest question; a slower earlier answer is dropped

function randomDigit() {
  const box = $("[data-random]");
  const sample = report.sample[Math.floor(Math.random() * report.sample.length)];
  const bytes = decodeBase64Bytes(sample.pixels);
  const text = el("p", {}, "Asking the network…");
  delete box.dataset.digit; // the attribute says "answered": not until this digit's answer is in
  box.replaceChildren(digitCanvas(bytes, { scale: 4, label: `MNIST test digit ${sample.index}` }), text);
  const request = () => api.predictPixels(Array.from(bytes, (v) => v / 255), report.name);
  asking.run(request, (answer) => {
    const verdict = answer.digit === sample.label ? "right" : "wrong";
    text.textContent =
      `Test digit #${sample.index}, labelled ${sample.label}. The network says ${answer.digit} ` +
      `(${percent(answer.probabilities[answer.digit])} sure): ${verdict}.`;
    box.dataset.digit = answer.digit;
  }, (error) => (text.textContent = error.message));  // prettier-ignore
}

summary();
real();
config();
perClass();
curves();
renderConfusion($("[data-confusion]"), report.confusion, (t, p) => showMistakes($("[data-mistakes]"), report.misclassified, t, p));
$('[data-action="random"]').addEventListener("click", randomDigit);
randomDigit(); // the card shows a digit from the start, not an empty space
