// wailsApi: the Api (bindings.ts) bound to the Go methods of the window. Every call
// goes through wrap(), so a rejected promise always carries an ApiError with a German
// message, and a method listed in listResults resolves with [] where Go sent null.

import * as Runtime from '../../wailsjs/runtime/runtime';
import { bindings, listResults, type Api, type ApiOf, type Bindings } from './bindings';
import type { EventName, EventPayloads } from './events';
import { parseError } from './errors';

export { ApiError, parseError } from './errors';

type Call = (...args: unknown[]) => Promise<unknown>;

const lists: ReadonlySet<string> = new Set(listResults);

function wrap(name: string, fn: Call): Call {
  return async (...args) => {
    try {
      const r = await fn(...args);
      return r === null && lists.has(name) ? [] : r;
    } catch (e) {
      throw parseError(e);
    }
  };
}

/** wrapAll wraps every generated binding; ApiOf says what each becomes. */
export function wrapAll(b: Bindings): ApiOf<Bindings> {
  const api: Record<string, Call> = {};
  for (const [name, fn] of Object.entries(b)) api[name] = wrap(name, fn as Call);
  return api as ApiOf<Bindings>;
}

export const wailsApi: Api = {
  ...wrapAll(bindings),
  on<E extends EventName>(event: E, cb: (payload: EventPayloads[E]) => void) {
    try {
      // Go sends the payload EventPayloads names for the event (app/events_test.go).
      return Runtime.EventsOn(event, (payload: unknown) => cb(payload as EventPayloads[E]));
    } catch {
      // outside the Wails window (plain vite dev server) there are no events
      return () => {};
    }
  },
  acceptFileDrops() {
    try {
      // Wails' runtime listens for drops and hands them to Go (on Windows through
      // this listener); Go keeps the paths and sends EventFilesDropped. The paths
      // this callback also receives are ignored: the page never passes a path on.
      Runtime.OnFileDrop(() => {}, true);
      return () => Runtime.OnFileDropOff();
    } catch {
      return () => {};
    }
  },
  nativeFileDrop() {
    const w = window as unknown as { wails?: { flags?: { enableWailsDragAndDrop?: boolean } } };
    return w.wails?.flags?.enableWailsDragAndDrop === true;
  },
};
