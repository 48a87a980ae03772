/** Gapscope's keyboard shortcuts as a pure table, so what each key does is tested without a browser. */

/** What a shortcut asks for. */
export type ShortcutAction = 'start' | 'stop' | 'record' | 'zoom-in' | 'zoom-out' | 'zoom-reset' | 'pan-back' | 'pan-forward' | 'toggle-follow';

/** The parts of a key event that decide the action. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** True when the focus is in a text field, where plain keys type rather than command. */
  inTextField: boolean;
}

/** The shortcuts as the help text lists them. */
export const SHORTCUT_HELP: readonly { keys: string; does: string }[] = [
  { keys: 'Ctrl/⌘ + Enter', does: 'Start the stream set up in the form' },
  { keys: 'Ctrl/⌘ + .', does: 'Stop the selected stream' },
  { keys: 'R', does: 'Record every running stream, or stop recording' },
  { keys: '+ / −', does: 'Zoom the chart in / out' },
  { keys: '0', does: 'Reset the zoom and follow live data' },
  { keys: '← / →', does: 'Pan the chart back / forward' },
  { keys: 'L', does: 'Toggle following live data' },
];

/** Maps a key press to an action, or null when the key is not a shortcut here. */
export function shortcutFor(k: KeyPress): ShortcutAction | null {
  const mod = k.ctrlKey || k.metaKey;
  if (mod && !k.altKey && k.key === 'Enter') return 'start';
  if (mod && !k.altKey && k.key === '.') return 'stop';
  if (mod || k.altKey || k.inTextField) return null;
  switch (k.key) {
    case '+':
    case '=':
      return 'zoom-in';
    case '-':
    case '_':
      return 'zoom-out';
    case '0':
      return 'zoom-reset';
    case 'ArrowLeft':
      return 'pan-back';
    case 'ArrowRight':
      return 'pan-forward';
    case 'l':
    case 'L':
      return 'toggle-follow';
    case 'r':
    case 'R':
      return 'record';
    default:
      return null;
  }
}
