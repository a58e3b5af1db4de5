import {
  mlflowConnection,
  mlflowSecretsIn,
  type MlflowConnection,
} from "../clients/mlflow-connection.js";
import { FlowpushError } from "../errors.js";
import type { Config } from "./config.js";

/**
 * Where flowpush sends things and with which credentials. Addresses may come
 * from flowpush.yaml or the environment (the environment wins, so CI can
 * point one config at another server); secrets come only from the
 * environment, so that they never land in git.
 */
export interface Settings {
  prefect: {
    apiUrl: string;
    uiUrl: string;
    auth: { kind: "bearer" | "basic"; value: string } | undefined;
  };
  registry: {
    address: string;
    username: string | undefined;
    password: string | undefined;
  };
  /** Absent when no tracking server is set: runs then log nothing. */
  mlflow:
    | {
        /** As configured; may hold credentials, so never print it. */
        trackingUri: string;
        experiment: string | undefined;
        /** The address without credentials, and the credentials apart. */
        connection: MlflowConnection;
      }
    | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** The environment variables flowpush reads, in one place for the docs. */
export const ENV = {
  prefectUrl: "PREFECT_API_URL",
  prefectUiUrl: "PREFECT_UI_URL",
  prefectKey: "PREFECT_API_KEY",
  prefectAuthString: "PREFECT_API_AUTH_STRING",
  registry: "FLOWPUSH_REGISTRY",
  registryUsername: "FLOWPUSH_REGISTRY_USERNAME",
  registryPassword: "FLOWPUSH_REGISTRY_PASSWORD",
  mlflowUri: "MLFLOW_TRACKING_URI",
  mlflowExperiment: "MLFLOW_EXPERIMENT_NAME",
} as const;

export function secretsIn(env: Environment): string[] {
  const values = [
    env[ENV.prefectKey],
    env[ENV.registryPassword],
    ...mlflowSecretsIn(env, env[ENV.mlflowUri]),
  ];
  const authString = env[ENV.prefectAuthString];
  if (authString)
    values.push(authString, Buffer.from(authString).toString("base64"));
  return values.filter((value): value is string => Boolean(value));
}

export function resolveSettings(config: Config, env: Environment): Settings {
  const address = env[ENV.registry] || config.registry.address;
  if (!address) {
    throw new FlowpushError("SETTING_MISSING", "no image registry is set", {
      hint: `set ${ENV.registry} or registry.address in ${config.source}`,
    });
  }
  return {
    prefect: resolvePrefectSettings(env, config.prefect, config.source),
    registry: {
      address,
      username: env[ENV.registryUsername] || config.registry.username,
      password: env[ENV.registryPassword],
    },
    mlflow: resolveMlflowSettings(env, config.mlflow),
  };
}

/** MLflow settings alone, for commands that read runs back (trace). */
export function resolveMlflowSettings(
  env: Environment,
  file: Config["mlflow"] = { trackingUri: undefined, experiment: undefined },
): Settings["mlflow"] {
  const trackingUri = (env[ENV.mlflowUri] || file.trackingUri)?.replace(
    /\/+$/,
    "",
  );
  if (!trackingUri) return undefined;
  return {
    trackingUri,
    experiment: env[ENV.mlflowExperiment] || file.experiment,
    connection: mlflowConnection(trackingUri, env),
  };
}

/** Prefect settings alone, for commands that only talk to Prefect. */
export function resolvePrefectSettings(
  env: Environment,
  file: Config["prefect"] = { apiUrl: undefined, uiUrl: undefined },
  source: string | undefined = undefined,
): Settings["prefect"] {
  const apiUrl = (env[ENV.prefectUrl] || file.apiUrl)?.replace(/\/+$/, "");
  if (!apiUrl) {
    throw new FlowpushError("SETTING_MISSING", "no Prefect API URL is set", {
      hint: source
        ? `set ${ENV.prefectUrl}, or prefect.api_url in ${source}`
        : `set ${ENV.prefectUrl}`,
    });
  }
  return {
    apiUrl,
    uiUrl: env[ENV.prefectUiUrl] || file.uiUrl || uiUrlFor(apiUrl),
    auth: prefectAuth(env),
  };
}

function prefectAuth(env: Environment): Settings["prefect"]["auth"] {
  const key = env[ENV.prefectKey];
  const authString = env[ENV.prefectAuthString];
  if (key && authString) {
    throw new FlowpushError(
      "SETTING_MISSING",
      `both ${ENV.prefectKey} and ${ENV.prefectAuthString} are set`,
      {
        hint: "set the API key for Prefect Cloud or the auth string for a self-hosted server, not both",
      },
    );
  }
  if (key) return { kind: "bearer", value: key };
  if (authString) {
    return { kind: "basic", value: Buffer.from(authString).toString("base64") };
  }
  return undefined;
}

/** Prefect Cloud's UI lives on another host; a server serves it beside /api. */
export function uiUrlFor(apiUrl: string): string {
  const cloud =
    /^https:\/\/api\.prefect\.cloud\/api\/accounts\/([^/]+)\/workspaces\/([^/]+)/.exec(
      apiUrl,
    );
  if (cloud) {
    return `https://app.prefect.cloud/account/${cloud[1]}/workspace/${cloud[2]}`;
  }
  return apiUrl.replace(/\/api$/, "");
}
