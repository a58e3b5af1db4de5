import { located, type Located, type MessageLine } from "./trailers.js";

/**
 * The short form for one-line commits: `[flowpush run prices/train b=1,2]`
 * or `[flowpush build prices]` anywhere in the subject. It says the same as
 * the trailer with that key; brackets and quotes inside the grid nest.
 */
export interface InlineDirective {
  verb: string;
  value: Located;
  line: number;
  /** Where the directive starts, for errors about the directive itself. */
  column: number;
}

export class InlineSyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

const OPENING = /\[flowpush[ \t]+([A-Za-z-]+)[ \t]*/gi;

export function findInline(subject: MessageLine): InlineDirective[] {
  const found: InlineDirective[] = [];
  for (const match of subject.text.matchAll(OPENING)) {
    const start = match.index + match[0].length;
    const end = closingBracket(subject.text, start);
    if (end < 0) {
      throw new InlineSyntaxError(
        "the [flowpush ...] directive is not closed",
        match.index + 1,
      );
    }
    const raw = subject.text.slice(start, end);
    const text = raw.trimEnd();
    found.push({
      verb: (match[1] as string).toLowerCase(),
      value: located([{ text, line: subject.line, column: start + 1 }]),
      line: subject.line,
      column: match.index + 1,
    });
  }
  return found;
}

/** The index of the `]` that closes a bracket opened before `from`. */
function closingBracket(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const char = text[i] as string;
    if (quote) {
      if (char === "\\") i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "[" || char === "{" || char === "(") depth++;
    else if (char === "]" && depth === 0) return i;
    else if (char === "]" || char === "}" || char === ")") depth--;
  }
  return -1;
}

// The markers people already use to keep CI away from a commit, plus our own.
const SKIP_MARKERS = [
  "[skip ci]",
  "[ci skip]",
  "[no ci]",
  "[skip actions]",
  "[actions skip]",
  "[skip azp]",
  "[azp skip]",
  "***no_ci***",
  "[skip flowpush]",
  "[flowpush skip]",
];

/** The skip marker a message carries, if any. */
export function findSkipMarker(message: string): string | undefined {
  const lower = message.toLowerCase();
  const marker = SKIP_MARKERS.find((candidate) => lower.includes(candidate));
  if (marker) return marker;
  const trailer = /^skip-checks[ \t]*:[ \t]*true[ \t]*$/im.exec(message);
  return trailer ? "skip-checks: true" : undefined;
}
