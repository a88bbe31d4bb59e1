// `npm run bench:ui`: reading-view performance in headless Chromium with software WebGL
// (SwiftShader) at 1280x800: time from opening a 2-series exam to the first rendered image, frame
// times while scrolling and dragging window/level, and renderer memory after opening and closing
// the exam 10 times (vtk objects and the WebGL context must be released). A benchmark, not a test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDispatcher } from '../electron/api';
import { startLoopbackHost } from '../electron/host';
import { createRuntime, rendererDist } from '../electron/services';
import { openBrowser } from '../test/e2e/ui/chromium';
import { ensurePhantom, ensureRendererBuilt, repoRoot } from '../test/e2e/ui/fixtures';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

const exam = ensurePhantom(path.join(repoRoot, 'test-output', 'e2e-ui', 'exam-seed1'), 1);
ensureRendererBuilt();
const dataDir = mkdtempSync(path.join(tmpdir(), 'sij-bench-ui-'));
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

/**
 * Frame times measured inside the page (no automation round trips): dispatch one input event on
 * the view, wait for the render it causes and the next animation frame (compositing), repeat.
 */
// (No named inner functions below: tsx would inject a __name helper the page does not have.)
async function frameTimes(kind: 'scroll' | 'window', count: number) {
  const times = await page.evaluate(
    async ([k, n]) => {
      const view = document.querySelector('[data-view="t1-native"]') as HTMLElement;
      const hook = (
        window as unknown as { __sijViewer: { rendered(): Promise<void>; lastRenderMs(): number } }
      ).__sijViewer;
      const box = view.getBoundingClientRect();
      const cx = box.left + box.width / 2;
      const cy = box.top + box.height / 2;
      const wall: number[] = [];
      const render: number[] = [];
      if (k === 'window') {
        view.dispatchEvent(
          new PointerEvent('pointerdown', {
            button: 2,
            clientX: cx,
            clientY: cy,
            pointerId: 1,
            bubbles: true,
          }),
        );
      }
      for (let i = 0; i < (n as number); i++) {
        const t0 = performance.now();
        if (k === 'scroll') {
          view.dispatchEvent(
            new WheelEvent('wheel', {
              deltaY: i % 16 < 8 ? 100 : -100,
              clientX: cx,
              clientY: cy,
              bubbles: true,
              cancelable: true,
            }),
          );
        } else {
          const x = cx + ((i * 7) % 80) - 40;
          const y = cy + ((i * 5) % 60) - 30;
          view.dispatchEvent(
            new PointerEvent('pointermove', {
              button: 2,
              clientX: x,
              clientY: y,
              pointerId: 1,
              bubbles: true,
            }),
          );
        }
        await hook.rendered();
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        wall.push(performance.now() - t0);
        render.push(hook.lastRenderMs());
      }
      if (k === 'window')
        view.dispatchEvent(new PointerEvent('pointerup', { button: 2, pointerId: 1, bubbles: true }));
      return { wall, render };
    },
    [kind, count] as const,
  );
  return {
    frameMedianMs: median(times.wall),
    frameP90Ms: p90(times.wall),
    renderCallMedianMs: median(times.render),
  };
}

await page.goto(host.url);
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
    canvasesLeftAfterClose: canvasesLeft,
  },
  machineLoad: (await import('node:os')).loadavg()[0],
  targets: { openToFirstImageMs: 1000, frameMedianMs: 33, memoryGrowth: 'none' },
};
await browser.close();
await host.close();
await runtime.close();
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(path.join(repoRoot, 'test-output'), { recursive: true });
writeFileSync(path.join(repoRoot, 'test-output', 'bench-ui.json'), JSON.stringify(report, null, 2));
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
