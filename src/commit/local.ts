import type { GitClient } from "../clients/git.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import { ensureCommit } from "./history.js";
import type { PushContext } from "./context.js";

export interface LocalPushOptions {
  /** The head of the push; HEAD by default. */
  rev: string;
  /** The commit before the push: its successors up to `rev` are pushed. */
  since: string | undefined;
}

/** A push made of the local repository's commits, for use from a shell. */
export async function readLocalPush(
  git: GitClient,
  options: LocalPushOptions,
  log: Logger,
): Promise<PushContext> {
  const head = await git.readCommit(options.rev);
  if (options.since && !(await ensureCommit(git, options.since, log))) {
    throw new FlowpushError(
      "GIT_FAILED",
      `the commit before the push, ${options.since}, is not in this clone`,
      {
        hint: "check --since, or fetch more history (git fetch --unshallow)",
      },
    );
  }
  const shas = options.since
    ? await git.commitsBetween(options.since, head.sha)
    : [head.sha];
  const commits = await Promise.all(
    shas.map((sha) => (sha === head.sha ? head : git.readCommit(sha))),
  );
  return {
    root: git.root,
    sourceUrl: await git.remoteUrl(),
    branch: await git.currentBranch(),
    // `--since HEAD` pushes nothing: an empty push has nothing to do.
    commits,
    before: options.since,
    trigger: "local",
  };
}
