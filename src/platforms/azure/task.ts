import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type * as TaskLibrary from "azure-pipelines-task-lib/task.js";

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
 * The Azure DevOps task: inputs in; output variables, an uploaded summary
 * and logged issues out. The task library removes INPUT_* variables from
 * the environment when it loads, so inputs are read through it and handed
 * to the core as settings, never looked up in the environment later.
 */
const secrets = new Secrets();

// Secret inputs are taken from the environment before the task library
// loads: its getInput writes every value it returns to the debug log, and
// it would have deleted them by the time setSecret could hide them.
const SECRET_INPUTS = [
  "prefectApiKey",
  "prefectAuthString",
  "registryPassword",
] as const;
const secretValues = new Map(
  SECRET_INPUTS.map((name) => [
    name,
    process.env[`INPUT_${name.toUpperCase()}`]?.trim() || undefined,
  ]),
);
for (const value of secretValues.values()) secrets.add(value);

// Loaded in main(), after the secrets above are read.
let tl: typeof TaskLibrary;
const mask = (text: string) => secrets.mask(text);

function input(name: string): string | undefined {
  return tl.getInput(name, false) || undefined;
}

function secretInput(name: (typeof SECRET_INPUTS)[number]): string | undefined {
  const value = secretValues.get(name);
  if (value) tl.setSecret(value);
  return value;
}

const logger: Logger = {
  debug: (message) => tl.debug(mask(message)),
  info: (message) => console.log(mask(message)),
  warn: (message) => tl.warning(mask(message)),
  error: (message) => tl.error(mask(message)),
};

async function run(): Promise<void> {
  tl = await import("azure-pipelines-task-lib/task.js");
  const authString = secretInput("prefectAuthString");
  if (authString) secrets.add(Buffer.from(authString).toString("base64"));
  const overrides: Record<string, string | undefined> = {
    [ENV.prefectUrl]: input("prefectApiUrl"),
    [ENV.prefectKey]: secretInput("prefectApiKey"),
    [ENV.prefectAuthString]: authString,
    [ENV.registry]: input("registry"),
    [ENV.registryUsername]: input("registryUsername"),
    [ENV.registryPassword]: secretInput("registryPassword"),
  };
  const env: Environment = {
    ...process.env,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v)),
  };
  const dryRun = tl.getBoolInput("dryRun", false);
  const wait = tl.getBoolInput("wait", false)
    ? { timeoutSeconds: Number(input("waitTimeout") ?? 3600), pollSeconds: 5 }
    : undefined;

  const directory =
    input("workingDirectory") ?? process.env.BUILD_SOURCESDIRECTORY ?? ".";
  const git = await openGitRepository(directory, logger);
  const context = await readPushContext(
    {
      platform: "azure",
      env: process.env,
      local: { rev: "HEAD", since: undefined },
    },
    git,
    logger,
  );
  const configPath = input("configPath");
  const configOverride = configPath
    ? {
        text: await import("node:fs/promises").then((fs) =>
          fs.readFile(configPath, "utf8"),
        ),
        source: configPath,
      }
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

  const outputs = pushOutputs(result);
  for (const [name, value] of Object.entries(outputs)) {
    tl.setVariable(name, mask(JSON.stringify(value)), false, true);
  }
  if (result.plan)
    console.log(mask(dryRun ? renderPlan(result.plan) : renderResult(result)));
  await uploadSummary(renderMarkdown(result, dryRun));

  const failure = describeFailures(
    result.results,
    tl.getBoolInput("allowFailures", false),
  );
  if (failure) {
    tl.setResult(tl.TaskResult.Failed, mask(failure));
    return;
  }
  tl.setResult(tl.TaskResult.Succeeded, result.plan ? "done" : "nothing to do");
}

async function uploadSummary(markdown: string): Promise<void> {
  const path = join(
    process.env.AGENT_TEMPDIRECTORY ?? tmpdir(),
    "flowpush-summary.md",
  );
  await writeFile(path, mask(markdown));
  tl.uploadSummary(path);
}

// One place where failures become Azure's: a logged issue that names the
// commit and line for a directive error, and a failed task.
run().catch(async (error: unknown) => {
  if (!tl) throw error;
  const text = mask(describeError(error, process.env.SYSTEM_DEBUG === "true"));
  const position = isFlowpushError(error) ? error.position : undefined;
  const where = position
    ? `${position.commit ? `commit ${shortSha(position.commit)}` : "the commit message"}, line ${position.line}, column ${position.column}: `
    : "";
  const code = isFlowpushError(error) ? error.code : undefined;
  tl.logIssue(
    tl.IssueType.Error,
    text.startsWith(where) ? text : `${where}${text}`,
    undefined,
    position?.line,
    position?.column,
    code,
  );
  await uploadSummary(
    `## flowpush failed\n\n\`\`\`text\n${text}\n\`\`\`\n`,
  ).catch(() => undefined);
  tl.setResult(
    tl.TaskResult.Failed,
    mask(isFlowpushError(error) ? error.message : "flowpush failed"),
    true,
  );
});
