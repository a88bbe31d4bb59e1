// `npx tsx bench/ui-profile.ts`: where the reading view spends its time. Records a CPU profile
// of the page while opening the exam, scrolling and dragging window/level, and a Chromium trace
// (renderer main thread and GPU process), and prints the functions and trace events that cost
// the most. A diagnostic beside `npm run bench:ui`, not a test.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../test/e2e/ui/fixtures';
import { openBenchSession, timeInput } from './ui-session';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (ms), largest first. */
function selfTimes(profile: Profile, top = 25): { fn: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()]
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms * 10) / 10 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

const session = await openBenchSession('profile-ui');
const { page, browser } = session;
const cdp = await browser.context.newCDPSession(page);
await page.goto(session.url);
await page.getByTestId('study-row').first().waitFor();
const ready = () =>
  page.waitForFunction(() =>
    (window as unknown as { __sijViewer?: { ready(): boolean } }).__sijViewer?.ready(),
  );

async function profiled<T>(label: string, run: () => Promise<T>) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const t0 = Date.now();
  const value = await run();
  const wallMs = Date.now() - t0;
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
  return { label, wallMs, value, top: selfTimes(profile) };
}

// Warm once (the host caches decoded volumes), then profile a second open.
await page.getByTestId('study-row').first().dblclick();
await ready();
await page.keyboard.press('Escape');
await page.getByTestId('study-row').first().waitFor();

const open = await profiled('open', async () => {
  await page.getByTestId('study-row').first().dblclick();
  await ready();
  return page.evaluate(() =>
    (window as unknown as { __sijViewer: { timings(): unknown } }).__sijViewer.timings(),
  );
});

/** Median latency of one event to its composited frame. */
async function inPage(kind: 'scroll' | 'window', count: number) {
  const { latency } = await timeInput(page, kind, count);
  return latency.sort((x, y) => x - y)[Math.floor(latency.length / 2)];
}

const scroll = await profiled('scroll x30', () => inPage('scroll', 30));
const windowing = await profiled('window x30', () => inPage('window', 30));

// A trace of 10 scroll frames: main-thread and GPU-process events by total duration.
const events: { name: string; ph: string; dur?: number; pid: number; tid: number; cat: string }[] = [];
// The protocol types trace events as string maps; their fields are what the trace format documents.
cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as typeof events)));
const finished = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
await cdp.send('Tracing.start', {
  categories: 'devtools.timeline,disabled-by-default-devtools.timeline,gpu,viz,cc,blink,v8',
  transferMode: 'ReportEvents',
} as never);
await inPage('scroll', 10);
await cdp.send('Tracing.end');
await finished;
const threadNames = new Map<string, string>();
for (const e of events as unknown as { name: string; pid: number; tid: number; args?: { name?: string } }[])
  if (e.name === 'thread_name') threadNames.set(`${e.pid}/${e.tid}`, e.args?.name ?? '?');
const byName = new Map<string, number>();
for (const e of events) {
  if (e.ph !== 'X' || !e.dur) continue;
  const key = `${threadNames.get(`${e.pid}/${e.tid}`) ?? e.tid} | ${e.name}`;
  byName.set(key, (byName.get(key) ?? 0) + e.dur / 1000);
}
const traceTop = [...byName.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, 30)
  .map(([k, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${k}`);

const report = {
  open,
  scroll,
  windowing,
  traceTop10ScrollFrames: traceTop,
  load: (await import('node:os')).loadavg()[0],
};
await session.close();
mkdirSync(path.join(repoRoot, 'test-output'), { recursive: true });
writeFileSync(path.join(repoRoot, 'test-output', 'profile-ui.json'), JSON.stringify(report, null, 2));
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
