import type { GitClient } from "../../clients/git.js";
import type { PushContext } from "../../commit/context.js";
import { readRange } from "../../commit/range.js";
import type { Environment } from "../../config/settings.js";
import type { Logger } from "../../log.js";

/**
 * Jenkins, and any CI that says nothing flowpush knows: the commit checked
 * out, and GIT_PREVIOUS_COMMIT as the commit before the push where the Git
 * plugin sets it.
 */
export async function genericPushContext(
  env: Environment,
  git: GitClient,
  log: Logger,
): Promise<PushContext> {
  const head = env.GIT_COMMIT || "HEAD";
  const commits = await readRange(git, env.GIT_PREVIOUS_COMMIT, head, log);
  return {
    root: git.root,
    sourceUrl: (await git.remoteUrl()) ?? env.GIT_URL,
    // The Git plugin names the branch with its remote: origin/main.
    branch:
      env.GIT_LOCAL_BRANCH ??
      env.GIT_BRANCH?.replace(/^[^/]+\//, "") ??
      (await git.currentBranch()),
    head: commits.at(-1),
    commits,
    before: env.GIT_PREVIOUS_COMMIT,
    trigger: "push",
  };
}
