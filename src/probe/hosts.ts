import { InputError } from "../errors.js";

/**
 * Parses `--probe-hosts`: comma-separated host globs (`*` any run of characters, `?` one character), matched
 * case-insensitively against a URL's hostname (no port). An empty list is refused: it would allow nothing.
 */
export function parseProbeHosts(value: string): string[] {
  const globs = value
    .split(",")
    .map((g) => g.trim().toLowerCase())
    .filter(Boolean);
  if (!globs.length) throw new InputError(`--probe-hosts: give at least one host glob, got ${JSON.stringify(value)}`);
  for (const g of globs)
    if (!/^[a-z0-9.*?:[\]-]+$/.test(g)) throw new InputError(`--probe-hosts: ${JSON.stringify(g)} is not a host glob`);
  return globs;
}

/** Whether a hostname matches one of the globs (IPv6 brackets are ignored on both sides). */
export function hostAllowed(hostname: string, globs: readonly string[]): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return globs.some((g) => {
    const pattern = g.replace(/^\[(.*)\]$/, "$1");
    const re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    return re.test(h);
  });
}
