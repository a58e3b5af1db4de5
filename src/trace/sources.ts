import type { GitClient } from "../clients/git.js";
import { createMlflowClient } from "../clients/mlflow.js";
import { createPrefectClient } from "../clients/prefect.js";
import { createRegistryClient } from "../clients/registry.js";
import type { Config } from "../config/config.js";
import { loadConfigAt } from "../config/load.js";
import {
  ENV,
  resolveMlflowSettings,
  resolvePrefectSettings,
  type Environment,
} from "../config/settings.js";
import { isFlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Unavailable } from "./model.js";
import type { TraceSources } from "./trace.js";

export interface SourceInputs {
  /** Undefined outside a repository; `repo` then says where we looked. */
  git: GitClient | undefined;
  repo: string;
  /** flowpush.yaml of the commit that names the servers, if readable. */
  config: Config | undefined;
  env: Environment;
  log: Logger;
}

/**
 * The clients a trace reads through, set up from flowpush.yaml and the
 * environment as `flowpush push` sets them up, the environment winning.
 * Only Prefect must be configured; the rest say why they are missing.
 */
export function createTraceSources(inputs: SourceInputs): TraceSources {
  const { git, config, env, log } = inputs;
  const prefect = resolvePrefectSettings(env, config?.prefect, config?.source);
  const address = env[ENV.registry] || config?.registry.address;
  const mlflow = resolveMlflowSettings(env, config?.mlflow);
  const notInRepo = {
    unavailable: `${inputs.repo} is not inside a git repository`,
  };

  return {
    prefect: createPrefectClient(prefect, log),
    uiUrl: prefect.uiUrl,
    registry: address
      ? createRegistryClient(
          address,
          {
            username: env[ENV.registryUsername] || config?.registry.username,
            password: env[ENV.registryPassword],
          },
          log,
        )
      : {
          unavailable: `no registry is set (${ENV.registry} or registry.address)`,
        },
    mlflow: mlflow
      ? createMlflowClient(mlflow.connection, log)
      : {
          unavailable: `not configured (set ${ENV.mlflowUri} or mlflow.tracking_uri)`,
        },
    async readMessage(sha) {
      if (!git) return notInRepo;
      const missing = await absent(git, sha);
      return missing ?? (await git.readCommit(sha)).message;
    },
    async readParts(sha) {
      if (!git) return notInRepo;
      const missing = await absent(git, sha);
      if (missing) return missing;
      try {
        const read = await loadConfigAt(git, sha);
        const parts = [...read.parts.values()].map(({ name, image }) => ({
          name,
          image,
        }));
        return { source: read.source, parts };
      } catch (error) {
        // A commit without a valid flowpush.yaml still has runs to show.
        if (!isFlowpushError(error)) throw error;
        return { unavailable: error.message };
      }
    },
  };
}

async function absent(
  git: GitClient,
  sha: string,
): Promise<Unavailable | undefined> {
  if (await git.hasCommit(sha)) return undefined;
  return {
    unavailable: `commit ${sha.slice(0, 7)} is not in the clone at ${git.root} (git fetch it, or unshallow the clone)`,
  };
}
