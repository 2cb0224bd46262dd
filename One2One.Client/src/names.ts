// People's names as the server compares them (One2One.Server/Calls/UserName.cs): what the page typed and what the server
// registered may be spelt differently and still be one person.

/** Whether two spellings name the same person: compatibility forms folded (NFKC), runs of spaces one space, any case. */
export function samePerson(a: string, b: string): boolean {
  return fold(a) === fold(b);
}

function fold(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/gu, " ").toUpperCase();
}

// Letters written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Adlam, Hanifi Rohingya, ...).
const rightToLeft = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Mende_Kikakui}\p{Script=Old_Hungarian}\p{Script=Imperial_Aramaic}\p{Script=Phoenician}]/u;

/**
 * A name as put into a sentence: one written right to left is isolated (U+2068 FIRST STRONG ISOLATE ... U+2069 POP
 * DIRECTIONAL ISOLATE), so it neither reorders the words around it ("אבי is calling you" would read backwards in a tab's
 * title, which takes its direction from its first letter) nor takes the sentence's punctuation into itself. Other names
 * are left as they are.
 */
export function inSentence(name: string): string {
  return rightToLeft.test(name) ? `\u2068${name}\u2069` : name;
}
