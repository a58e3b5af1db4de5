import { join } from "node:path";

import { execa } from "execa";

import { REPO_ROOT } from "./git.js";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// The variables platform detection reads: a test sets them itself, or the
// CLI would take the CI running the tests for the platform under test.
const PLATFORM_VARIABLES = [
  "GITHUB_ACTIONS",
  "TF_BUILD",
  "GITLAB_CI",
  "JENKINS_URL",
  "GIT_COMMIT",
];

/** Runs the built CLI as a user would, in `cwd`, with `env` over this one. */
export async function runFlowpush(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliResult> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !PLATFORM_VARIABLES.includes(name),
    ),
  );
  const result = await execa(
    "node",
    [join(REPO_ROOT, "build", "cli", "main.js"), ...args],
    {
      cwd: options.cwd,
      env: { ...inherited, ...options.env },
      extendEnv: false,
      reject: false,
    },
  );
  return {
    exitCode: result.exitCode ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}
