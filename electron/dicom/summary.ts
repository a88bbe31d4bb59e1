import type { ScanResult } from './types';

/** The `sij inspect --json` shape (the CLI contract in the README). */
export function inspectSummary(scan: ScanResult): object {
  return {
    studies: scan.studies.map((study) => ({
      studyInstanceUid: study.studyInstanceUid,
      patientId: study.patientId,
      series: study.series.map((series) => ({
        seriesInstanceUid: series.seriesInstanceUid,
        description: series.description,
        modality: series.modality,
        stacks: series.stacks.map((s) => ({
          rows: s.rows,
          columns: s.columns,
          slices: s.slices.length,
          spacing: s.spacing.map((x) => Math.round(x * 1e4) / 1e4),
          orientation: s.orientation,
          semicoronal: s.semicoronal,
          tiltDegrees: s.tiltDegrees,
          role: s.role.role,
          roleConfidence: s.role.confidence,
          problems: s.problems,
        })),
      })),
    })),
    files: scan.files,
  };
}

/** Human-readable lines for a terminal. */
export function inspectText(scan: ScanResult): string {
  const lines: string[] = [];
  for (const study of scan.studies) {
    lines.push(`study ${study.studyInstanceUid}  patient ${study.patientId || '(none)'}  ${study.studyDate}`);
    for (const series of study.series) {
      lines.push(
        `  series ${series.seriesNumber ?? '-'} ${series.modality} "${series.description}"  ${series.seriesInstanceUid}`,
      );
      for (const s of series.stacks) {
        const sp = s.spacing.map((x) => x.toFixed(2)).join(' x ');
        const semi = s.semicoronal ? ` semicoronal tilt ${s.tiltDegrees} deg` : '';
        lines.push(
          `    stack ${s.index}: ${s.columns}x${s.rows}x${s.slices.length}  ${sp} mm  ${s.orientation}${semi}  role ${s.role.role} (${s.role.confidence})`,
        );
        for (const p of s.problems) lines.push(`      ! ${p}`);
      }
    }
  }
  lines.push(`${scan.files.read} file(s) read, ${scan.files.skipped.length} skipped`);
  for (const f of scan.files.skipped) lines.push(`  skipped ${f.path}: ${f.reason}`);
  return lines.join('\n');
}
