// Shared by `npm run bench:ui` and bench/ui-profile.ts: a loopback host over a fresh runtime with
// the phantom exam imported, headless Chromium on it, and the in-page input streams they time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createRuntime } from '../electron/services';
import { openBrowser, type Browser } from '../test/e2e/ui/chromium';
import { ensurePhantom, ensureRendererBuilt, repoRoot } from '../test/e2e/ui/fixtures';
import { serveRuntime } from '../test/e2e/ui/serve-runtime';

export interface BenchSession {
  browser: Browser;
  page: Page;
  url: string;
  close(): Promise<void>;
}

export async function openBenchSession(tag: string): Promise<BenchSession> {
  const exam = ensurePhantom(path.join(repoRoot, 'test-output', 'e2e-ui', 'exam-seed1'), 1);
  ensureRendererBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), `sij-${tag}-`));
  const runtime = await createRuntime({ dataDir, transport: 'loopback', model: false });
  await runtime.services.handlers['studies.import']({ paths: [exam] });
  const host = await serveRuntime(runtime);
  const browser = await openBrowser();
  return {
    browser,
    page: browser.page,
    url: host.url,
    async close() {
      await browser.close();
      await host.close();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface InputTimes {
  /** one event, the render it causes and the next animation frame (compositing), per event */
  latency: number[];
  /** a continuous stream, the next event as soon as the previous frame is drawn: frame intervals */
  interval: number[];
  /** the vtk render call alone, per event */
  render: number[];
}

/**
 * Wheel scrolling or a right-drag window/level on the T1 acquired view, measured inside the page
 * (no automation round trips): `count` events for latency, then `count` as a continuous stream.
 * (No named inner functions: tsx would inject a __name helper the page does not have.)
 */
export function timeInput(page: Page, kind: 'scroll' | 'window', count: number): Promise<InputTimes> {
  return page.evaluate(
    async ([k, n]) => {
      const view = document.querySelector('[data-view="t1-native"]') as HTMLElement;
      const hook = (
        window as unknown as { __sijViewer: { rendered(): Promise<void>; lastRenderMs(): number } }
      ).__sijViewer;
      const box = view.getBoundingClientRect();
      const cx = box.left + box.width / 2;
      const cy = box.top + box.height / 2;
      const latency: number[] = [];
      const interval: number[] = [];
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
      let last = 0;
      for (let i = 0; i < 2 * (n as number); i++) {
        const continuous = i >= (n as number);
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
          view.dispatchEvent(
            new PointerEvent('pointermove', {
              button: 2,
              clientX: cx + ((i * 7) % 80) - 40,
              clientY: cy + ((i * 5) % 60) - 30,
              pointerId: 1,
              bubbles: true,
            }),
          );
        }
        await hook.rendered();
        if (continuous) {
          const now = performance.now();
          if (last) interval.push(now - last);
          last = now;
        } else {
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          latency.push(performance.now() - t0);
        }
        render.push(hook.lastRenderMs());
      }
      if (k === 'window')
        view.dispatchEvent(new PointerEvent('pointerup', { button: 2, pointerId: 1, bubbles: true }));
      return { latency, interval, render };
    },
    [kind, count] as const,
  );
}
