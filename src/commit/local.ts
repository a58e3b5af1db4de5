import type { GitClient } from "../clients/git.js";
import type { Logger } from "../log.js";
import type { PushContext } from "./context.js";
import { readRange } from "./range.js";

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
  // `--since HEAD` pushes nothing: an empty push has nothing to do.
  const commits = options.since
    ? await readRange(git, options.since, head.sha, log, { strict: true })
    : [head];
  return {
    root: git.root,
    sourceUrl: await git.remoteUrl(),
    branch: await git.currentBranch(),
    head,
    commits,
    before: options.since,
    trigger: "local",
  };
}
