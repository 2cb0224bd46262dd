// People's names as the server compares them (One2One.Server/Calls/UserName.cs): what the page typed and what the server
// registered may be spelt differently and still be one person.

/** Whether two spellings name the same person: compatibility forms folded (NFKC), runs of spaces one space, any case. */
export function samePerson(a: string, b: string): boolean {
  return fold(a) === fold(b);
}

function fold(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/gu, " ").toUpperCase();
}
