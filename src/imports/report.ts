import type { ImportReport } from './importRecords.js';

/** A report as lines of text: the summary, then every problem kept, `line 12, column citation.quote: …`. */
export function reportLines(report: ImportReport, dryRun: boolean): string[] {
  const lines = report.problems.map((problem) => `line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}: ${problem.message}`);
  if (report.problemCount > report.problems.length) lines.push(`… and ${report.problemCount - report.problems.length} more problems`);
  const counts = `${report.total} records: ${report.created} new, ${report.updated} changed, ${report.unchanged} unchanged`;
  if (report.outcome === 'invalid') lines.push(`${report.problemCount} problems in ${report.total} records: nothing was written.`);
  else if (report.outcome === 'checked' || dryRun) lines.push(`No problems. ${counts} (dry run: nothing was written).`);
  else lines.push(`Imported. ${counts}.`);
  return lines;
}
