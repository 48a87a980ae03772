/** Reception's commands under the name its components use; they come with every feature's (app/api.ts). */
import type { Commands } from '../store/binding';
import { useFeature } from './api';

/** The window's reception commands (start, stop, remove a stream; settings; interfaces). */
export function useCommands(): Commands {
  return useFeature('reception');
}
