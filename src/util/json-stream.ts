import { createReadStream } from "node:fs";
import { Tokenizer, TokenizerError, TokenParser, TokenParserError, TokenType, type ParsedTokenInfo } from "@streamparser/json";

// Reads a JSON document whose top level is an object, of any size, without ever holding its text: findings files
// and inventories grow past what one JavaScript string can hold (about 512 MB). The tokenizer and the value
// assembly are @streamparser/json's; this module only routes the top-level members, so that the large arrays are
// delivered element by element (validated and kept, or reduced, one at a time) and everything else whole.

/** How readJsonStream treats each top-level member. */
export interface JsonStreamHandlers {
  /** Members that are arrays delivered element by element, keyed by member name (a non-array value comes whole). */
  elements?: Record<string, (value: unknown, index: number) => void>;
  /** Called when one of the `elements` arrays starts (so an empty one is noticed too). */
  arrayStart?: (key: string) => void;
  /** Members skipped without being assembled. */
  skip?: (key: string) => boolean;
  /** Every other member, whole, in file order. */
  member?: (key: string, value: unknown) => void;
}

/** Thrown by a handler to stop reading: readJsonStream then resolves (the rest of the file is not read). */
export class StopReading extends Error {
  constructor() {
    super("stop reading");
    this.name = "StopReading";
  }
}

/** Not valid JSON (or not an object at the top): where, and whether the text simply ended too early. */
export class JsonStreamError extends Error {
  constructor(
    readonly detail: string,
    /** Byte offset of the last token read before the problem. */
    readonly offset: number,
    /** JSON pointer of the member or array element being read (`/findings/41`), or `` at the top. */
    readonly pointer: string,
    /** True when the text ended before the document did (a truncated file). */
    readonly truncated: boolean,
  ) {
    super(`${detail} (at byte ${offset}${pointer ? `, in ${pointer}` : ""})`);
    this.name = "JsonStreamError";
  }
}

const escapePointer = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

/** Where the router is in the top-level object. */
type State =
  | "start" // before "{"
  | "keyOrEnd" // after "{": a member name or "}"
  | "key" // after ",": a member name
  | "colon"
  | "memberStart" // the next token starts a member's value
  | "member" // inside a member's value
  | "afterMember" // "," or "}"
  | "elementOrEnd" // after "[": an element or "]"
  | "elementStart" // after ",": an element
  | "element" // inside an element
  | "afterElement" // "," or "]"
  | "done";

// Token types by number (TokenType): "{" 0, "}" 1, "[" 2, "]" 3; values start with "{", "[" or 6-10 (literals).
const opens = (t: TokenType): boolean => t === TokenType.LEFT_BRACE || t === TokenType.LEFT_BRACKET;
const closes = (t: TokenType): boolean => t === TokenType.RIGHT_BRACE || t === TokenType.RIGHT_BRACKET;
const startsValue = (t: TokenType): boolean => opens(t) || (t >= TokenType.TRUE && t <= TokenType.NUMBER);

/** A value assembler for one value at a time: feed tokens, get the value once its last token is in. */
class ValueAssembler {
  private readonly parser = new TokenParser({ paths: ["$"], keepStack: false, separator: "" });
  private depth = 0;
  /** Gets the value once complete; undefined while skipping a value (its tokens are counted, not assembled). */
  private done: ((v: unknown) => void) | undefined;

  constructor() {
    this.parser.onValue = ({ value, stack }) => {
      if (stack.length === 0) this.done?.(value);
    };
  }

  /** Starts a value: `onDone` gets it once complete; without `onDone` the value is skipped, not assembled. */
  start(onDone: ((v: unknown) => void) | undefined): void {
    this.done = onDone;
    this.depth = 0;
  }

  /** Feeds one token; returns true when the value is complete. */
  feed(t: ParsedTokenInfo): boolean {
    if (opens(t.token)) this.depth += 1;
    else if (closes(t.token)) this.depth -= 1;
    if (this.done) this.parser.write(t);
    return this.depth === 0;
  }
}

const describe = (t: ParsedTokenInfo) => (t.token === TokenType.STRING ? JSON.stringify(t.value) : String(t.value));

/** Routes the tokens of the top-level object to the handlers: one method per state of the router. */
class TopLevelRouter {
  state: State = "start";
  private key = "";
  private index = 0;
  /** Byte offset of the last token read. */
  offset = 0;
  private readonly assembler = new ValueAssembler();

  constructor(private readonly handlers: JsonStreamHandlers) {}

  /** Fails with where the router is: the byte offset and the JSON pointer being read. */
  fail(detail: string, truncated = false): never {
    throw new JsonStreamError(detail, this.offset, this.pointer(), truncated);
  }

  private pointer(): string {
    const s = this.state;
    if (s === "start" || s === "keyOrEnd" || s === "key" || s === "done") return "";
    const inArray = s === "elementOrEnd" || s === "elementStart" || s === "element" || s === "afterElement";
    return `/${escapePointer(this.key)}${inArray ? `/${this.index}` : ""}`;
  }

  /** Feeds one token to the method of the current state. */
  token(t: ParsedTokenInfo): void {
    this.offset = t.offset;
    switch (this.state) {
      case "start":
        return this.objectStart(t);
      case "keyOrEnd":
      case "key":
        return this.memberName(t);
      case "colon":
        return this.colon(t);
      case "memberStart":
        return this.memberStart(t);
      case "member":
        if (this.assembler.feed(t)) this.state = "afterMember";
        return;
      case "afterMember":
        return this.afterMember(t);
      case "elementOrEnd":
      case "elementStart":
        if (this.state === "elementOrEnd" && t.token === TokenType.RIGHT_BRACKET) this.state = "afterMember";
        else this.elementStart(t);
        return;
      case "element":
        return this.endElementIf(this.assembler.feed(t));
      case "afterElement":
        return this.afterElement(t);
      case "done":
        this.fail(`unexpected ${describe(t)} after the end of the document`);
    }
  }

  private objectStart(t: ParsedTokenInfo): void {
    if (t.token !== TokenType.LEFT_BRACE) this.fail(`expected a JSON object, found ${describe(t)}`);
    this.state = "keyOrEnd";
  }

  private memberName(t: ParsedTokenInfo): void {
    if (this.state === "keyOrEnd" && t.token === TokenType.RIGHT_BRACE) this.state = "done";
    else if (t.token !== TokenType.STRING) this.fail(`expected a member name, found ${describe(t)}`);
    else {
      this.key = t.value as string;
      this.state = "colon";
    }
  }

  private colon(t: ParsedTokenInfo): void {
    if (t.token !== TokenType.COLON) this.fail(`expected ":", found ${describe(t)}`);
    this.state = "memberStart";
  }

  private memberStart(t: ParsedTokenInfo): void {
    if (!startsValue(t.token)) this.fail(`expected a value, found ${describe(t)}`);
    const { handlers } = this;
    if (handlers.elements?.[this.key] && t.token === TokenType.LEFT_BRACKET) {
      this.index = 0;
      this.state = "elementOrEnd";
      handlers.arrayStart?.(this.key);
      return;
    }
    const name = this.key;
    this.assembler.start(handlers.skip?.(name) ? undefined : (v) => handlers.member?.(name, v));
    this.state = this.assembler.feed(t) ? "afterMember" : "member";
  }

  private afterMember(t: ParsedTokenInfo): void {
    if (t.token === TokenType.COMMA) this.state = "key";
    else if (t.token === TokenType.RIGHT_BRACE) this.state = "done";
    else this.fail(`expected "," or "}", found ${describe(t)}`);
  }

  private elementStart(t: ParsedTokenInfo): void {
    if (!startsValue(t.token)) this.fail(`expected a value, found ${describe(t)}`);
    const each = this.handlers.elements![this.key]!;
    const i = this.index;
    this.assembler.start((v) => each(v, i));
    this.state = "element";
    this.endElementIf(this.assembler.feed(t));
  }

  private endElementIf(complete: boolean): void {
    if (!complete) return;
    this.index += 1;
    this.state = "afterElement";
  }

  private afterElement(t: ParsedTokenInfo): void {
    if (t.token === TokenType.COMMA) this.state = "elementStart";
    else if (t.token === TokenType.RIGHT_BRACKET) this.state = "afterMember";
    else this.fail(`expected "," or "]", found ${describe(t)}`);
  }
}

/**
 * Reads the JSON object at `source` (a path, or chunks) member by member, as `handlers` say. Syntax errors, a
 * truncated text and a top level that is not an object are JsonStreamErrors with the byte offset and the JSON
 * pointer being read; errors of the file itself (missing, unreadable) propagate as the system error; an error thrown
 * by a handler propagates unchanged (StopReading ends the read quietly).
 */
export async function readJsonStream(
  source: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  handlers: JsonStreamHandlers,
): Promise<void> {
  const tokenizer = new Tokenizer({ stringBufferSize: 64 * 1024 });
  const router = new TopLevelRouter(handlers);
  tokenizer.onToken = (t) => router.token(t);

  const stream = typeof source === "string" ? createReadStream(source) : source;
  try {
    for await (const chunk of stream) tokenizer.write(chunk);
    tokenizer.end();
  } catch (e) {
    if (e instanceof StopReading) return;
    if (e instanceof TokenizerError || e instanceof TokenParserError) {
      const ended = /ended in the middle|not all the data/i.test(e.message);
      router.fail(ended ? "the text ends in the middle of a value" : e.message, ended);
    }
    throw e;
  } finally {
    if (typeof source === "string") (stream as ReturnType<typeof createReadStream>).destroy();
  }
  if (router.state !== "done") router.fail("the text ends before the document does", true);
}

/**
 * The value of one top-level member of the JSON object at `source`, reading no further than that member and
 * assembling nothing else (undefined when the object has no such member). Errors as readJsonStream.
 */
export async function readTopLevelMember(
  source: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  key: string,
): Promise<unknown> {
  let found: unknown;
  await readJsonStream(source, {
    skip: (k) => k !== key,
    member: (_, v) => {
      found = v;
      throw new StopReading();
    },
  });
  return found;
}
