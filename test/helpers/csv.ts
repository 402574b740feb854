/**
 * A strict RFC 4180 reader for tests: CRLF record ends, quoted fields with doubled quotes, every record the
 * width of the header. Throws on anything else, so a test that parses a file also proves it is well formed.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      if (field !== "") throw new Error(`quote inside an unquoted field at ${i}`);
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== "," && text.slice(i, i + 2) !== "\r\n")
        throw new Error(`text after a closing quote at ${i}`);
    } else if (text[i] === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (text.slice(i, i + 2) === "\r\n") {
      record.push(field);
      records.push(record);
      field = "";
      record = [];
      i += 2;
    } else if (text[i] === "\r" || text[i] === "\n") {
      throw new Error(`bare line break in an unquoted field at ${i}`);
    } else field += text[i++];
  }
  if (field !== "" || record.length) throw new Error("the last record has no CRLF");
  const [header, ...rows] = records;
  if (!header) throw new Error("no header");
  return rows.map((r, n) => {
    if (r.length !== header.length) throw new Error(`record ${n + 1} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, k) => [h, r[k]!]));
  });
}
