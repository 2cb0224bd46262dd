import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inSentence } from "../../src/names.js";
import { reasonText } from "../../src/reasons.js";
import { describe as describeState } from "../../src/state.js";

const isolated = (name: string): string => `\u2068${name}\u2069`;

describe("names in sentences", () => {
  it("isolates a name written right to left, so it neither reorders the sentence nor takes its punctuation", () => {
    for (const name of ["אבי", "علي", "ܐܒܐ", "Avi אבי", "2 אבי"]) {
      assert.equal(inSentence(name), isolated(name), name);
    }
  });

  it("leaves other names as they are", () => {
    for (const name of ["bob", "Zoë", "Ζωή", "Анна", "山田", "O'Brien 2", ""]) {
      assert.equal(inSentence(name), name, name);
    }
  });

  it("the page's words isolate the names in them: the state, the tab's title, an outcome", () => {
    assert.equal(describeState({ state: "incoming", user: "bob", peer: "אבי" }), `${isolated("אבי")} is calling you`);
    assert.equal(describeState({ state: "registered", user: "علي", peer: null }), `Registered as ${isolated("علي")}`);
    assert.equal(describeState({ state: "in-call", user: "bob", peer: "alice" }), "In call with alice");
    assert.equal(reasonText("busy", "אבי"), `${isolated("אבי")} is busy.`);
    assert.equal(reasonText("busy", null), "The other person is busy.");
  });
});
