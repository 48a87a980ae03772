/** Gives components the back-end commands without importing the API: the binding owns it. */
import { createContext, useContext } from 'react';
import type { Commands } from '../store/binding';

/** The commands of this window, provided once in main.tsx. */
export const CommandsContext = createContext<Commands | null>(null);

/** The window's commands; fails loudly if a component is rendered outside the provider. */
export function useCommands(): Commands {
  const c = useContext(CommandsContext);
  if (!c) throw new Error('useCommands needs a CommandsContext provider');
  return c;
}
