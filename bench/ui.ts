// `npm run bench:ui`: reading-view performance in headless Chromium with software WebGL
// (SwiftShader) at 1280x800: time from opening a 2-series exam to the first rendered image, frame
// times while scrolling and dragging window/level, and renderer memory after opening and closing
// the exam 10 times (vtk objects and the WebGL context must be released). A benchmark, not a test.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../test/e2e/ui/fixtures';
import { openBenchSession, timeInput } from './ui-session';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

const session = await openBenchSession('bench-ui');
const { page, browser } = session;
const cdp = await browser.context.newCDPSession(page);
await cdp.send('Performance.enable');

type Hook = Record<string, (...a: unknown[]) => unknown>;
const hook = <T>(name: string, ...args: unknown[]) =>
  page.evaluate(
    ([n, a]) =>
      (window as unknown as { __sijViewer: Hook }).__sijViewer[n as string](...(a as unknown[])) as T,
    [name, args] as const,
  );

/** Wall time until both series are drawn, and the page's own time to its first drawn image. */
async function openExam(): Promise<{ allMs: number; firstImageMs: number }> {
  const start = Date.now();
  await page.getByTestId('study-row').first().dblclick();
  await page.waitForFunction(() =>
    (window as unknown as { __sijViewer?: { ready(): boolean } }).__sijViewer?.ready(),
  );
  await hook('rendered');
  return { allMs: Date.now() - start, firstImageMs: await hook<number>('firstImageMs') };
}

async function heapMb(): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
}

/** Frame time (continuous input, the target), latency and the render call alone. */
async function frameTimes(kind: 'scroll' | 'window', count: number) {
  const times = await timeInput(page, kind, count);
  return {
    frameMedianMs: median(times.interval),
    frameP90Ms: p90(times.interval),
    latencyMedianMs: median(times.latency),
    renderCallMedianMs: median(times.render),
  };
}

await page.goto(session.url);
await page.getByTestId('study-row').first().waitFor();
const heapBefore = await heapMb();
const first = await openExam();

const openPhases = await hook<Record<string, number>>('timings');
const scrolling = await frameTimes('scroll', 40);
const windowing = await frameTimes('window', 40);

await page.keyboard.press('Escape');
await page.getByTestId('study-row').first().waitFor();
const heapAfterFirst = await heapMb();
const opens = [first];
for (let n = 0; n < 9; n++) {
  opens.push(await openExam());
  await page.keyboard.press('Escape');
  await page.getByTestId('study-row').first().waitFor();
}
const heapAfterTen = await heapMb();
// Ten more: a leak grows again by about as much; a one-off cache (shaders, fonts, JIT) does not.
for (let n = 0; n < 10; n++) {
  await openExam();
  await page.keyboard.press('Escape');
  await page.getByTestId('study-row').first().waitFor();
}
const heapAfterTwenty = await heapMb();
const canvasesLeft = await page.evaluate(() => document.querySelectorAll('canvas').length);

const report = {
  viewport: '1280x800 DPR 1, headless Chromium, SwiftShader WebGL',
  exam: '2 series (T1 + STIR), phantom seed 1',
  openToFirstImageMs: {
    first: first.firstImageMs,
    medianOf10: median(opens.map((o) => o.firstImageMs)),
    phasesOfFirstMs: openPhases,
  },
  openToBothSeriesDrawnMs: {
    first: first.allMs,
    medianOf10: median(opens.map((o) => o.allMs)),
  },
  scrolling,
  windowLevelDrag: windowing,
  memory: {
    jsHeapBeforeMb: heapBefore,
    jsHeapAfterFirstCloseMb: heapAfterFirst,
    jsHeapAfterTenMb: heapAfterTen,
    growthFirstToTenthMb: heapAfterTen - heapAfterFirst,
    jsHeapAfterTwentyMb: heapAfterTwenty,
    growthTenthToTwentiethMb: heapAfterTwenty - heapAfterTen,
    canvasesLeftAfterClose: canvasesLeft,
  },
  machineLoad: (await import('node:os')).loadavg()[0],
  targets: { openToFirstImageMs: 1000, frameMedianMs: 33, memoryGrowth: 'none' },
};
await session.close();
mkdirSync(path.join(repoRoot, 'test-output'), { recursive: true });
writeFileSync(path.join(repoRoot, 'test-output', 'bench-ui.json'), JSON.stringify(report, null, 2));
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
