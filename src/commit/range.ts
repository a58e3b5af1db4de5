import type { GitClient } from "../clients/git.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import { shortSha, type Commit } from "./context.js";
import { ensureCommit } from "./history.js";

/** The all-zero SHA platforms give as "before" for a new branch. */
export const isZeroSha = (sha: string | undefined): boolean =>
  !sha || /^0+$/.test(sha);

/**
 * The commits after `before` up to `head`, oldest first. Where `before` is
 * unknown (a new branch, a first pipeline) or cannot be reached even by
 * deepening a shallow clone, the push is taken to be the head commit alone:
 * CI shells warn and go on, a person at a shell (`strict`) is told instead.
 */
export async function readRange(
  git: GitClient,
  before: string | undefined,
  head: string,
  log: Logger,
  options: { strict: boolean } = { strict: false },
): Promise<Commit[]> {
  if (!(await ensureCommit(git, head, log))) {
    throw new FlowpushError(
      "GIT_FAILED",
      `the pushed commit ${head} is not in this clone`,
      {
        hint: "check out the commit being built before running flowpush",
      },
    );
  }
  const headCommit = await git.readCommit(head);
  if (isZeroSha(before)) return [headCommit];

  if (!(await ensureCommit(git, before as string, log))) {
    if (options.strict) {
      throw new FlowpushError(
        "GIT_FAILED",
        `the commit before the push, ${before}, is not in this clone`,
        {
          hint: "check --since, or fetch more history (git fetch --unshallow)",
        },
      );
    }
    log.warn(
      `cannot see ${shortSha(before as string)}, the commit before the push: reading the head commit's directives only`,
    );
    return [headCommit];
  }
  const shas = await git.commitsBetween(before as string, headCommit.sha);
  return Promise.all(
    shas.map((sha) =>
      sha === headCommit.sha ? headCommit : git.readCommit(sha),
    ),
  );
}
