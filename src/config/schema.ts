import { z } from "zod";

/**
 * The shape of flowpush.yaml. Objects are strict: an unknown key is far more
 * often a typo than an intention, and a typo in `work_pool` would otherwise
 * register to the wrong place in silence.
 */
const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "expected a name of letters, digits, '.', '_' and '-'",
  );

const stringMap = z.record(z.string(), z.unknown());

/** How a grid is trained: in one flow run, or one flow run per point. */
const runMode = z.enum(["map", "runs"]);

/** The metric that ranks a grid's points in the results table. */
const metricSchema = z.strictObject({
  name: z.string().min(1),
  goal: z.enum(["minimize", "maximize"]).default("minimize"),
});

// Kubernetes quantities, as the API server parses them: "500m", "2", "4Gi".
const quantity = z
  .string()
  .regex(
    /^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$/,
    'expected a Kubernetes quantity such as "500m", "2" or "4Gi"',
  );

// Durations as Dask reads them: "4h", "30m", "90s", "1.5 hours".
const duration = z
  .string()
  .regex(
    /^[0-9]+(\.[0-9]+)?\s*(ms|s|m|h|d|seconds?|minutes?|hours?|days?)$/,
    'expected a duration such as "4h", "30m" or "90s"',
  );

/** The Kubernetes worker's job variables, for flows on a kubernetes pool. */
const kubernetesSchema = z.strictObject({
  namespace: z.string().min(1).optional(),
  service_account: z.string().min(1).optional(),
  cpu_request: quantity.optional(),
  cpu_limit: quantity.optional(),
  memory_request: quantity.optional(),
  memory_limit: quantity.optional(),
  finished_job_ttl: z.int().nonnegative().optional(),
  image_pull_policy: z.enum(["IfNotPresent", "Always", "Never"]).optional(),
});

/** A Dask cluster per flow run, from the dask-kubernetes operator. */
const daskKubernetesSchema = z.strictObject({
  namespace: z.string().min(1).optional(),
  workers: z
    .strictObject({
      min: z.int().nonnegative().default(1),
      max: z.int().positive().default(4),
    })
    .default({ min: 1, max: 4 })
    .refine((workers) => workers.min <= workers.max, {
      message: "expected min to be at most max",
    }),
  cpu: quantity.default("1"),
  memory: quantity.default("4Gi"),
  lifetime: z
    .strictObject({
      duration,
      stagger: duration.optional(),
      restart: z.boolean().default(true),
    })
    .optional(),
  env: z.record(z.string(), z.string()).optional(),
});

/** Where a map-mode run sends its points: a scheduler, or a new cluster. */
const daskSchema = z
  .strictObject({
    address: z
      .string()
      .regex(
        /^(tcp|tls|ws|wss|inproc|ucx):\/\/\S+$/,
        "expected a Dask scheduler address such as tcp://scheduler:8786",
      )
      .optional(),
    kubernetes: daskKubernetesSchema.optional(),
  })
  .refine((dask) => (dask.address === undefined) !== !dask.kubernetes, {
    message:
      "give either address (a running scheduler) or kubernetes (a cluster per run)",
  });

const flowSchema = z.strictObject({
  entrypoint: z
    .string()
    .regex(
      /^[^:]+\.py:[A-Za-z_][A-Za-z0-9_]*$/,
      "expected path/file.py:function, relative to the part's path",
    ),
  deployment: name.optional(),
  work_pool: z.string().min(1).optional(),
  work_queue: z.string().min(1).optional(),
  parameters: stringMap.optional(),
  job_variables: z
    .looseObject({ env: z.record(z.string(), z.string()).optional() })
    .optional(),
  grid_parameter: z.string().min(1).default("grid"),
  tags: z.array(z.string()).optional(),
  description: z.string().optional(),
  mode: runMode.optional(),
  metric: metricSchema.optional(),
  dask: daskSchema.optional(),
  kubernetes: kubernetesSchema.optional(),
});

const partSchema = z
  .strictObject({
    path: z.string().min(1),
    image: z
      .string()
      .regex(
        /^[a-z0-9]+([._/-][a-z0-9]+)*$/,
        "expected an image repository such as team/prices, without registry or tag",
      ),
    dockerfile: z.string().min(1).optional(),
    template: z.enum(["python"]).optional(),
    base_image: z.string().min(1).optional(),
    flows: z
      .record(name, flowSchema)
      .refine((flows) => Object.keys(flows).length > 0, {
        message: "expected at least one flow: a part is built to run flows",
      }),
  })
  .refine((part) => !(part.dockerfile && part.template), {
    message: "give either dockerfile or template, not both",
  });

const patterns = z.array(z.string().min(1)).min(1);

const policySchema = z.strictObject({
  max_points: z.int().positive().default(1000),
  allow: z
    .array(
      z.strictObject({
        branches: patterns.optional(),
        authors: patterns.optional(),
        parts: patterns.optional(),
      }),
    )
    .min(1)
    .optional(),
});

export const configSchema = z.strictObject({
  policy: policySchema.optional(),
  version: z.literal(1).optional(),
  registry: z
    .strictObject({
      address: z.string().min(1).optional(),
      username: z.string().min(1).optional(),
    })
    .optional(),
  prefect: z
    .strictObject({
      api_url: z.url().optional(),
      ui_url: z.url().optional(),
    })
    .optional(),
  defaults: z
    .strictObject({
      work_pool: z.string().min(1).optional(),
      base_image: z.string().min(1).optional(),
      mode: runMode.optional(),
      kubernetes: kubernetesSchema.optional(),
    })
    .optional(),
  mlflow: z
    .strictObject({
      tracking_uri: z.url().optional(),
      experiment: z.string().min(1).optional(),
    })
    .optional(),
  parts: z.record(name, partSchema),
});

export type RawConfig = z.infer<typeof configSchema>;
export type RawPart = z.infer<typeof partSchema>;
export type RawFlow = z.infer<typeof flowSchema>;
