import { join } from "node:path";

import { execa } from "execa";

import { REPO_ROOT } from "./git.js";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, in `cwd`, with `env` over this one. */
export async function runFlowpush(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliResult> {
  const result = await execa(
    "node",
    [join(REPO_ROOT, "build", "cli", "main.js"), ...args],
    {
      cwd: options.cwd,
      env: options.env ?? {},
      reject: false,
    },
  );
  return {
    exitCode: result.exitCode ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}
