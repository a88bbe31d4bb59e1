// `npx tsx bench/ui-threads.ts`: CPU time per frame of each Chromium thread (user + system, from
// /proc) while scrolling and dragging window/level, summed over the browser's processes by process
// type and thread name. Frame intervals alone hide where the time goes on a loaded machine; CPU
// time per thread does not. A diagnostic beside `npm run bench:ui`, not a test. Linux only.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { openBenchSession, timeInput } from './ui-session';

/** Kernel clock ticks are 10 ms on Linux builds with USER_HZ 100 (the norm). */
const TICK_MS = 10;

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function statFields(file: string): { name: string; fields: string[] } {
  const text = readFileSync(file, 'utf8');
  const close = text.lastIndexOf(')');
  return { name: text.slice(text.indexOf('(') + 1, close), fields: text.slice(close + 2).split(' ') };
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number(statFields(`/proc/${entry}/stat`).fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while the list was read.
    }
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** CPU milliseconds so far per "process type/thread name" (numbered thread pools merged). */
function cpuByThread(pids: number[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const pid of pids) {
    try {
      // Chromium rewrites its children's command lines with spaces between the arguments.
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const { name, fields } = statFields(`/proc/${pid}/task/${tid}/stat`);
        const key = `${type}/${name.replace(/\d+$/, '#')}`;
        const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
        totals.set(key, (totals.get(key) ?? 0) + ms);
      }
    } catch {
      // The process or thread ended between listing and reading.
    }
  }
  return totals;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const events = Number(process.env.SIJ_BENCH_EVENTS ?? 60);

const session = await openBenchSession('ui-threads');
const { page } = session;
await page.goto(session.url);
await page.getByTestId('study-row').first().dblclick();
await page.waitForFunction(() =>
  (window as unknown as { __sijViewer?: { ready(): boolean } }).__sijViewer?.ready(),
);
const loadBefore = loadavg()[0];
const report: Record<string, unknown> = {};
for (const kind of ['scroll', 'window'] as const) {
  await timeInput(page, kind, 10);
  const pids = descendants(process.pid);
  const before = cpuByThread(pids);
  const start = Date.now();
  const times = await timeInput(page, kind, events);
  const wallMs = Date.now() - start;
  const after = cpuByThread(pids);
  // timeInput sends `events` one at a time and then `events` as a stream: 2 * events frames.
  const frames = 2 * events;
  const perFrame = [...after.entries()]
    .map(([key, ms]) => [key, (ms - (before.get(key) ?? 0)) / frames] as const)
    .filter(([, ms]) => ms >= 0.2)
    .sort((a, b) => b[1] - a[1]);
  report[kind] = {
    frames,
    wallPerFrameMs: wallMs / frames,
    frameIntervalMedianMs: median(times.interval),
    cpuPerFrameMs: Object.fromEntries(perFrame.map(([key, ms]) => [key, Math.round(ms * 10) / 10])),
    cpuPerFrameTotalMs: Math.round(perFrame.reduce((sum, [, ms]) => sum + ms, 0) * 10) / 10,
  };
}
report.load = { before: loadBefore, after: loadavg()[0] };
await session.close();
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
