/**
 * git trailers as `git interpret-trailers` finds them: `Key: value` lines in
 * the message's last paragraph, which is never the subject. Lines starting
 * with white space continue the previous value. Every value remembers where
 * each of its characters was written, so an error can name the line and
 * column of the exact character, continuation lines included.
 */
export interface Located {
  text: string;
  /** 1-based line and column of the character at `offset` in `text`. */
  at(offset: number): { line: number; column: number };
}

export interface Trailer {
  key: string;
  value: Located;
  line: number;
}

export interface MessageLine {
  text: string;
  line: number;
}

export interface TrailerBlock {
  trailers: Trailer[];
  /** Lines outside the block, for spotting directives git would not read. */
  otherLines: MessageLine[];
}

// The s flag: a value may hold U+2028 or U+2029, which `.` would stop at.
const TRAILER = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/s;
const CHERRY_PICKED = /^\(cherry picked from commit [0-9a-f]+\)$/;
// Keys git, or teams' tools, put into trailer blocks: their presence lets a
// block hold some prose as well, as git's own rule allows.
const KNOWN_KEYS =
  /^(flowpush-[a-z]+|signed-off-by|co-authored-by|reviewed-by|acked-by|change-id)$/i;

export function splitLines(message: string): MessageLine[] {
  return message
    .split(/\r?\n/)
    .map((text, index) => ({ text, line: index + 1 }));
}

export function findTrailers(message: string): TrailerBlock {
  const lines = splitLines(message);
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1])) end--;
  let start = end;
  while (start > 0 && !isBlank(lines[start - 1])) start--;

  const hasBodyBefore = lines.slice(0, start).some((line) => !isBlank(line));
  const trailers = hasBodyBefore
    ? readBlock(lines.slice(start, end))
    : undefined;
  if (!trailers) return { trailers: [], otherLines: lines };
  return { trailers, otherLines: lines.slice(0, start) };
}

/**
 * The paragraph's trailers, if git would read it as a trailer block: every
 * line a trailer (or a continuation, or a cherry-pick note), or at least a
 * quarter of them trailers with one of them a known key.
 */
function readBlock(paragraph: MessageLine[]): Trailer[] | undefined {
  const trailers: Trailer[] = [];
  const segments = new Map<Trailer, Segment[]>();
  let prose = 0;
  let previous: Trailer | undefined;

  for (const { text, line } of paragraph) {
    if (/^[ \t]/.test(text) && previous) {
      const list = segments.get(previous) as Segment[];
      const trimmed = text.trimStart();
      list.push({
        text: trimmed.trimEnd(),
        line,
        column: text.length - trimmed.length + 1,
      });
      continue;
    }
    const match = TRAILER.exec(text);
    if (!match || CHERRY_PICKED.test(text)) {
      if (!CHERRY_PICKED.test(text)) prose++;
      previous = undefined;
      continue;
    }
    const [, key, value] = match as unknown as [string, string, string];
    const trailer: Trailer = { key, value: located([]), line };
    segments.set(trailer, [
      { text: value.trimEnd(), line, column: text.length - value.length + 1 },
    ]);
    trailers.push(trailer);
    previous = trailer;
  }

  const total = trailers.length + prose;
  const known = trailers.some((t) => KNOWN_KEYS.test(t.key));
  if (
    trailers.length === 0 ||
    (prose > 0 && !(known && trailers.length * 4 >= total))
  ) {
    return undefined;
  }
  for (const trailer of trailers)
    trailer.value = located(segments.get(trailer) as Segment[]);
  return trailers;
}

interface Segment {
  text: string;
  line: number;
  column: number;
}

/** Joins folded lines with single spaces, remembering where each came from. */
export function located(segments: Segment[]): Located {
  const starts: number[] = [];
  let text = "";
  for (const segment of segments) {
    if (text !== "") text += " ";
    starts.push(text.length);
    text += segment.text;
  }
  return {
    text,
    at(offset) {
      let index = 0;
      while (
        index + 1 < starts.length &&
        (starts[index + 1] as number) <= offset
      )
        index++;
      const segment = segments[index] ?? { line: 0, column: 1 };
      return {
        line: segment.line,
        column: segment.column + offset - (starts[index] ?? 0),
      };
    },
  };
}

function isBlank(line: MessageLine | undefined): boolean {
  return line !== undefined && line.text.trim() === "";
}
