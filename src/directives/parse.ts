import { shortSha, type Commit } from "../commit/context.js";
import { FlowpushError } from "../errors.js";
import { GridSyntaxError } from "../grid/errors.js";
import type { GridSpec } from "../grid/grid.js";
import { parseGrid } from "../grid/parse.js";
import { findInline, findSkipMarker, InlineSyntaxError } from "./inline.js";
import { findTrailers, splitLines, type Located } from "./trailers.js";

/** Where a directive, or a piece of one, was written. 1-based. */
export interface Position {
  commit: string;
  line: number;
  column: number;
}

/** A part by name, or every part, or the parts the push changed. */
export type PartSelector =
  | { kind: "name"; name: string; position: Position }
  | { kind: "all" | "changed"; position: Position };

export interface BuildDirective {
  kind: "build";
  parts: PartSelector[];
  position: Position;
}

export interface RunDirective {
  kind: "run";
  part: { name: string; position: Position };
  flow: string;
  flowPosition: Position;
  /** Absent when the directive names no grid: the flow's default runs. */
  grid: { spec: GridSpec; size: bigint; text: string } | undefined;
  /** `--map` or `--runs`; absent, the flow's configured mode applies. */
  mode: RunMode | undefined;
  position: Position;
}

export type RunMode = "map" | "runs";

/** Options a Flowpush-Run may give between the flow and the grid. */
const RUN_OPTIONS: Record<string, RunMode> = {
  "--map": "map",
  "--runs": "runs",
};

export type Directive = BuildDirective | RunDirective;

export interface CommitDirectives {
  commit: Commit;
  directives: Directive[];
  /** The skip marker that silenced the commit, if any. */
  skip: string | undefined;
}

const READERS = {
  build: readBuild,
  run: readRun,
} as const;

type Verb = keyof typeof READERS;
const VERBS = Object.keys(READERS) as Verb[];
// hasOwn, not `in`: "constructor" is in every object.
const isVerb = (verb: string): verb is Verb => Object.hasOwn(READERS, verb);

/**
 * The directives of one commit, in the order they were written: first the
 * subject's inline ones, then the trailers. Pure, and total: anything a
 * message can hold either parses or fails with a FlowpushError that names
 * the commit, line and column.
 */
export function parseDirectives(commit: Commit): CommitDirectives {
  const skip = findSkipMarker(commit.message);
  if (skip) return { commit, directives: [], skip };

  const { trailers, otherLines } = findTrailers(commit.message);
  rejectStrayTrailers(commit, otherLines);

  const sources: Array<{
    verb: string;
    label: string;
    value: Located;
    start: Position;
  }> = [];
  const subject = splitLines(commit.message)[0];
  for (const inline of subject ? inlineDirectives(commit, subject) : []) {
    sources.push(inline);
  }
  for (const trailer of trailers) {
    const verb = /^flowpush-(.*)$/i.exec(trailer.key)?.[1];
    if (verb === undefined) continue;
    sources.push({
      verb: verb.toLowerCase(),
      label: trailer.key,
      value: trailer.value,
      start: { commit: commit.sha, line: trailer.line, column: 1 },
    });
  }

  const directives = sources.map(({ verb, label, value, start }) => {
    if (!isVerb(verb)) {
      throw directiveError(
        start,
        `unknown directive ${label}`,
        `known directives: ${VERBS.map((v) => `Flowpush-${title(v)}`).join(", ")}`,
      );
    }
    return READERS[verb](value, (offset) => ({
      commit: commit.sha,
      ...value.at(offset),
    }));
  });
  return { commit, directives, skip: undefined };
}

function inlineDirectives(
  commit: Commit,
  subject: { text: string; line: number },
) {
  try {
    return findInline(subject).map((inline) => ({
      verb: inline.verb,
      label: `[flowpush ${inline.verb}]`,
      value: inline.value,
      start: { commit: commit.sha, line: inline.line, column: inline.column },
    }));
  } catch (error) {
    if (!(error instanceof InlineSyntaxError)) throw error;
    throw directiveError(
      { commit: commit.sha, line: subject.line, column: error.column },
      error.message,
      "close it with ]: [flowpush run <part>/<flow> [grid]]",
    );
  }
}

// A directive git does not read as a trailer would be silently ignored,
// which is worse than an error: the author meant it.
function rejectStrayTrailers(
  commit: Commit,
  lines: Array<{ text: string; line: number }>,
) {
  for (const { text, line } of lines) {
    const stray = /^\s*(flowpush-(?:build|run))\s*:/i.exec(text);
    if (!stray) continue;
    const column = text.indexOf(stray[1] as string) + 1;
    throw directiveError(
      { commit: commit.sha, line, column },
      `${stray[1]} is not in the message's last paragraph, so git does not read it as a trailer`,
      "put directives in the last paragraph, after a blank line, one per line; or use [flowpush run ...] in the subject",
    );
  }
}

type At = (offset: number) => Position;

function readBuild(value: Located, at: At): BuildDirective {
  const parts: PartSelector[] = [];
  for (const match of value.text.matchAll(/[^,\s]+/g)) {
    const position = at(match.index);
    const word = match[0];
    if (word === "all" || word === "changed")
      parts.push({ kind: word, position });
    else
      parts.push({
        kind: "name",
        name: checkName(word, position, "part"),
        position,
      });
  }
  if (parts.length === 0) {
    throw directiveError(
      at(0),
      "Flowpush-Build names no part",
      "write Flowpush-Build: <part>[, <part>...], all or changed",
    );
  }
  return { kind: "build", parts, position: at(0) };
}

function readRun(value: Located, at: At): RunDirective {
  const target = /^\S*/.exec(value.text)?.[0] ?? "";
  const [partName, flow, ...extra] = target.split("/");
  if (!target || !partName || !flow || extra.length > 0) {
    const found = target
      ? `"${target}" is not <part>/<flow>`
      : "Flowpush-Run names no flow";
    throw directiveError(
      at(0),
      found,
      "write Flowpush-Run: <part>/<flow> [grid], for example prices/train b=1,2",
    );
  }
  checkName(partName, at(0), "part");
  const flowPosition = at(partName.length + 1);
  checkName(flow, flowPosition, "flow");

  const { mode, end } = readRunOptions(value.text, target.length, at);
  const gridText = value.text.slice(end);
  return {
    kind: "run",
    part: { name: partName, position: at(0) },
    flow,
    flowPosition,
    grid:
      gridText.trim() === ""
        ? undefined
        : readGrid(gridText, (offset) => at(end + offset)),
    mode,
    position: at(0),
  };
}

/**
 * The `--` words after the flow. A grid never starts with "--" (JSON starts
 * with a bracket, a sweep with a key), so options and grid cannot be
 * confused, and a misspelt option fails instead of becoming a grid key.
 */
function readRunOptions(
  text: string,
  start: number,
  at: At,
): { mode: RunMode | undefined; end: number } {
  let mode: RunMode | undefined;
  let end = start;
  for (const match of text.slice(start).matchAll(/\S+/g)) {
    const word = match[0];
    if (!word.startsWith("--")) break;
    const offset = start + match.index;
    const chosen = Object.hasOwn(RUN_OPTIONS, word)
      ? RUN_OPTIONS[word]
      : undefined;
    if (!chosen) {
      throw directiveError(
        at(offset),
        `unknown option "${word}"`,
        `known options: ${Object.keys(RUN_OPTIONS).join(", ")}`,
      );
    }
    if (mode && mode !== chosen) {
      throw directiveError(
        at(offset),
        "--map and --runs are given together",
        "choose one: --map trains the grid in one flow run, --runs starts one run per point",
      );
    }
    mode = chosen;
    end = offset + word.length;
  }
  return { mode, end };
}

function readGrid(text: string, at: At): RunDirective["grid"] {
  try {
    const { spec, grid } = parseGrid(text);
    return { spec, size: grid.size, text: text.trim() };
  } catch (error) {
    if (!(error instanceof GridSyntaxError)) throw error;
    throw new FlowpushError(
      "GRID_INVALID",
      `${where(at(error.offset))}: ${error.message}`,
      {
        position: at(error.offset),
        hint: `expected ${error.expected}`,
      },
    );
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkName(name: string, at: Position, what: "part" | "flow"): string {
  if (!NAME.test(name)) {
    throw directiveError(
      at,
      `"${name}" is not a valid ${what} name`,
      "names use letters, digits, '.', '_' and '-'",
    );
  }
  return name;
}

/** A message not yet committed (a commit-msg hook's) has no SHA. */
export const PENDING = "";

export function where(position: Position): string {
  const source =
    position.commit === PENDING
      ? "the message"
      : `commit ${shortSha(position.commit)}`;
  return `${source}, line ${position.line}, column ${position.column}`;
}

function directiveError(
  at: Position,
  message: string,
  hint: string,
): FlowpushError {
  return new FlowpushError("DIRECTIVE_INVALID", `${where(at)}: ${message}`, {
    position: at,
    hint,
  });
}

function title(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
