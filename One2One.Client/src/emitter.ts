// Typed events with on/off, for the SDK's classes. Listeners run synchronously, in the order they were added;
// one that throws does not keep the others from running (the error is reported, not rethrown). Subscriptions keeps
// the listeners an object adds to another's events, so its dispose() can take them all off again.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

export type EventMap<T> = { [K in keyof T]: Listener };

export class Emitter<Events extends EventMap<Events>> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  on<K extends keyof Events>(event: K, listener: Events[K]): void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): void {
    this.listeners.get(event)?.delete(listener);
  }

  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    // A copy: a listener may remove itself (or add others) while the event is delivered.
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`A listener of "${String(event)}" threw`, error);
      }
    }
  }
}

/** Something with typed events (a One2OneClient, a Softphone, a feature). */
export interface Subscribable<Events> {
  on<K extends keyof Events>(event: K, listener: Events[K]): void;
  off<K extends keyof Events>(event: K, listener: Events[K]): void;
}

/** The listeners one object adds to another's events, removed all at once when the first is disposed. */
export class Subscriptions<Events> {
  private readonly added: (() => void)[] = [];

  constructor(private readonly source: Subscribable<Events>) {}

  on<K extends keyof Events>(event: K, listener: Events[K]): void {
    this.source.on(event, listener);
    this.added.push(() => this.source.off(event, listener));
  }

  /** Removes every listener added so far. */
  dispose(): void {
    for (const remove of this.added.splice(0)) {
      remove();
    }
  }
}
