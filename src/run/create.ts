import { sleep } from "../clients/http.js";
import {
  BULK_LIMIT,
  type BulkResult,
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
    let chunk = bodies.slice(start, start + BULK_LIMIT);
    for (let attempt = 1; ; attempt++) {
      const results = await prefect.createFlowRuns(deploymentId, chunk);
      if (!results) {
        log.debug("the server has no bulk run endpoint; creating one by one");
        return createOneByOne(prefect, deploymentId, bodies, created);
      }
      await readBack(prefect, results, created);
      const refused = chunk
        .map((body, at) => ({ body, error: results[at]?.error }))
        .filter((item) => item.error !== undefined);
      if (refused.length === 0) break;

      // A Prefect server on SQLite refuses some runs of a bulk request
      // with "database is locked" while its workers write states, inside
      // an answer that succeeded. The keys make sending them again safe.
      const [first] = refused;
      if (attempt === REFUSED_ATTEMPTS || !first) {
        throw new FlowpushError(
          "PREFECT_REQUEST",
          `Prefect refused run ${first?.body.name}: ${first?.error}`,
          {
            hint: `${created.size} runs of this grid were started before it; fix the cause and push again, the started ones are not repeated`,
          },
        );
      }
      log.warn(
        `Prefect refused ${refused.length} of ${chunk.length} runs (${firstLine(first.error)}); sending them again (attempt ${attempt + 1} of ${REFUSED_ATTEMPTS})`,
      );
      await sleep(1000 * 2 ** (attempt - 1));
      chunk = refused.map((item) => item.body);
    }
  }
  return created;
}

// Patience for refused runs: 1 + 2 + 4 + 8 seconds between five attempts.
const REFUSED_ATTEMPTS = 5;

/** The bulk answer holds ids only; one filter reads the runs back. */
async function readBack(
  prefect: PrefectClient,
  results: BulkResult[],
  created: Map<string, FlowRun>,
): Promise<void> {
  const ids = results.flatMap((result) => (result.id ? [result.id] : []));
  if (ids.length === 0) return;
  const runs = await prefect.filterAllFlowRuns({
    flow_runs: { id: { any_: ids } },
  });
  for (const run of runs) {
    if (run.idempotency_key) created.set(run.idempotency_key, run);
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0]?.slice(0, 120) ?? "";
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
