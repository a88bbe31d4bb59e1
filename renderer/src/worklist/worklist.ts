import type { StudySummary } from '../../../electron/api';

export type SortKey = 'patientName' | 'patientId' | 'studyDate' | 'modelStatus' | 'readingStatus';

export function sequencesFound(s: StudySummary): string {
  const roles = [...new Set(s.stacks.map((st) => st.role))];
  const names = roles.filter((r) => r !== 'other').map((r) => r.toUpperCase());
  const other = s.stacks.filter((st) => st.role === 'other').length;
  return [...names, ...(other ? [`${other} other`] : [])].join(', ') || 'none';
}

export function orientationSummary(s: StudySummary): string {
  const main = s.stacks.filter((st) => st.role !== 'other');
  const labels = [
    ...new Set(
      main.map((st) => (st.semicoronal ? `semicoronal ${Math.round(st.tiltDegrees ?? 0)}°` : st.orientation)),
    ),
  ];
  return labels.join(', ') || '—';
}

export function filterAndSort(
  studies: StudySummary[],
  query: string,
  key: SortKey,
  descending: boolean,
): StudySummary[] {
  const q = query.trim().toLowerCase();
  const hits = q
    ? studies.filter((s) =>
        [s.patientName, s.patientId, s.studyDate, s.description].some((v) => v.toLowerCase().includes(q)),
      )
    : [...studies];
  hits.sort((a, b) => a[key].localeCompare(b[key]) * (descending ? -1 : 1));
  return hits;
}
