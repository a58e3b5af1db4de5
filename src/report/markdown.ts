import { shortSha } from "../commit/context.js";
import type { PushResult } from "../push.js";
import { pushOutputs } from "./outputs.js";
import { resultTable } from "./results.js";
import { groupRuns, renderPlan } from "./terminal.js";

/**
 * The push as Markdown, for a GitHub job summary or an Azure build summary:
 * a table each for images, deployments and runs, with links.
 */
export function renderMarkdown(result: PushResult, dryRun: boolean): string {
  const { plan } = result;
  if (!plan)
    return "## flowpush\n\nNo flowpush directives in this push: nothing to do.\n";
  const title = `## flowpush: commit \`${shortSha(plan.commit.sha)}\``;
  if (dryRun)
    return `${title}\n\nDry run; this is the plan:\n\n\`\`\`text\n${renderPlan(plan)}\n\`\`\`\n`;

  const { images, deployments, runs } = pushOutputs(result);
  const sections = [title];
  if (images.length > 0) {
    sections.push(
      table(
        ["part", "image"],
        images.map((i) => [i.part, code(i.image)]),
      ),
    );
  }
  if (deployments.length > 0) {
    const rows = deployments.map((d) => [
      `${d.part}/${d.flow}`,
      link(d.name, d.url),
    ]);
    sections.push(table(["flow", "deployment"], rows));
  }
  if (runs.length > 0) {
    const rows = groupRuns(result.runs).map((group) => {
      const first = runs.find((r) => r.id === group.runs[0]?.id);
      const one = group.runs.length === 1;
      return [
        `${group.part}/${group.flow}`,
        group.points,
        one && first ? (first.state ?? "started") : group.states,
        one && first
          ? link(first.name, first.url)
          : `${group.runs.length} runs, tag \`grid:${group.gridHash}\``,
      ];
    });
    sections.push(table(["run", "points", "state", "flow run"], rows));
  }
  for (const grid of result.results) {
    const results = resultTable(grid);
    const failures = results.failures.map((line) => `- ${line}`);
    sections.push(
      [
        `### ${results.title}`,
        table(results.header, results.rows),
        ...(failures.length > 0 ? [failures.join("\n")] : []),
      ].join("\n\n"),
    );
  }
  return `${sections.join("\n\n")}\n`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escape).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join(
    "\n",
  );
}

// A pipe would end the cell; Markdown has no other way to say it.
const escape = (cell: string) => cell.replace(/\|/g, "\\|");
const code = (text: string) => `\`${text}\``;
const link = (text: string, url: string | undefined) =>
  url ? `[${text}](${url})` : text;
