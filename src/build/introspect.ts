import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { z } from "zod";

import type { DockerClient } from "../clients/docker.js";
import { FlowpushError } from "../errors.js";
import type { PlannedBuild } from "../plan/plan.js";
import { runtimeDir } from "../resources.js";
import { writeTar } from "./context.js";

const descriptionSchema = z.object({
  workdir: z.string(),
  flows: z.array(
    z.object({
      entrypoint: z.string(),
      name: z.string(),
      description: z.string().nullish(),
      parameter_schema: z.record(z.string(), z.unknown()),
    }),
  ),
});

export type ImageDescription = z.infer<typeof descriptionSchema>;
export type FlowDescription = ImageDescription["flows"][number];

const SCRIPT = "flowpush_introspect.py";

/**
 * Imports the part's flows inside its image, as the worker will, and returns
 * their names and Prefect's parameter schemas. The runtime's introspection
 * module goes in as a loose script, so the image needs only Python and
 * Prefect, and a flow that imports a runtime the image lacks fails here.
 */
export async function describeFlows(
  docker: DockerClient,
  image: string,
  build: PlannedBuild,
): Promise<ImageDescription> {
  const entrypoints = build.flows.map(({ flow }) => flow.entrypoint);
  const script = await readFile(
    join(runtimeDir(), "src", "flowpush_runtime", "__main__.py"),
  );
  const output = await docker.runOnce({
    image,
    entrypoint: ["python3"],
    command: [`/tmp/${SCRIPT}`, "schema", ...entrypoints],
    env: ["PREFECT_LOGGING_LEVEL=ERROR"],
    files: {
      tar: await writeTar([
        {
          header: { name: SCRIPT, type: "file", mode: 0o644 },
          body: script,
        },
      ]),
      path: "/tmp",
    },
  });

  if (output.exitCode !== 0) {
    const tail = output.stderr.trim().split("\n").slice(-12).join("\n    ");
    throw new FlowpushError(
      "FLOW_IMPORT_FAILED",
      `the flows of part "${build.part.name}" do not import in its image`,
      {
        hint: `fix the error below, or the entrypoints (${entrypoints.join(", ")}):\n    ${tail}`,
      },
    );
  }
  return descriptionSchema.parse(JSON.parse(output.stdout));
}
