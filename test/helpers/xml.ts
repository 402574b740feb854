/** An element of a parsed XML document (test-only parser). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITY = /^&(#\d+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);/;
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  let out = "";
  for (let i = 0; i < raw.length;) {
    const c = raw[i] as string;
    if (c === "<") throw new Error(`raw '<' in ${where}`);
    if (c === "&") {
      const m = ENTITY.exec(raw.slice(i));
      if (!m?.[1]) throw new Error(`bad entity in ${where}: ${raw.slice(i, i + 12)}`);
      const e = m[1];
      const cp = e.startsWith("#x") ? parseInt(e.slice(2), 16) : e.startsWith("#") ? parseInt(e.slice(1), 10) : -1;
      const ch = cp >= 0 ? String.fromCodePoint(cp) : (NAMED[e] as string);
      if (INVALID_CHAR.test(ch)) throw new Error(`reference to invalid char ${e} in ${where}`);
      out += ch;
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * A strict, tiny XML 1.0 well-formedness checker for the documents we generate (no DTD, CDATA or
 * comments): valid characters, balanced tags, quoted attributes, only predefined/numeric entities, one root.
 * Throws on the first problem; returns the root element.
 */
export function parseXml(doc: string): XmlElement {
  const bad = INVALID_CHAR.exec(doc);
  if (bad) throw new Error(`invalid XML character U+${(bad[0].codePointAt(0) ?? 0).toString(16)} at ${bad.index}`);
  let s = doc;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*/.exec(s);
  if (!decl) throw new Error("missing XML declaration");
  s = s.slice(decl[0].length);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (s.length) {
    const lt = s.indexOf("<");
    const text = lt < 0 ? s : s.slice(0, lt);
    const top = stack[stack.length - 1];
    if (text.trim()) {
      if (!top) throw new Error(`text outside root: ${text.slice(0, 20)}`);
      top.text += decode(text, `text of <${top.name}>`);
    }
    if (lt < 0) break;
    s = s.slice(lt);
    if (s.startsWith("</")) {
      const m = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(s);
      if (!m) throw new Error(`bad end tag: ${s.slice(0, 20)}`);
      const open = stack.pop();
      if (open?.name !== m[1]) throw new Error(`</${m[1]}> closes <${open?.name ?? "nothing"}>`);
      s = s.slice(m[0].length);
      continue;
    }
    s = s.slice(1);
    const nm = NAME.exec(s);
    if (!nm) throw new Error(`bad tag: <${s.slice(0, 20)}`);
    const el: XmlElement = { name: nm[0], attrs: {}, children: [], text: "" };
    s = s.slice(nm[0].length);
    for (;;) {
      const ws = /^\s*/.exec(s)?.[0] ?? "";
      s = s.slice(ws.length);
      if (s.startsWith("/>") || s.startsWith(">")) break;
      if (!ws) throw new Error(`missing space before attribute in <${el.name}>`);
      const a = /^([A-Za-z_][\w.:-]*)="([^"]*)"|^([A-Za-z_][\w.:-]*)='([^']*)'/.exec(s);
      if (!a) throw new Error(`bad attribute in <${el.name}>: ${s.slice(0, 30)}`);
      const key = (a[1] ?? a[3]) as string;
      if (key in el.attrs) throw new Error(`duplicate attribute ${key} in <${el.name}>`);
      el.attrs[key] = decode((a[2] ?? a[4]) as string, `attribute ${key} of <${el.name}>`);
      s = s.slice(a[0].length);
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) throw new Error("more than one root element");
    else root = el;
    if (s.startsWith("/>")) s = s.slice(2);
    else {
      s = s.slice(1);
      stack.push(el);
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.map((e) => e.name).join("> <")}>`);
  if (!root) throw new Error("no root element");
  return root;
}
