import { posix } from "node:path";

import {
  isMap,
  isNode,
  isScalar,
  LineCounter,
  parseDocument,
  type Document,
} from "yaml";
import type { z } from "zod";

import { FlowpushError } from "../errors.js";
import { configSchema, type RawConfig, type RawFlow } from "./schema.js";

export const CONFIG_FILE = "flowpush.yaml";
export const DEFAULT_BASE_IMAGE = "python:3.11-slim";

export interface FlowConfig {
  /** The key under `flows:`, as directives name it. */
  key: string;
  /** `path/file.py:function`, relative to the part's folder. */
  entrypoint: string;
  deployment: string;
  workPool: string | undefined;
  workQueue: string | undefined;
  parameters: Record<string, unknown>;
  jobVariables: Record<string, unknown>;
  gridParameter: string;
  tags: string[];
  description: string | undefined;
  /** `map` trains the grid in one flow run; `runs` starts one per point. */
  mode: RunMode;
  /** Ranks the points in the results; absent, the first metric, minimized. */
  metric: { name: string; goal: "minimize" | "maximize" } | undefined;
  dask: DaskConfig | undefined;
  /** Job variables of Prefect's Kubernetes worker, under its own names. */
  kubernetes: Record<string, string | number>;
}

export type RunMode = "map" | "runs";

/** Where a grid trained in one flow run sends its points. */
export type DaskConfig =
  | { kind: "address"; address: string }
  | {
      kind: "kubernetes";
      namespace: string | undefined;
      workers: { min: number; max: number };
      cpu: string;
      memory: string;
      lifetime:
        | { duration: string; stagger: string | undefined; restart: boolean }
        | undefined;
      env: Record<string, string>;
    };

export interface PartConfig {
  name: string;
  /** The part's folder, relative to the repository root, without ./ or /. */
  path: string;
  image: string;
  build:
    | { kind: "dockerfile"; dockerfile: string }
    | { kind: "template"; template: "python" };
  baseImage: string;
  flows: Map<string, FlowConfig>;
}

/** Who may push directives for which parts: every field a list of globs. */
export interface PolicyRule {
  branches: string[] | undefined;
  authors: string[] | undefined;
  parts: string[] | undefined;
}

export const DEFAULT_MAX_POINTS = 1000;

export interface Config {
  /** Where it was read from, for messages. */
  source: string;
  policy: { maxPoints: number; allow: PolicyRule[] | undefined };
  registry: { address: string | undefined; username: string | undefined };
  prefect: { apiUrl: string | undefined; uiUrl: string | undefined };
  mlflow: { trackingUri: string | undefined; experiment: string | undefined };
  parts: Map<string, PartConfig>;
}

/** Parses flowpush.yaml text; `source` names the file in every error. */
export function parseConfig(text: string, source: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    throw new FlowpushError(
      "CONFIG_SYNTAX",
      `${source}:${line}:${col}: ${syntax.message.split("\n")[0]}`,
      {
        hint: "fix the YAML syntax at that position",
      },
    );
  }

  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (cause) {
    // An unquoted * starts a YAML alias: `authors: [*@x]` fails here.
    throw new FlowpushError(
      "CONFIG_SYNTAX",
      `${source}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        hint: 'quote values that start with * or & or !, as in "*@example.com"',
        cause,
      },
    );
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      describeIssue(issue, doc, lines, source),
    );
    throw new FlowpushError(
      "CONFIG_INVALID",
      `${source} is not a valid flowpush configuration:\n  ${problems.join("\n  ")}`,
      {
        hint: "see docs/configuration.md for every key and its type",
      },
    );
  }
  return normalise(result.data, source);
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  lines: LineCounter,
  source: string,
): string {
  const path = issue.path.map(String);
  const unknownKey =
    issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  const message =
    issue.code === "invalid_key"
      ? `"${String(issue.path.at(-1))}" is not a valid name: use letters, digits, '.', '_' and '-'`
      : issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`
        : issue.message;
  const keyPath =
    [...path, ...(unknownKey ? [unknownKey] : [])].join(".") || "(top level)";
  const offset = offsetOf(doc, path, unknownKey);
  const at = offset === undefined ? undefined : lines.linePos(offset);
  const location = at ? `${source}:${at.line}:${at.col}` : source;
  return `${location}: ${keyPath}: ${message}`;
}

/** Where the value at `path` starts, or where its `key` is written. */
function offsetOf(
  doc: Document,
  path: string[],
  key: string | undefined,
): number | undefined {
  const node = doc.getIn(path, true);
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find(
      (item) => isScalar(item.key) && String(item.key.value) === key,
    );
    if (pair && isScalar(pair.key)) return pair.key.range?.[0];
  }
  return isNode(node) ? node.range?.[0] : undefined;
}

// flowpush.yaml's names for the Kubernetes worker's job variables.
const KUBERNETES_VARIABLES = {
  namespace: "namespace",
  service_account: "service_account_name",
  cpu_request: "cpu_request",
  cpu_limit: "cpu_limit",
  memory_request: "memory_request",
  memory_limit: "memory_limit",
  finished_job_ttl: "finished_job_ttl",
  image_pull_policy: "image_pull_policy",
} as const;

function kubernetesVariables(
  settings: NonNullable<RawFlow["kubernetes"]>,
  jobVariables: Record<string, unknown>,
  where: string,
): Record<string, string | number> {
  const variables: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    const variable =
      KUBERNETES_VARIABLES[key as keyof typeof KUBERNETES_VARIABLES];
    if (variable in jobVariables) {
      throw new FlowpushError(
        "CONFIG_INVALID",
        `${where}: kubernetes.${key} and job_variables.${variable} set the same job variable`,
        { hint: `keep one of them, preferably kubernetes.${key}` },
      );
    }
    variables[variable] = value;
  }
  return variables;
}

function normaliseDask(dask: NonNullable<RawFlow["dask"]>): DaskConfig {
  if (dask.address !== undefined)
    return { kind: "address", address: dask.address };
  const cluster = dask.kubernetes;
  if (!cluster) throw new Error("the schema lets no dask block without either");
  return {
    kind: "kubernetes",
    namespace: cluster.namespace,
    workers: cluster.workers,
    cpu: cluster.cpu,
    memory: cluster.memory,
    lifetime: cluster.lifetime && {
      duration: cluster.lifetime.duration,
      stagger: cluster.lifetime.stagger,
      restart: cluster.lifetime.restart,
    },
    env: cluster.env ?? {},
  };
}

function normalise(raw: RawConfig, source: string): Config {
  const parts = new Map<string, PartConfig>();
  for (const [name, part] of Object.entries(raw.parts)) {
    const path = posix.normalize(part.path).replace(/^\.\/|\/$/g, "");
    if (path.startsWith("..") || path.startsWith("/")) {
      throw new FlowpushError(
        "CONFIG_INVALID",
        `${source}: parts.${name}.path "${part.path}" leaves the repository`,
        {
          hint: "give the part's folder relative to the repository root",
        },
      );
    }
    const flows = new Map<string, FlowConfig>();
    for (const [key, flow] of Object.entries(part.flows)) {
      flows.set(key, {
        key,
        entrypoint: flow.entrypoint,
        // Prefect names a deployment by flow and deployment name; two parts
        // with a same-named flow function would overwrite each other's
        // deployment if the default were the flow key alone.
        deployment: flow.deployment ?? `${name}-${key}`,
        workPool: flow.work_pool ?? raw.defaults?.work_pool,
        workQueue: flow.work_queue,
        parameters: flow.parameters ?? {},
        jobVariables: flow.job_variables ?? {},
        gridParameter: flow.grid_parameter,
        tags: flow.tags ?? [],
        description: flow.description,
        mode: flow.mode ?? raw.defaults?.mode ?? "map",
        metric: flow.metric,
        dask: flow.dask && normaliseDask(flow.dask),
        kubernetes: kubernetesVariables(
          { ...raw.defaults?.kubernetes, ...flow.kubernetes },
          flow.job_variables ?? {},
          `${source}: parts.${name}.flows.${key}`,
        ),
      });
    }
    parts.set(name, {
      name,
      path: path === "." ? "" : path,
      image: part.image,
      build: part.dockerfile
        ? { kind: "dockerfile", dockerfile: posix.normalize(part.dockerfile) }
        : { kind: "template", template: part.template ?? "python" },
      baseImage:
        part.base_image ?? raw.defaults?.base_image ?? DEFAULT_BASE_IMAGE,
      flows,
    });
  }
  return {
    source,
    policy: {
      maxPoints: raw.policy?.max_points ?? DEFAULT_MAX_POINTS,
      allow: raw.policy?.allow?.map((rule) => ({
        branches: rule.branches,
        authors: rule.authors,
        parts: rule.parts,
      })),
    },
    registry: {
      address: raw.registry?.address,
      username: raw.registry?.username,
    },
    prefect: { apiUrl: raw.prefect?.api_url, uiUrl: raw.prefect?.ui_url },
    mlflow: {
      trackingUri: raw.mlflow?.tracking_uri,
      experiment: raw.mlflow?.experiment,
    },
    parts,
  };
}
