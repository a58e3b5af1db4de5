/**
 * git trailers as `git interpret-trailers` finds them: `Key: value` lines in
 * the message's last paragraph, which must not be the subject. Lines that
 * start with white space continue the previous value. Every trailer keeps
 * the 1-based line and column where its value starts, so that an error can
 * point at the character the user typed.
 */
export interface Trailer {
  key: string;
  value: string;
  line: number;
  column: number;
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

const TRAILER = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;

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

  // The first paragraph is the subject, never trailers.
  const hasBodyBefore = lines.slice(0, start).some((line) => !isBlank(line));
  const paragraph = lines.slice(start, end);
  const trailers = hasBodyBefore ? readTrailers(paragraph) : undefined;
  if (!trailers) return { trailers: [], otherLines: lines };
  return { trailers, otherLines: lines.slice(0, start) };
}

function readTrailers(paragraph: MessageLine[]): Trailer[] | undefined {
  const trailers: Trailer[] = [];
  for (const { text, line } of paragraph) {
    const previous = trailers.at(-1);
    if (/^[ \t]/.test(text) && previous) {
      previous.value = `${previous.value} ${text.trim()}`.trim();
      continue;
    }
    const match = TRAILER.exec(text);
    if (!match) return undefined;
    const [, key, value] = match as unknown as [string, string, string];
    const column = text.length - value.length + 1;
    trailers.push({ key, value: value.trimEnd(), line, column });
  }
  return trailers;
}

function isBlank(line: MessageLine | undefined): boolean {
  return line !== undefined && line.text.trim() === "";
}
