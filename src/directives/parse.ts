import { shortSha, type Commit } from "../commit/context.js";
import { FlowpushError } from "../errors.js";
import type { GridSpec } from "../grid/grid.js";
import { GridSyntaxError, parseGrid } from "../grid/parse.js";
import { findTrailers, type Trailer } from "./trailers.js";

/** Where a directive, or a piece of one, was written. */
export interface Position {
  commit: string;
  line: number;
  column: number;
}

export interface PartRef {
  name: string;
  position: Position;
}

export interface BuildDirective {
  kind: "build";
  parts: PartRef[];
  position: Position;
}

export interface RunDirective {
  kind: "run";
  part: PartRef;
  flow: string;
  flowPosition: Position;
  /** Absent when the directive names no grid: the flow's default runs. */
  grid: { spec: GridSpec; size: bigint; text: string } | undefined;
  position: Position;
}

export type Directive = BuildDirective | RunDirective;

const KEYS = {
  "flowpush-build": parseBuild,
  "flowpush-run": parseRun,
} as const;

type DirectiveKey = keyof typeof KEYS;

function isDirectiveKey(key: string): key is DirectiveKey {
  return key in KEYS;
}

/** The directives of one commit, in the order they were written. Pure. */
export function parseDirectives(commit: Commit): Directive[] {
  const { trailers, otherLines } = findTrailers(commit.message);

  for (const { text, line } of otherLines) {
    const stray = /^\s*(flowpush-[a-z]+)\s*:/i.exec(text);
    if (stray) {
      throw directiveError(
        {
          commit: commit.sha,
          line,
          column: text.indexOf(stray[1] as string) + 1,
        },
        `${stray[1]} is not in the message's last paragraph, so it is not a git trailer`,
        "directives go in the last paragraph of the message, after a blank line, one per line",
      );
    }
  }

  return trailers
    .filter((trailer) => /^flowpush-/i.test(trailer.key))
    .map((trailer) => {
      const key = trailer.key.toLowerCase();
      const position = {
        commit: commit.sha,
        line: trailer.line,
        column: trailer.column,
      };
      if (!isDirectiveKey(key)) {
        throw directiveError(
          { ...position, column: 1 },
          `unknown directive ${trailer.key}`,
          `known directives: ${Object.keys(KEYS).map(titleCase).join(", ")}`,
        );
      }
      return KEYS[key](trailer, position);
    });
}

function parseBuild(trailer: Trailer, position: Position): BuildDirective {
  const parts: PartRef[] = [];
  for (const match of trailer.value.matchAll(/[^,\s]+/g)) {
    const at = { ...position, column: position.column + match.index };
    parts.push({ name: checkName(match[0], at, "part"), position: at });
  }
  if (parts.length === 0) {
    throw directiveError(
      position,
      "Flowpush-Build names no part",
      "write Flowpush-Build: <part>[, <part>...]",
    );
  }
  return { kind: "build", parts, position };
}

function parseRun(trailer: Trailer, position: Position): RunDirective {
  const target = /^(\S+)/.exec(trailer.value)?.[1];
  if (!target) {
    throw directiveError(
      position,
      "Flowpush-Run names no flow",
      "write Flowpush-Run: <part>/<flow> [grid]",
    );
  }
  const [partName, flow, ...extra] = target.split("/");
  if (!partName || !flow || extra.length > 0) {
    throw directiveError(
      position,
      `"${target}" is not <part>/<flow>`,
      "write Flowpush-Run: <part>/<flow> [grid], for example prices/train",
    );
  }
  checkName(partName, position, "part");
  const flowAt = { ...position, column: position.column + partName.length + 1 };
  checkName(flow, flowAt, "flow");

  const gridText = trailer.value.slice(target.length);
  const gridOffset = position.column + target.length;
  return {
    kind: "run",
    part: { name: partName, position },
    flow,
    flowPosition: flowAt,
    grid:
      gridText.trim() === ""
        ? undefined
        : readGrid(gridText, { ...position, column: gridOffset }),
    position,
  };
}

function readGrid(text: string, at: Position): RunDirective["grid"] {
  try {
    const { spec, grid } = parseGrid(text);
    return { spec, size: grid.size, text: text.trim() };
  } catch (error) {
    if (!(error instanceof GridSyntaxError)) throw error;
    throw new FlowpushError(
      "GRID_INVALID",
      `${where({ ...at, column: at.column + error.offset })}: ${error.message}`,
      {
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

export function where(position: Position): string {
  return `commit ${shortSha(position.commit)}, line ${position.line}, column ${position.column}`;
}

function directiveError(
  at: Position,
  message: string,
  hint: string,
): FlowpushError {
  return new FlowpushError("DIRECTIVE_INVALID", `${where(at)}: ${message}`, {
    hint,
  });
}

function titleCase(key: string): string {
  return key.replace(
    /(^|-)([a-z])/g,
    (_, dash: string, c: string) => dash + c.toUpperCase(),
  );
}
