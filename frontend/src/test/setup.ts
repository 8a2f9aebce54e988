import '@testing-library/jest-dom/vitest';
import '@testing-library/svelte/vitest';

// jsdom has no layout: element sizes are 0 and ResizeObserver is missing.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResize as unknown as typeof ResizeObserver;
