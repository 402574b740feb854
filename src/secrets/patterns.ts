/** What looks like a secret (`rules/data/secret-patterns.json`): pattern id → case-insensitive regular expression. */
export interface SecretPatterns {
  /** A name/value field whose name matches one of these holds a secret (unless its value is only a reference). */
  names: Record<string, string>;
  /** A value containing a match of one of these is, or holds, a secret; the match is what gets replaced. */
  values: Record<string, string>;
  /** Values that only reference a secret (Secrets Manager/SSM ARNs): a name match alone is then not a secret. */
  ignoreValues: string[];
}

/** Parses `rules/data/secret-patterns.json`; throws an Error naming the field on a bad shape or regular expression. */
export function parseSecretPatterns(json: unknown): SecretPatterns {
  const o = json as { names?: unknown; values?: unknown; ignoreValues?: unknown } | null;
  const compiles = (field: string, p: string) => {
    try {
      new RegExp(p, "i");
    } catch (e) {
      throw new Error(`secret-patterns.json: ${field}: ${(e as Error).message}`);
    }
  };
  const map = (v: unknown, field: string): Record<string, string> => {
    if (v === null || typeof v !== "object" || Array.isArray(v))
      throw new Error(`secret-patterns.json: ${field} must be an object of pattern id → regular expression`);
    for (const [id, p] of Object.entries(v)) {
      if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`secret-patterns.json: ${field}/${id}: ids are lower-case words and dashes`);
      if (typeof p !== "string") throw new Error(`secret-patterns.json: ${field}/${id} must be a string`);
      compiles(`${field}/${id}`, p);
    }
    return v as Record<string, string>;
  };
  const ignore = o?.ignoreValues ?? [];
  if (!Array.isArray(ignore) || ignore.some((x) => typeof x !== "string"))
    throw new Error("secret-patterns.json: ignoreValues must be an array of strings");
  (ignore as string[]).forEach((p, i) => compiles(`ignoreValues/${i}`, p));
  return { names: map(o?.names, "names"), values: map(o?.values, "values"), ignoreValues: ignore as string[] };
}

/** Which pattern made a value a secret: `name:<id>` (the field's name) or `value:<id>` (the value itself). */
export type SecretMatch = `name:${string}` | `value:${string}`;

/** The patterns compiled once, with the questions the redaction code asks. */
export class SecretMatcher {
  private readonly names: [string, RegExp][];
  private readonly values: [string, RegExp][];
  private readonly refs: RegExp[];
  /** Every value pattern in one expression: most strings are tested once and found clean. */
  private readonly anyValue: RegExp;

  constructor(patterns: SecretPatterns) {
    this.names = Object.entries(patterns.names).map(([id, p]) => [id, new RegExp(p, "i")]);
    this.values = Object.entries(patterns.values).map(([id, p]) => [id, new RegExp(p, "gi")]);
    this.refs = patterns.ignoreValues.map((p) => new RegExp(p, "i"));
    this.anyValue = new RegExp(
      Object.values(patterns.values)
        .map((p) => `(?:${p})`)
        .join("|") || "(?!)",
      "i",
    );
  }

  /** Why the value of the field `name` is a secret, or undefined. Empty values hold nothing and are not. */
  field(name: string, value: string): SecretMatch | undefined {
    if (value === "") return undefined;
    const byValue = this.valueMatch(value);
    if (byValue) return byValue;
    const byName = this.names.find(([, re]) => re.test(name));
    if (byName && !this.refs.some((re) => re.test(value))) return `name:${byName[0]}`;
    return undefined;
  }

  /** Whether the field `name` is secret by its name alone (values aside, e.g. an empty `dbPassword`). */
  secretName(name: string, value: string): boolean {
    return this.names.some(([, re]) => re.test(name)) && !this.refs.some((re) => re.test(value));
  }

  /** The first value pattern found in `text`, or undefined. */
  valueMatch(text: string): SecretMatch | undefined {
    if (!this.anyValue.test(text)) return undefined;
    const hit = this.values.find(([, re]) => {
      re.lastIndex = 0;
      return re.test(text);
    });
    return hit ? `value:${hit[0]}` : undefined;
  }

  /** Replaces every match of a value pattern in `text` with `replace(match)`; `text` itself when nothing matched. */
  replaceValues(text: string, replace: (match: SecretMatch, secret: string) => string): string {
    if (!this.anyValue.test(text)) return text;
    let out = text;
    for (const [id, re] of this.values) out = out.replace(re, (secret) => replace(`value:${id}`, secret));
    return out;
  }
}
