/**
 * A "not a digit" verdict on a drawing waits while the pen is likely to come back: a four,
 * a five or a seven written in two strokes is no digit after its first one. The verdict
 * shows quietly at once and loudly only once the pen has stayed up for PAUSE_MS after the
 * last stroke (at once if that has passed already); a new stroke withdraws it. No DOM:
 * the clock and the timers are given, so node --test runs it as it is.
 */

export const PAUSE_MS = 1200; // longer than the pen-up time between the strokes of one digit

export class Patience {
  constructor({ pause = PAUSE_MS, now = () => performance.now(), timers = globalThis } = {}) {
    this.pause = pause;
    this.now = now;
    this.timers = timers;
    this.penDown = false;
    this.lastUp = -Infinity;
    this.timer = null;
  }

  /** The pen went down: a verdict still waiting is for a drawing being added to. */
  strokeStarted() {
    this.penDown = true;
    this.cancel();
  }

  strokeEnded() {
    this.penDown = false;
    this.lastUp = this.now();
  }

  /** A "not a digit" answer came: call quiet() now, and loud() once the pause is over. */
  verdict(quiet, loud) {
    this.cancel();
    const wait = this.lastUp + this.pause - this.now();
    if (!this.penDown && wait <= 0) return loud();
    quiet();
    if (!this.penDown) this.timer = this.timers.setTimeout(loud, wait);
  }

  /** Drop a verdict still waiting (a newer answer, the drawing cleared). */
  cancel() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
