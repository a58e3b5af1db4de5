import { readFile } from "node:fs/promises";

import type { GitClient } from "../clients/git.js";
import type { PushContext } from "../commit/context.js";
import { readLocalPush } from "../commit/local.js";
import type { Environment } from "../config/settings.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import { azurePushContext } from "./azure/context.js";
import { genericPushContext } from "./generic/context.js";
import { githubPushContext } from "./github/context.js";
import { gitlabPushContext } from "./gitlab/context.js";

export const PLATFORMS = [
  "local",
  "github",
  "azure",
  "gitlab",
  "jenkins",
] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The CI system a process runs in, by the variables each always sets. */
export function detectPlatform(env: Environment): Platform {
  if (env.GITHUB_ACTIONS === "true") return "github";
  if (env.TF_BUILD?.toLowerCase() === "true") return "azure";
  if (env.GITLAB_CI === "true") return "gitlab";
  if (env.JENKINS_URL || env.GIT_COMMIT) return "jenkins";
  return "local";
}

export interface ContextOptions {
  platform: Platform;
  env: Environment;
  /** For a local push: its head and the commit before it. */
  local: { rev: string; since: string | undefined };
}

/** The push as the platform describes it, in flowpush's one shape. */
export async function readPushContext(
  options: ContextOptions,
  git: GitClient,
  log: Logger,
): Promise<PushContext> {
  const { env } = options;
  switch (options.platform) {
    case "github":
      return githubPushContext(
        env,
        await readEvent(env.GITHUB_EVENT_PATH),
        git,
        log,
      );
    case "azure":
      return azurePushContext(env, git, log);
    case "gitlab":
      return gitlabPushContext(env, git, log);
    case "jenkins":
      return genericPushContext(env, git, log);
    case "local":
      return readLocalPush(git, options.local, log);
  }
}

async function readEvent(path: string | undefined): Promise<unknown> {
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, "utf8")) as unknown;
  } catch (cause) {
    throw new FlowpushError(
      "GIT_FAILED",
      `cannot read the GitHub event payload at ${path}`,
      { cause },
    );
  }
}
