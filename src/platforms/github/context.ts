import { z } from "zod";

import type { GitClient } from "../../clients/git.js";
import type { Commit, PushContext } from "../../commit/context.js";
import { isZeroSha, readRange } from "../../commit/range.js";
import type { Environment } from "../../config/settings.js";
import { FlowpushError } from "../../errors.js";
import type { Logger } from "../../log.js";

/**
 * A GitHub Actions run as a push: the event payload names the commits with
 * their full messages, so git is needed only for the head commit and for
 * what the payload leaves out.
 */
const payloadCommit = z.object({
  id: z.string(),
  message: z.string(),
  timestamp: z.string().optional(),
  distinct: z.boolean().default(true),
  author: z
    .object({ name: z.string().optional(), email: z.string().optional() })
    .optional(),
});

const repository = z.object({ html_url: z.string().optional() }).optional();

const pushEvent = z.object({
  before: z.string(),
  after: z.string(),
  forced: z.boolean().optional(),
  deleted: z.boolean().optional(),
  commits: z.array(payloadCommit).default([]),
  repository,
});

const pullRequestEvent = z.object({
  pull_request: z.object({
    head: z.object({ sha: z.string(), ref: z.string() }),
    base: z.object({ sha: z.string(), ref: z.string() }),
  }),
  repository,
});

// GitHub lists at most 2048 commits in a push payload.
const PAYLOAD_COMMIT_LIMIT = 2048;

export async function githubPushContext(
  env: Environment,
  event: unknown,
  git: GitClient,
  log: Logger,
): Promise<PushContext> {
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const base = {
    root: git.root,
    sourceUrl: sourceUrl(env),
  };

  if (eventName === "push") {
    const push = parse(pushEvent, event, "push");
    const branch = env.GITHUB_REF_NAME;
    if (push.deleted || isZeroSha(push.after)) {
      return {
        ...base,
        branch,
        head: undefined,
        commits: [],
        before: push.before,
        trigger: "push",
      };
    }
    const [head] = await readRange(git, undefined, push.after, log);
    const commits = await pushCommits(push, head as Commit, git, log);
    return {
      ...base,
      branch,
      head,
      commits,
      before: push.before,
      trigger: "push",
    };
  }

  if (eventName === "pull_request" || eventName === "pull_request_target") {
    // GITHUB_SHA is a merge commit GitHub made; the author's work is the
    // head of the pull request's branch.
    const { pull_request: pr } = parse(pullRequestEvent, event, eventName);
    const commits = await readRange(git, pr.base.sha, pr.head.sha, log);
    const head = commits.at(-1);
    return {
      ...base,
      branch: pr.head.ref,
      head,
      commits,
      before: pr.base.sha,
      trigger: "pull_request",
    };
  }

  const head = env.GITHUB_SHA;
  if (!head)
    throw new FlowpushError("GIT_FAILED", "GITHUB_SHA is not set", {
      hint: "run flowpush inside a GitHub Actions job",
    });
  const commits = await readRange(git, undefined, head, log);
  return {
    ...base,
    branch: env.GITHUB_REF_NAME,
    head: commits[0],
    commits,
    before: undefined,
    trigger: "manual",
  };
}

/**
 * The pushed commits, oldest first, from the payload where it is whole, and
 * from git where it was cut at GitHub's limit. Commits that are not
 * distinct were already pushed to another branch and had their directives
 * acted on there: merging a branch does not run its grids again.
 */
async function pushCommits(
  push: z.infer<typeof pushEvent>,
  head: Commit,
  git: GitClient,
  log: Logger,
): Promise<Commit[]> {
  if (push.commits.length >= PAYLOAD_COMMIT_LIMIT) {
    log.warn(
      `the push event lists only ${push.commits.length} commits: reading the rest from git`,
    );
    return readRange(git, push.before, push.after, log);
  }
  // The head comes from git even so: its committer date labels the image,
  // and must be the same whichever platform builds the commit.
  const distinct = push.commits.filter(
    (commit) => commit.distinct && commit.id !== push.after,
  );
  const earlier = distinct.map((commit): Commit => ({
    sha: commit.id,
    message: commit.message,
    authorName: commit.author?.name ?? "",
    authorEmail: commit.author?.email ?? "",
    committedAt: commit.timestamp ?? "",
  }));
  const headIsDistinct =
    push.commits.length === 0 ||
    push.commits.some((c) => c.id === push.after && c.distinct);
  return headIsDistinct ? [...earlier, head] : earlier;
}

function sourceUrl(env: Environment): string | undefined {
  const server = env.GITHUB_SERVER_URL;
  const repo = env.GITHUB_REPOSITORY;
  return server && repo ? `${server}/${repo}` : undefined;
}

function parse<T>(schema: z.ZodType<T>, event: unknown, name: string): T {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  throw new FlowpushError(
    "GIT_FAILED",
    `the ${name} event payload is not what GitHub sends: ${result.error.issues[0]?.message ?? ""}`,
    {
      hint: "run flowpush from a workflow triggered by push or pull_request",
    },
  );
}
