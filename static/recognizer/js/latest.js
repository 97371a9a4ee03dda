/**
 * Only the newest answer counts: each request gets a number, and an answer (or error) is
 * handed on only if no newer request has started since. While the newest one is on its
 * way, the given element (if any) carries aria-busy="true".
 */

export class Latest {
  constructor(busyElement = null) {
    this.busy = busyElement;
    this.id = 0;
  }

  /** Forget whatever is in flight (e.g. the drawing it was for is gone). */
  cancel() {
    this.id++;
    this.busy?.removeAttribute("aria-busy");
  }

  async run(request, onAnswer, onError) {
    const id = ++this.id;
    this.busy?.setAttribute("aria-busy", "true");
    try {
      const answer = await request();
      if (id === this.id) onAnswer(answer);
    } catch (error) {
      if (id === this.id) onError(error);
    } finally {
      if (id === this.id) this.busy?.removeAttribute("aria-busy");
    }
  }
}
