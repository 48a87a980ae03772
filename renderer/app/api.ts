/** Gives feature views the typed back-end API; the reception view goes through its binding instead. */
import { createContext, useContext } from 'react';
import type { GapscopeApi } from '../../shared/contract';

/** The window's API, provided once in main.tsx. */
export const ApiContext = createContext<GapscopeApi | null>(null);

/** The window's API; fails loudly if a component is rendered outside the provider. */
export function useApi(): GapscopeApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi needs an ApiContext provider');
  return api;
}
