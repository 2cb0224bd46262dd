import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Emitter } from "../../src/emitter.js";

interface Events {
  ping(n: number): void;
}

describe("typed events", () => {
  it("on adds, off removes, and a throwing listener does not stop the others", () => {
    const emitter = new Emitter<Events>();
    const seen: number[] = [];
    const first = (n: number) => seen.push(n);
    emitter.on("ping", () => {
      throw new Error("listener fault");
    });
    emitter.on("ping", first);
    const originalError = console.error;
    console.error = () => undefined;
    try {
      emitter.emit("ping", 1);
      emitter.off("ping", first);
      emitter.emit("ping", 2);
    } finally {
      console.error = originalError;
    }
    assert.deepEqual(seen, [1]);
  });
});
