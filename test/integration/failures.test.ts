import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runFlowpush } from "../helpers/cli.js";
import { createTempRepo, withTempRepo, type TempRepo } from "../helpers/git.js";
import { nowhere } from "../helpers/mlflow.js";
import {
  deploymentsOfCommit,
  localImageExists,
  REGISTRY,
  registryHasTag,
  runsOfCommit,
  stackEnv,
} from "../helpers/stack.js";

const env = stackEnv();
const RUN = 'Flowpush-Run: prices/train {"b": [1, 2]}';

/** Nothing of the commit reached the engine, the registry or Prefect. */
async function expectNothingDone(
  sha: string,
  options: { built: boolean } = { built: false },
) {
  expect(await localImageExists(`${REGISTRY}/flowpush/prices:${sha}`)).toBe(
    options.built,
  );
  expect(await registryHasTag("flowpush/prices", sha)).toBe(false);
  expect(await deploymentsOfCommit(sha)).toEqual([]);
  expect(await runsOfCommit(sha)).toEqual([]);
}

describe("bad input and unreachable services", () => {
  let repo: TempRepo;

  beforeAll(async () => {
    repo = await createTempRepo({ fromExample: true });
  });

  afterAll(() => repo.remove());

  it("does nothing and exits 0 for a commit without directives", async () => {
    const sha = await repo.commit(
      "Tidy the prices notebook\n\nSigned-off-by: A <a@example.com>",
    );
    const result = await runFlowpush(["push"], { cwd: repo.dir, env });

    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout).toMatch(
      /no flowpush directives in this push: nothing to do/,
    );
    await expectNothingDone(sha);
  });

  it.each([
    [
      "an unknown part",
      "Flowpush-Build: price",
      /unknown part "price" \[PART_UNKNOWN\]\nhint: parts in flowpush.yaml@\w+: prices/,
    ],
    [
      "an unknown flow",
      "Flowpush-Run: prices/trian",
      /part "prices" has no flow "trian" \[FLOW_UNKNOWN\]\nhint: flows of prices: prices\/train/,
    ],
    [
      "a malformed grid",
      'Flowpush-Run: prices/train {"b": [1, 2}',
      /line 3, column \d+: the grid is not valid JSON.*\[GRID_INVALID\]/,
    ],
    [
      "a grid without points",
      "Flowpush-Run: prices/train []",
      /the grid has no points \[GRID_INVALID\]/,
    ],
    [
      "an empty grid value",
      'Flowpush-Run: prices/train {"b": []}',
      /values for "b" must not be empty \[GRID_INVALID\]/,
    ],
  ])(
    "refuses %s, naming it, before anything is built",
    async (_, trailer, message) => {
      const sha = await repo.commit(`Try something\n\n${trailer}`);
      const result = await runFlowpush(["push"], { cwd: repo.dir, env });

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(message);
      await expectNothingDone(sha);
    },
  );

  it("does nothing for a push without new commits", async () => {
    const result = await runFlowpush(["push", "--since", "HEAD"], {
      cwd: repo.dir,
      env,
    });

    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout).toMatch(/nothing to do/);
  });

  it("refuses a part whose folder the commit lacks", async () => {
    await withTempRepo({ fromExample: true }, async (moved) => {
      await rename(join(moved.dir, "prices"), join(moved.dir, "price-models"));
      const sha = await moved.commit(`Move the prices part\n\n${RUN}`);
      const result = await runFlowpush(["push"], { cwd: moved.dir, env });

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /part "prices" has no folder prices in commit \w{7} \[CONFIG_INVALID\]\nhint: check parts.prices.path/,
      );
      await expectNothingDone(sha);
    });
  });

  it("refuses a grid parameter the flow lacks before pushing anything", async () => {
    await withTempRepo({ fromExample: true }, async (renamed) => {
      const config = await readFile(join(renamed.dir, "flowpush.yaml"), "utf8");
      await renamed.write(
        "flowpush.yaml",
        config.replace(
          "entrypoint: flows/train.py:train_grid",
          "entrypoint: flows/train.py:train_grid\n        grid_parameter: grids",
        ),
      );
      const sha = await renamed.commit(`Name the grid parameter\n\n${RUN}`);
      const result = await runFlowpush(["push"], { cwd: renamed.dir, env });

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /flow prices\/train has no parameter "grids" to take the grid \[CONFIG_INVALID\]\nhint: its parameters: grid;/,
      );
      await expectNothingDone(sha, { built: true });
    });
  });

  it("refuses a commit without flowpush.yaml", async () => {
    await withTempRepo({}, async (bare) => {
      const sha = await bare.commit(`Start\n\n${RUN}`);
      const result = await runFlowpush(["push"], { cwd: bare.dir, env });

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /has no flowpush.yaml at the repository root \[CONFIG_NOT_FOUND\]/,
      );
      await expectNothingDone(sha);
    });
  });

  it("refuses a flow that does not import in its image, pushing and registering nothing", async () => {
    await withTempRepo({ fromExample: true }, async (broken) => {
      await broken.write(
        "prices/flows/train.py",
        "import prices_feature_store\n",
      );
      const sha = await broken.commit(`Use the feature store\n\n${RUN}`);
      const result = await runFlowpush(["push"], { cwd: broken.dir, env });

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /the flows of part "prices" do not import in its image \[FLOW_IMPORT_FAILED\]/,
      );
      expect(result.stderr).toMatch(/No module named 'prices_feature_store'/);
      await expectNothingDone(sha, { built: true });
    });
  });

  it("fails a build with the engine's message and registers nothing", async () => {
    await withTempRepo({ fromExample: true }, async (broken) => {
      const config = await readFile(join(broken.dir, "flowpush.yaml"), "utf8");
      await broken.write(
        "flowpush.yaml",
        config.replace(
          "image: flowpush/prices",
          "image: flowpush/prices\n    dockerfile: Dockerfile",
        ),
      );
      await broken.write(
        "prices/Dockerfile",
        "FROM flowpush-local/python:3.11\nRUN echo 'compiling the model' && exit 3\n",
      );
      const sha = await broken.commit(
        `Build with our own Dockerfile\n\n${RUN}`,
      );
      const result = await runFlowpush(["push"], { cwd: broken.dir, env });

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /building part "prices" failed: The command .* returned a non-zero code: 3 \[BUILD_FAILED\]/,
      );
      expect(result.stderr).toMatch(/compiling the model/);
      await expectNothingDone(sha);
    });
  });

  it.each([
    [
      "the Docker engine",
      { DOCKER_HOST: "unix:///tmp/flowpush-no-engine.sock" },
      /cannot reach the Docker engine at unix:\/\/\/tmp\/flowpush-no-engine.sock.*\[DOCKER_UNREACHABLE\]/,
    ],
    [
      "Prefect",
      { PREFECT_API_URL: "http://127.0.0.1:9/api" },
      /cannot reach the Prefect API at http:\/\/127.0.0.1:9\/api: .*after 4 attempts \[PREFECT_UNREACHABLE\]/,
    ],
  ])(
    "stops before building when %s is unreachable",
    async (_, override, message) => {
      const sha = await repo.commit(`Train\n\n${RUN}\nFlowpush-Build: prices`);
      const result = await runFlowpush(["push"], {
        cwd: repo.dir,
        env: { ...env, ...override },
      });

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(message);
      await expectNothingDone(sha);
    },
  );

  it("stops before building when MLflow is set but unreachable", async () => {
    const address = await nowhere();
    const sha = await repo.commit(`Train and log\n\n${RUN}`);
    const result = await runFlowpush(["push"], {
      cwd: repo.dir,
      env: { ...env, MLFLOW_TRACKING_URI: address },
    });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `cannot reach the MLflow tracking server at ${address}: .*\\[MLFLOW_UNREACHABLE\\]`,
      ),
    );
    await expectNothingDone(sha);
  });

  it("stops before building when the registry refuses the credentials, and never shows them", async () => {
    const password = "not-the-registry-password";
    const sha = await repo.commit(`Train again\n\n${RUN}`);
    const result = await runFlowpush(["push", "--verbose"], {
      cwd: repo.dir,
      env: { ...env, FLOWPUSH_REGISTRY_PASSWORD: password },
    });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /the registry at 127.0.0.1:\d+ refused user "flowpush" \[REGISTRY_AUTH\]/,
    );
    expect(result.stdout + result.stderr).not.toContain(password);
    await expectNothingDone(sha);
  });

  it("refuses an unknown command line option with usage help", async () => {
    const result = await runFlowpush(["push", "--wiat"], {
      cwd: repo.dir,
      env,
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/Unknown argument: wiat/);
  });

  it("explains a folder that is not a git repository", async () => {
    const result = await runFlowpush(["push", "--repo", "/"], {
      cwd: repo.dir,
      env,
    });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /\/ is not inside a git repository \[GIT_FAILED\]/,
    );
  });
});
