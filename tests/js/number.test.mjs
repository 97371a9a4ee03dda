import assert from "node:assert/strict";
import { test } from "node:test";

import { chosenDigit, digitAnswer, digitSample, digitsOf, isNumber, labelledNumber, numberHeadline, numberOf, ordinal } from "../../static/recognizer/js/number.js";

const digit = (d, p = 0.9) => ({ digit: d, probabilities: Array.from({ length: 10 }, (_, i) => (i === d ? p : (1 - p) / 9)), input: [d] });
const number = { ...digit(2), model: "cnn", number: "207", digits: [digit(2), digit(0, 0.6), digit(7)] };
const lone = { ...digit(4), model: "mlp", number: "4", digits: [digit(4)] };

test("an answer's digits are its digits list, or itself before numbers were read", () => {
  assert.equal(digitsOf(number).length, 3);
  const old = { ...digit(5), model: "mlp" };
  assert.deepEqual(digitsOf(old), [old]);
  assert.equal(isNumber(old), false);
  assert.equal(isNumber(lone), false);
  assert.equal(isNumber(number), true);
});

test("the number reads left to right, from the answer's number or its digits", () => {
  assert.equal(numberOf(number), "207");
  assert.equal(numberOf({ ...number, number: undefined }), "207");
  assert.equal(numberOf({ ...digit(5), model: "mlp" }), "5");
});

test("a number the person corrected reads with the digits they said", () => {
  assert.equal(labelledNumber(number, new Map()), "207");
  assert.equal(labelledNumber(number, new Map([[1, 8]])), "287");
  assert.equal(labelledNumber(number, new Map([[0, 2], [2, 1]])), "201");
});

test("one digit of a number is an answer of its own, with the whole answer's model", () => {
  const zero = digitAnswer(number, 1);
  assert.equal(zero.digit, 0);
  assert.deepEqual(zero.input, [0]);
  assert.equal(zero.model, "cnn");
  assert.equal(digitAnswer(number, 9).digit, 2); // past the end: the first
});

test("labelling a lone digit sends the sample as before; a digit of a number says which", () => {
  const sample = { strokes: [[[0.1, 0.2]]] };
  assert.equal(digitSample(sample, lone, 0), sample);
  assert.deepEqual(digitSample(sample, number, 2), { strokes: sample.strokes, digit: 2 });
});

test("the network page's ?digit= picks a digit, anything else the first", () => {
  assert.equal(chosenDigit("?digit=3"), 3);
  assert.equal(chosenDigit(""), 0);
  assert.equal(chosenDigit("?digit=-1"), 0);
  assert.equal(chosenDigit("?digit=x"), 0);
});

test("ordinals say which digit is shown", () => {
  assert.deepEqual([1, 2, 3, 4, 10, 11, 12, 13, 21].map(ordinal), ["1st", "2nd", "3rd", "4th", "10th", "11th", "12th", "13th", "21st"]);
});

test("a number's headline is as sure as its least sure digit, and a digit the person labelled is sure", () => {
  const [sure, unsureBelow] = [0.9, 0.6];
  const clear = { ...number, digits: [digit(2, 0.99), digit(0, 0.95), digit(7, 0.97)] };
  assert.equal(numberHeadline(clear, new Map(), sure, unsureBelow), "It's 207");
  assert.equal(numberHeadline(number, new Map(), sure, unsureBelow), "Probably 207"); // its 0 is 60% sure
  const doubtful = { ...number, digits: [digit(2, 0.99), digit(0, 0.4), digit(7, 0.97)] };
  assert.equal(numberHeadline(doubtful, new Map(), sure, unsureBelow), "Not sure: maybe 207?");
  assert.equal(numberHeadline(doubtful, new Map([[0, 2]]), sure, unsureBelow), "Not sure: maybe 207?");
  assert.equal(numberHeadline(number, new Map([[1, 8]]), sure, unsureBelow), "It's 287"); // the 2 and 7 at 90%
});
