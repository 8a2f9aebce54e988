import '@testing-library/jest-dom/vitest';
import '@testing-library/svelte/vitest';
import { configure } from '@testing-library/svelte';

// The machine running the tests may be busy (other builds in parallel): give async
// queries more time than the 1 s default before they fail.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no layout: element sizes are 0 and ResizeObserver is missing.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResize as unknown as typeof ResizeObserver;
