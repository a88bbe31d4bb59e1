// `npx tsx bench/ui-profile.ts`: where the reading view spends its time. Records a CPU profile
// of the page while opening the exam, scrolling and dragging window/level, and a Chromium trace
// (renderer main thread and GPU process), and prints the functions and trace events that cost
// the most. A diagnostic beside `npm run bench:ui`, not a test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDispatcher } from '../electron/api';
import { startLoopbackHost } from '../electron/host';
import { createRuntime, rendererDist } from '../electron/services';
import { openBrowser } from '../test/e2e/ui/chromium';
import { ensurePhantom, ensureRendererBuilt, repoRoot } from '../test/e2e/ui/fixtures';

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

const exam = ensurePhantom(path.join(repoRoot, 'test-output', 'e2e-ui', 'exam-seed1'), 1);
ensureRendererBuilt();
const dataDir = mkdtempSync(path.join(tmpdir(), 'sij-profile-ui-'));
const runtime = await createRuntime({ dataDir, transport: 'loopback', model: false });
await runtime.services.handlers['studies.import']({ paths: [exam] });
const host = await startLoopbackHost({
  dispatch: createDispatcher(runtime.services.handlers),
  subscribe: (l) => runtime.services.bus.subscribe(l),
  staticRoot: rendererDist,
});
const browser = await openBrowser();
const page = browser.page;
const cdp = await browser.context.newCDPSession(page);
await page.goto(host.url);
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

async function inPage(kind: 'scroll' | 'window', count: number) {
  return page.evaluate(
    async ([k, n]) => {
      const view = document.querySelector('[data-view="t1-native"]') as HTMLElement;
      const hook = (window as unknown as { __sijViewer: { rendered(): Promise<void> } }).__sijViewer;
      const box = view.getBoundingClientRect();
      const cx = box.left + box.width / 2;
      const cy = box.top + box.height / 2;
      const wall: number[] = [];
      if (k === 'window')
        view.dispatchEvent(
          new PointerEvent('pointerdown', {
            button: 2,
            clientX: cx,
            clientY: cy,
            pointerId: 1,
            bubbles: true,
          }),
        );
      for (let i = 0; i < (n as number); i++) {
        const t0 = performance.now();
        if (k === 'scroll')
          view.dispatchEvent(
            new WheelEvent('wheel', {
              deltaY: i % 16 < 8 ? 100 : -100,
              clientX: cx,
              clientY: cy,
              bubbles: true,
              cancelable: true,
            }),
          );
        else
          view.dispatchEvent(
            new PointerEvent('pointermove', {
              button: 2,
              clientX: cx + ((i * 7) % 80) - 40,
              clientY: cy + ((i * 5) % 60) - 30,
              pointerId: 1,
              bubbles: true,
            }),
          );
        await hook.rendered();
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        wall.push(performance.now() - t0);
      }
      if (k === 'window')
        view.dispatchEvent(new PointerEvent('pointerup', { button: 2, pointerId: 1, bubbles: true }));
      return wall.sort((a, b) => a - b)[Math.floor(wall.length / 2)];
    },
    [kind, count] as const,
  );
}

const scroll = await profiled('scroll x30', () => inPage('scroll', 30));
const windowing = await profiled('window x30', () => inPage('window', 30));

// A trace of 10 scroll frames: main-thread and GPU-process events by total duration.
const events: { name: string; ph: string; dur?: number; pid: number; tid: number; cat: string }[] = [];
cdp.on('Tracing.dataCollected', (e: { value: typeof events }) => events.push(...e.value));
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
await browser.close();
await host.close();
await runtime.close();
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(path.join(repoRoot, 'test-output'), { recursive: true });
writeFileSync(path.join(repoRoot, 'test-output', 'profile-ui.json'), JSON.stringify(report, null, 2));
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
