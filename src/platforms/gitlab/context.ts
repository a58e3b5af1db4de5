import type { GitClient } from "../../clients/git.js";
import type { PushContext } from "../../commit/context.js";
import { readRange } from "../../commit/range.js";
import type { Environment } from "../../config/settings.js";
import { FlowpushError } from "../../errors.js";
import type { Logger } from "../../log.js";

/**
 * A GitLab CI pipeline as a push. CI_COMMIT_BEFORE_SHA is all zeros for a
 * new branch, a merge request and a scheduled pipeline; a merge request
 * pipeline reads its commits from the merge base instead.
 */
export async function gitlabPushContext(
  env: Environment,
  git: GitClient,
  log: Logger,
): Promise<PushContext> {
  const head = env.CI_COMMIT_SHA;
  if (!head) {
    throw new FlowpushError("GIT_FAILED", "CI_COMMIT_SHA is not set", {
      hint: "run flowpush in a GitLab CI job",
    });
  }
  const mergeRequest = env.CI_PIPELINE_SOURCE === "merge_request_event";
  const before = mergeRequest
    ? env.CI_MERGE_REQUEST_DIFF_BASE_SHA
    : env.CI_COMMIT_BEFORE_SHA;
  const commits = await readRange(git, before, head, log);
  return {
    root: git.root,
    sourceUrl: env.CI_PROJECT_URL,
    branch: mergeRequest
      ? env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME
      : env.CI_COMMIT_BRANCH,
    head: commits.at(-1),
    commits,
    before,
    trigger: mergeRequest
      ? "pull_request"
      : env.CI_PIPELINE_SOURCE === "push"
        ? "push"
        : "manual",
  };
}
