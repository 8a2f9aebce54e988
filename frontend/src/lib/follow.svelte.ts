// follow keeps what the status bar shows of a long-running part of the app (the mail
// intake, the virus scanner): asked once when the component mounts, then replaced by
// every event that carries it.

import { onMount } from 'svelte';
import type { Api } from './bindings';
import type { EventName, EventPayloads } from './events';

/** A value that follows an event; null until the first answer. */
export interface Followed<T> {
  readonly value: T | null;
}

/** follow must be called while a component initialises (it uses onMount). */
export function follow<E extends EventName>(api: Api, event: E, get: () => Promise<EventPayloads[E]>): Followed<EventPayloads[E]> {
  let value = $state<EventPayloads[E] | null>(null);
  onMount(() => {
    const off = api.on(event, (p) => (value = p));
    get().then((v) => (value = v), () => {});
    return off;
  });
  return {
    get value() {
      return value;
    },
  };
}
