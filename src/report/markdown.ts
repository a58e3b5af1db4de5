import { shortSha } from "../commit/context.js";
import type { PushResult } from "../push.js";
import { pushOutputs } from "./outputs.js";
import { renderPlan } from "./terminal.js";

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
    const rows = runs.map((r) => [
      `${r.part}/${r.flow}`,
      r.points === null ? "default" : String(r.points),
      r.state ?? "started",
      link(r.name, r.url),
    ]);
    sections.push(table(["run", "points", "state", "flow run"], rows));
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
