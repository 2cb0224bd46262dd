// People's names as the server compares them (One2One.Server/Calls/UserName.cs): what the page typed and what the server
// registered may be spelt differently and still be one person.

/** Whether two spellings name the same person: compatibility forms folded (NFKC), runs of spaces one space, any case. */
export function samePerson(a: string, b: string): boolean {
  return fold(a) === fold(b);
}

function fold(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/gu, " ").toUpperCase();
}

// Letters written right to left, as the server counts them (One2One.Server/Contracts/PageText.cs): Hebrew to Arabic
// Extended-A, their presentation forms, and the right-to-left blocks beyond the Basic Multilingual Plane.
const rightToLeft = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

/**
 * A name as put into a sentence: one written right to left is isolated (U+2068 FIRST STRONG ISOLATE ... U+2069 POP
 * DIRECTIONAL ISOLATE), so it neither reorders the words around it ("אבי is calling you" would read backwards in a tab's
 * title, which takes its direction from its first letter) nor takes the sentence's punctuation into itself. Other names
 * are left as they are.
 */
export function inSentence(name: string): string {
  return rightToLeft.test(name) ? `\u2068${name}\u2069` : name;
}
