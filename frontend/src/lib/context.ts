import { getContext, setContext } from 'svelte';
import type { Api } from './types';
import type { AppState } from './state.svelte';

const apiKey = Symbol('api');
const stateKey = Symbol('state');

export function provideApi(api: Api): void {
  setContext(apiKey, api);
}

export function useApi(): Api {
  const api = getContext<Api | undefined>(apiKey);
  if (!api) throw new Error('api: no Api in context');
  return api;
}

export function provideState(s: AppState): void {
  setContext(stateKey, s);
}

export function useState(): AppState {
  const s = getContext<AppState | undefined>(stateKey);
  if (!s) throw new Error('state: no AppState in context');
  return s;
}
