import type { GitClient } from "../../clients/git.js";
import type { PushContext, Trigger } from "../../commit/context.js";
import { readRange } from "../../commit/range.js";
import type { Environment } from "../../config/settings.js";
import { FlowpushError } from "../../errors.js";
import type { Logger } from "../../log.js";

/**
 * An Azure Pipelines build as a push. Azure gives the commit but not its
 * message (Build.SourceVersionMessage holds the first line only), and no
 * commit before the push, so the head commit is read from git and is the
 * whole push. On a pull request build, the source branch's commit is the
 * author's work, not the merge commit Azure builds.
 */
export async function azurePushContext(
  env: Environment,
  git: GitClient,
  log: Logger,
): Promise<PushContext> {
  const pullRequest = env.BUILD_REASON === "PullRequest";
  const sha = pullRequest
    ? env.SYSTEM_PULLREQUEST_SOURCECOMMITID
    : env.BUILD_SOURCEVERSION;
  if (!sha) {
    throw new FlowpushError(
      "GIT_FAILED",
      "Azure Pipelines did not say which commit is built",
      {
        hint: "run flowpush in an Azure Pipelines job (BUILD_SOURCEVERSION is unset)",
      },
    );
  }
  const commits = await readRange(git, undefined, sha, log);
  const branch = pullRequest
    ? env.SYSTEM_PULLREQUEST_SOURCEBRANCH
    : env.BUILD_SOURCEBRANCH;
  return {
    root: git.root,
    sourceUrl: env.BUILD_REPOSITORY_URI,
    branch: branch?.replace(/^refs\/heads\//, ""),
    head: commits[0],
    commits,
    before: undefined,
    trigger: TRIGGERS[env.BUILD_REASON ?? ""] ?? "push",
  };
}

const TRIGGERS: Record<string, Trigger> = {
  IndividualCI: "push",
  BatchedCI: "push",
  PullRequest: "pull_request",
  Manual: "manual",
  Schedule: "manual",
};
