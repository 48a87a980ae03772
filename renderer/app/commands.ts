/** Reception's commands under the name its components use; they come with every feature's (app/api.ts). */
import type { Commands } from '../features/reception/receptionBinding';
import { useFeature } from './api';

/** The window's reception commands (start, stop, remove a stream; interfaces). */
export function useCommands(): Commands {
  return useFeature('reception');
}
