// A "not a digit" verdict waits while the pen may come back (static/recognizer/js/patience.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { PAUSE_MS, Patience } from "../../static/recognizer/js/patience.js";

/** A clock and timers the test moves by hand. */
function fakeTime() {
  const clock = { now: 0, timers: new Map(), next: 1 };
  clock.setTimeout = (fn, ms) => {
    clock.timers.set(clock.next, { fn, at: clock.now + ms });
    return clock.next++;
  };
  clock.clearTimeout = (id) => clock.timers.delete(id);
  clock.advance = (ms) => {
    clock.now += ms;
    for (const [id, { fn, at }] of [...clock.timers]) {
      if (at <= clock.now) {
        clock.timers.delete(id);
        fn();
      }
    }
  };
  return clock;
}

function setUp() {
  const clock = fakeTime();
  const patience = new Patience({ now: () => clock.now, timers: clock });
  const said = [];
  const verdict = () => patience.verdict(() => said.push("quiet"), () => said.push("loud"));
  return { clock, patience, said, verdict };
}

test("a verdict right after a stroke is quiet, and loud once the pen has stayed up", () => {
  const { clock, patience, said, verdict } = setUp();
  patience.strokeStarted();
  patience.strokeEnded();
  clock.advance(30); // the answer comes
  verdict();
  assert.deepEqual(said, ["quiet"]);
  clock.advance(PAUSE_MS - 31);
  assert.deepEqual(said, ["quiet"]);
  clock.advance(1);
  assert.deepEqual(said, ["quiet", "loud"]);
});

test("the pen coming back withdraws the loud verdict: the second stroke of a four", () => {
  const { clock, patience, said, verdict } = setUp();
  patience.strokeStarted();
  patience.strokeEnded();
  clock.advance(30);
  verdict();
  clock.advance(300);
  patience.strokeStarted();
  clock.advance(5 * PAUSE_MS);
  assert.deepEqual(said, ["quiet"]);
});

test("an answer arriving while a stroke is being drawn stays quiet", () => {
  const { clock, patience, said, verdict } = setUp();
  patience.strokeStarted();
  patience.strokeEnded();
  clock.advance(100);
  patience.strokeStarted();
  verdict();
  clock.advance(5 * PAUSE_MS);
  assert.deepEqual(said, ["quiet"]);
});

test("an answer after the pause is loud at once", () => {
  const { clock, patience, said, verdict } = setUp();
  patience.strokeStarted();
  patience.strokeEnded();
  clock.advance(PAUSE_MS + 1);
  verdict();
  assert.deepEqual(said, ["loud"]);
});

test("cancel drops a verdict still waiting", () => {
  const { clock, patience, said, verdict } = setUp();
  patience.strokeStarted();
  patience.strokeEnded();
  verdict();
  patience.cancel();
  clock.advance(5 * PAUSE_MS);
  assert.deepEqual(said, ["quiet"]);
});
