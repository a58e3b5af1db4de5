import {
  BULK_LIMIT,
  type FlowRun,
  type FlowRunBody,
  type PrefectClient,
} from "../clients/prefect.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";

/** Runs in flight at once when the server has no bulk endpoint. */
const CONCURRENCY = 8;

export interface CreatedRun {
  run: FlowRun;
  created: boolean;
}

/**
 * Creates the runs that do not exist yet, in order, and returns every run,
 * old and new. Existing runs are found by idempotency key among the runs
 * with `tags`, so a repeated push sends nothing; new ones go in bulk
 * requests of a hundred, or a few at a time on servers without bulk.
 */
export async function createRuns(
  prefect: PrefectClient,
  deploymentId: string,
  bodies: FlowRunBody[],
  tags: string[],
  log: Logger,
): Promise<CreatedRun[]> {
  const existing = new Map<string, FlowRun>();
  const tagged = await prefect.filterAllFlowRuns({
    flow_runs: { tags: { all_: tags } },
  });
  for (const run of tagged) {
    if (run.idempotency_key) existing.set(run.idempotency_key, run);
  }

  const missing = bodies.filter((body) => !existing.has(body.idempotency_key));
  log.debug(
    `${bodies.length - missing.length} of ${bodies.length} runs exist already`,
  );
  const fresh = await createMissing(prefect, deploymentId, missing, log);
  return bodies.map((body) => {
    const old = existing.get(body.idempotency_key);
    if (old) return { run: old, created: false };
    const run = fresh.get(body.idempotency_key);
    if (!run) throw new Error(`no run came back for ${body.name}`);
    return { run, created: true };
  });
}

async function createMissing(
  prefect: PrefectClient,
  deploymentId: string,
  bodies: FlowRunBody[],
  log: Logger,
): Promise<Map<string, FlowRun>> {
  const created = new Map<string, FlowRun>();
  for (let start = 0; start < bodies.length; start += BULK_LIMIT) {
    const chunk = bodies.slice(start, start + BULK_LIMIT);
    const results = await prefect.createFlowRuns(deploymentId, chunk);
    if (!results) {
      log.debug("the server has no bulk run endpoint; creating one by one");
      return createOneByOne(prefect, deploymentId, bodies, created);
    }
    const failed = results.findIndex((result) => !result.id);
    if (failed >= 0) {
      throw new FlowpushError(
        "PREFECT_REQUEST",
        `Prefect refused run ${chunk[failed]?.name}: ${results[failed]?.error}`,
        {
          hint: `${start + failed} runs of this grid were started before it; fix the cause and push again, the started ones are not repeated`,
        },
      );
    }
    // The bulk answer holds ids only; one filter reads the runs back.
    const runs = await prefect.filterAllFlowRuns({
      flow_runs: { id: { any_: results.map((result) => result.id) } },
    });
    for (const run of runs) {
      if (run.idempotency_key) created.set(run.idempotency_key, run);
    }
  }
  return created;
}

async function createOneByOne(
  prefect: PrefectClient,
  deploymentId: string,
  bodies: FlowRunBody[],
  created: Map<string, FlowRun>,
): Promise<Map<string, FlowRun>> {
  const queue = bodies.filter((body) => !created.has(body.idempotency_key));
  const worker = async () => {
    for (let body = queue.shift(); body; body = queue.shift()) {
      const { run } = await prefect.createFlowRun(deploymentId, body);
      created.set(body.idempotency_key, run);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return created;
}
