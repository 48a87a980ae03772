import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyPress } from './shortcuts';

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, inTextField: false, ...over });

describe('shortcutFor', () => {
  it('starts and stops with Ctrl or Cmd, even while typing in the form', () => {
    expect(shortcutFor(press('Enter', { ctrlKey: true, inTextField: true }))).toBe('start');
    expect(shortcutFor(press('Enter', { metaKey: true }))).toBe('start');
    expect(shortcutFor(press('.', { ctrlKey: true }))).toBe('stop');
    expect(shortcutFor(press('Enter'))).toBeNull();
  });

  it('zooms and pans with plain keys, but not while typing', () => {
    expect(shortcutFor(press('+'))).toBe('zoom-in');
    expect(shortcutFor(press('='))).toBe('zoom-in');
    expect(shortcutFor(press('-'))).toBe('zoom-out');
    expect(shortcutFor(press('0'))).toBe('zoom-reset');
    expect(shortcutFor(press('ArrowLeft'))).toBe('pan-back');
    expect(shortcutFor(press('ArrowRight'))).toBe('pan-forward');
    expect(shortcutFor(press('l'))).toBe('toggle-follow');
    expect(shortcutFor(press('0', { inTextField: true }))).toBeNull();
    expect(shortcutFor(press('-', { ctrlKey: true }))).toBeNull();
  });

  it('records with R, as the Record button does, but not while typing or with a modifier (Ctrl+R reloads)', () => {
    expect(shortcutFor(press('r'))).toBe('record');
    expect(shortcutFor(press('R'))).toBe('record');
    expect(shortcutFor(press('r', { inTextField: true }))).toBeNull();
    expect(shortcutFor(press('r', { ctrlKey: true }))).toBeNull();
  });
});
