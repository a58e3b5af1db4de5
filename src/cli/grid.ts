import type { Argv } from "yargs";

import { FlowpushError } from "../errors.js";
import { GridSyntaxError } from "../grid/errors.js";
import { parseGrid } from "../grid/parse.js";
import { toJson, type GridValue } from "../grid/values.js";
import { loggerFor } from "./shell.js";

/**
 * `flowpush grid '<grid>'`: the points a grid means, one JSON object a line,
 * in the order the runtime trains them, so a grid can be checked before it
 * goes into a commit message.
 */
export function addGridCommand(cli: Argv<{ verbose: boolean }>) {
  return cli.command(
    "grid <grid>",
    "print the points of a grid, one JSON object per line",
    (argv) =>
      argv
        .positional("grid", {
          type: "string",
          demandOption: true,
          describe: "a grid in any form a directive accepts",
        })
        .option("count", {
          type: "boolean",
          default: false,
          describe: "print only the number of points",
        })
        .option("index", {
          type: "string",
          describe: "print only the point at this 0-based index",
        }),
    async (args) => {
      const log = loggerFor(args);
      const grid = readGrid(args.grid);

      if (args.count) return log.info(String(grid.size));
      if (args.index !== undefined)
        return log.info(
          pointJson(grid.entriesAt(readIndex(args.index, grid.size))),
        );
      for (let index = 0n; index < grid.size; index++) {
        await writeLine(pointJson(grid.entriesAt(index)));
      }
    },
  );
}

function readGrid(text: string) {
  try {
    return parseGrid(text).grid;
  } catch (error) {
    if (!(error instanceof GridSyntaxError)) throw error;
    throw new FlowpushError(
      "GRID_INVALID",
      `grid, column ${error.offset + 1}: ${error.message}`,
      {
        hint: `expected ${error.expected}`,
      },
    );
  }
}

function readIndex(text: string, size: bigint): bigint {
  const index = /^\d+$/.test(text) ? BigInt(text) : -1n;
  if (index < 0n || index >= size) {
    throw new FlowpushError(
      "GRID_INVALID",
      `index ${text} is not a point of this grid`,
      {
        hint: `give an index from 0 to ${size - 1n}`,
      },
    );
  }
  return index;
}

/** JSON for a point, keys in scikit-learn's order (see Grid.entriesAt). */
function pointJson(entries: Array<[string, GridValue]>): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}: ${toJson(value)}`).join(", ")}}`;
}

// Millions of lines must not pile up in memory when the reader is slower.
function writeLine(line: string): Promise<void> {
  if (process.stdout.write(`${line}\n`)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once("drain", resolve));
}
