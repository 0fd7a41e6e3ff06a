// A small typed event emitter for paper instances. Unlike node's EventEmitter, an 'error' with no
// listener is not thrown, and a listener that throws is cut off from the emitter rather than from
// the instance: a broken dashboard stream must never stop a running strategy or crash the process.
export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners: { [K in keyof Events]?: Array<(value: Events[K]) => void> } = {};

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, fn: (value: Events[K]) => void): () => void {
    (this.listeners[event] ??= []).push(fn);
    return () => this.off(event, fn);
  }

  off<K extends keyof Events>(event: K, fn: (value: Events[K]) => void): void {
    const list = this.listeners[event];
    if (!list) return;
    const i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
  }

  has(event: keyof Events): boolean {
    return (this.listeners[event]?.length ?? 0) > 0;
  }

  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const list = this.listeners[event];
    if (!list) return;
    for (const fn of [...list]) {
      try {
        fn(value);
      } catch {
        this.off(event, fn);
      }
    }
  }
}
