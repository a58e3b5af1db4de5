import { readFile } from "node:fs/promises";

import * as core from "@actions/core";

import { openGitRepository } from "../../clients/git.js";
import { shortSha } from "../../commit/context.js";
import { ENV, type Environment } from "../../config/settings.js";
import { describeError, isFlowpushError } from "../../errors.js";
import { Secrets, type Logger } from "../../log.js";
import { push } from "../../push.js";
import { renderMarkdown } from "../../report/markdown.js";
import { describeFailures } from "../../run/results.js";
import { pushOutputs } from "../../report/outputs.js";
import { renderPlan, renderResult } from "../../report/terminal.js";
import { readPushContext } from "../detect.js";

/**
 * The GitHub Action: inputs in, outputs, a job summary and annotations out.
 * Everything between is the core that the CLI runs too.
 */
const secrets = new Secrets();
const mask = (text: string) => secrets.mask(text);

function input(name: string): string | undefined {
  return core.getInput(name) || undefined;
}

function secretInput(name: string): string | undefined {
  const value = input(name);
  if (value) {
    // GitHub masks registered secrets in logs, but not in outputs or the
    // summary: flowpush masks those itself.
    core.setSecret(value);
    secrets.add(value);
  }
  return value;
}

const logger: Logger = {
  debug: (message) => core.debug(mask(message)),
  info: (message) => core.info(mask(message)),
  warn: (message) => core.warning(mask(message)),
  error: (message) => core.error(mask(message)),
};

async function run(): Promise<void> {
  const authString = secretInput("prefect-auth-string");
  if (authString) secrets.add(Buffer.from(authString).toString("base64"));
  const overrides: Record<string, string | undefined> = {
    [ENV.prefectUrl]: input("prefect-api-url"),
    [ENV.prefectKey]: secretInput("prefect-api-key"),
    [ENV.prefectAuthString]: authString,
    [ENV.registry]: input("registry"),
    [ENV.registryUsername]: input("registry-username"),
    [ENV.registryPassword]: secretInput("registry-password"),
  };
  const env: Environment = { ...process.env, ...definedOnly(overrides) };
  const dryRun = core.getBooleanInput("dry-run");
  const wait = core.getBooleanInput("wait")
    ? { timeoutSeconds: Number(input("wait-timeout") ?? 3600), pollSeconds: 5 }
    : undefined;

  const directory =
    input("working-directory") ?? process.env.GITHUB_WORKSPACE ?? ".";
  const git = await openGitRepository(directory, logger);
  const context = await readPushContext(
    {
      platform: "github",
      env: process.env,
      local: { rev: "HEAD", since: undefined },
    },
    git,
    logger,
  );
  const configPath = input("config");
  const configOverride = configPath
    ? { text: await readFile(configPath, "utf8"), source: configPath }
    : undefined;

  const result = await push({
    context,
    git,
    env,
    configOverride,
    dryRun,
    wait,
    dockerHost: env.DOCKER_HOST || "unix:///var/run/docker.sock",
    log: logger,
  });

  for (const [name, value] of Object.entries(pushOutputs(result)))
    core.setOutput(name, mask(JSON.stringify(value)));
  if (result.plan)
    core.info(mask(dryRun ? renderPlan(result.plan) : renderResult(result)));
  await writeSummary(renderMarkdown(result, dryRun));

  const failure = describeFailures(
    result.results,
    core.getBooleanInput("allow-failures"),
  );
  if (failure) core.setFailed(mask(failure));
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(mask(markdown)).write();
}

function definedOnly(
  values: Record<string, string | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}

// One place where failures become the platform's: an annotation that names
// the commit and line for a directive error, and a failed step.
run().catch(async (error: unknown) => {
  const text = mask(describeError(error, core.isDebug()));
  if (isFlowpushError(error) && error.position) {
    const { commit, line, column } = error.position;
    const where = commit ? `commit ${shortSha(commit)}` : "the commit message";
    core.error(text, {
      title: `flowpush: ${where}, line ${line}, column ${column}`,
    });
  } else {
    core.error(text, { title: "flowpush" });
  }
  await writeSummary(
    `## flowpush failed\n\n\`\`\`text\n${text}\n\`\`\`\n`,
  ).catch(() => undefined);
  // setFailed would add a second, less precise annotation.
  process.exitCode = 1;
});
