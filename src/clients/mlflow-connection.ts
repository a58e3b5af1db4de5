import type { Environment } from "../config/settings.js";
import { FlowpushError } from "../errors.js";

/** The variables MLflow's own client reads for credentials: one
 * environment then serves flowpush and the training code alike. */
export const MLFLOW_ENV = {
  token: "MLFLOW_TRACKING_TOKEN",
  username: "MLFLOW_TRACKING_USERNAME",
  password: "MLFLOW_TRACKING_PASSWORD",
} as const;

export interface MlflowConnection {
  /** Without credentials; those travel in `auth`. */
  trackingUri: string;
  auth: { kind: "bearer" | "basic"; value: string } | undefined;
}

/**
 * How to talk to the tracking server at `trackingUri`. Credentials written
 * into the URI (`https://user:pass@host`) move into a header, because
 * fetch refuses a URL that carries them and because the URI is printed.
 */
export function mlflowConnection(
  trackingUri: string,
  env: Environment,
): MlflowConnection {
  const url = URL.canParse(trackingUri) ? new URL(trackingUri) : undefined;
  if (!url || !["http:", "https:"].includes(url.protocol)) {
    throw new FlowpushError(
      "MLFLOW_UNREACHABLE",
      `the MLflow tracking URI ${redact(trackingUri)} is not an http(s) address`,
      {
        hint: "flowpush talks to an MLflow tracking server: set MLFLOW_TRACKING_URI (or mlflow.tracking_uri) to its http:// or https:// address",
      },
    );
  }
  const inUri = url.username
    ? basic(decodeURIComponent(url.username), decodeURIComponent(url.password))
    : undefined;
  url.username = "";
  url.password = "";

  const username = env[MLFLOW_ENV.username];
  const password = env[MLFLOW_ENV.password];
  const token = env[MLFLOW_ENV.token];
  // The precedence of MLflow's Python client: basic, then token.
  const auth =
    username && password
      ? basic(username, password)
      : token
        ? { kind: "bearer" as const, value: token }
        : inUri;
  return { trackingUri: url.toString().replace(/\/+$/, ""), auth };
}

/** What must be masked in every line: the credentials in any form. */
export function mlflowSecretsIn(
  env: Environment,
  trackingUri: string | undefined,
): string[] {
  const secrets = [env[MLFLOW_ENV.token], env[MLFLOW_ENV.password]];
  const username = env[MLFLOW_ENV.username];
  const password = env[MLFLOW_ENV.password];
  if (username && password) secrets.push(basic(username, password).value);
  if (trackingUri && URL.canParse(trackingUri)) {
    const url = new URL(trackingUri);
    if (url.password) {
      secrets.push(url.password, decodeURIComponent(url.password));
      const user = decodeURIComponent(url.username);
      secrets.push(basic(user, decodeURIComponent(url.password)).value);
    }
  }
  return secrets.filter((value): value is string => Boolean(value));
}

function basic(username: string, password: string) {
  const value = Buffer.from(`${username}:${password}`).toString("base64");
  return { kind: "basic" as const, value };
}

function redact(uri: string): string {
  return uri.replace(/\/\/[^/@]*@/, "//***@");
}
