/** Every keyboard shortcut of the reading workstation, in one table (shown with `?`). */
export type ShortcutAction =
  | 'slice-next'
  | 'slice-prev'
  | 'slice-next-5'
  | 'slice-prev-5'
  | 'view-next'
  | 'layout-next'
  | 'maximise'
  | 'preset-auto'
  | 'preset-1'
  | 'preset-2'
  | 'overlay-active_inflammation'
  | 'overlay-asas_bme'
  | 'overlay-structural'
  | 'overlay-off'
  | 'tool-distance'
  | 'tool-mark-lesion'
  | 'focus-reading'
  | 'handle-next'
  | 'handle-move'
  | 'handle-release'
  | 'reset-view'
  | 'study-next'
  | 'study-prev'
  | 'worklist'
  | 'help';

export interface Shortcut {
  keys: string[];
  action: ShortcutAction;
  description: string;
  where: 'reading' | 'worklist' | 'everywhere';
  /** Bound only in this state; such entries win over the plain binding of the same key. */
  when?: 'handle-selected';
}

/** States of the reading view that rebind keys. */
export type ShortcutState = NonNullable<Shortcut['when']>;

export const shortcuts: Shortcut[] = [
  {
    keys: ['ArrowDown', 'j'],
    action: 'slice-next',
    description: 'Next slice in the active view',
    where: 'reading',
  },
  {
    keys: ['ArrowUp', 'k'],
    action: 'slice-prev',
    description: 'Previous slice in the active view',
    where: 'reading',
  },
  { keys: ['PageDown'], action: 'slice-next-5', description: '5 slices forward', where: 'reading' },
  { keys: ['PageUp'], action: 'slice-prev-5', description: '5 slices back', where: 'reading' },
  { keys: ['Tab'], action: 'view-next', description: 'Make the next view active', where: 'reading' },
  { keys: ['l'], action: 'layout-next', description: 'Next layout (2x3, 1x2, single)', where: 'reading' },
  { keys: ['f'], action: 'maximise', description: 'Maximise / restore the active view', where: 'reading' },
  {
    keys: ['0'],
    action: 'preset-auto',
    description: 'Window: automatic from the histogram',
    where: 'reading',
  },
  { keys: ['1'], action: 'preset-1', description: 'Window: T1 marrow / STIR edema preset', where: 'reading' },
  { keys: ['2'], action: 'preset-2', description: 'Window: wide', where: 'reading' },
  {
    keys: ['i'],
    action: 'overlay-active_inflammation',
    description: 'Heatmap: active inflammation on/off (not while a blinded reading is uncommitted)',
    where: 'reading',
  },
  {
    keys: ['b'],
    action: 'overlay-asas_bme',
    description: 'Heatmap: ASAS BME on/off (not while blinded)',
    where: 'reading',
  },
  {
    keys: ['s'],
    action: 'overlay-structural',
    description: 'Heatmap: structural on/off (not while blinded)',
    where: 'reading',
  },
  { keys: ['h'], action: 'overlay-off', description: 'Hide all heatmaps', where: 'reading' },
  {
    keys: ['d'],
    action: 'tool-distance',
    description: 'Distance tool on/off (drag to measure)',
    where: 'reading',
  },
  {
    keys: ['m'],
    action: 'tool-mark-lesion',
    description: 'Mark-lesion tool on/off (click a quadrant: its grid cell toggles the chosen lesion)',
    where: 'reading',
  },
  {
    keys: ['g'],
    action: 'focus-reading',
    description:
      'Go to the reading form (then J/K, Y/N, 0-4, A accept, O override; V commits a blinded read and shows the model)',
    where: 'reading',
  },
  {
    keys: ['q'],
    action: 'handle-next',
    description:
      'Joint handles (form open): select the next one (left centre, left top, right centre, right top, none)',
    where: 'reading',
  },
  {
    keys: ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'],
    action: 'handle-move',
    description:
      'With a joint handle selected: centre moves 1 mm; top turns 1° (left/right) or lengthens/shortens 1 mm (up/down)',
    where: 'reading',
    when: 'handle-selected',
  },
  {
    keys: ['Escape'],
    action: 'handle-release',
    description: 'With a joint handle selected: deselect it (keys go back to the views)',
    where: 'reading',
    when: 'handle-selected',
  },
  { keys: ['r'], action: 'reset-view', description: 'Reset zoom, pan and window', where: 'reading' },
  { keys: ['n'], action: 'study-next', description: 'Next study', where: 'everywhere' },
  { keys: ['p'], action: 'study-prev', description: 'Previous study', where: 'everywhere' },
  { keys: ['Escape'], action: 'worklist', description: 'Back to the worklist', where: 'reading' },
  { keys: ['?'], action: 'help', description: 'Show / hide this table', where: 'everywhere' },
];

export const mouseBindings: { input: string; description: string }[] = [
  { input: 'Left click / drag', description: 'Move the linked crosshair (all views follow)' },
  { input: 'Wheel', description: 'Scroll slices (synchronised through the crosshair)' },
  { input: 'Right drag', description: 'Window / level' },
  { input: 'Middle drag or Shift + left drag', description: 'Pan' },
  { input: 'Ctrl + wheel or Ctrl + left drag', description: 'Zoom' },
  { input: 'Left drag with the distance tool', description: 'Measure a distance in mm' },
  { input: 'Left click with the mark-lesion tool', description: 'Toggle the lesion in that grid cell' },
  { input: 'Drag a joint handle (form open)', description: 'Move a joint centre or turn its line' },
];

/** The action bound to a key event in the given states, ignoring keys typed into form fields. */
export function actionFor(
  event: KeyboardEvent,
  states: readonly ShortcutState[] = [],
): ShortcutAction | null {
  const target = event.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) {
    return null;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const bound = shortcuts.filter((s) => s.keys.includes(event.key) && (!s.when || states.includes(s.when)));
  return (bound.find((s) => s.when) ?? bound[0])?.action ?? null;
}
