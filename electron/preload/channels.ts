/** The two IPC channels of the desktop bridge, named once for the preload and the main-process binding. */

/** Renderer → main: one contract request (method, args), answered with an Outcome. */
export const CALL_CHANNEL = 'gapscope:call';
/** Main → renderer: one pushed event (name, payload). */
export const EVENT_CHANNEL = 'gapscope:event';
