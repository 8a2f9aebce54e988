// PageCache keeps the list pages already fetched for one query, so scrolling back and
// forth asks the store only for pages it has not seen. A new query means a new cache.

import type { CaseRow, ListPage } from './types';

export const PAGE_SIZE = 50;

export class PageCache {
  private pages = new Map<number, CaseRow[]>();
  private loading = new Set<number>();
  total = -1;

  constructor(
    private fetchPage: (offset: number, limit: number) => Promise<ListPage>,
    private onChange: () => void,
    private onError: (e: unknown) => void,
  ) {}

  row(i: number): CaseRow | undefined {
    return this.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
  }

  /** ensure fetches every page that holds a row in [from, to). */
  ensure(from: number, to: number): void {
    const first = Math.max(0, Math.floor(from / PAGE_SIZE));
    const last = Math.floor(Math.max(from, to - 1) / PAGE_SIZE);
    for (let p = first; p <= last; p++) {
      if (this.total >= 0 && p * PAGE_SIZE >= this.total && p > 0) break;
      if (this.pages.has(p) || this.loading.has(p)) continue;
      this.loading.add(p);
      this.fetchPage(p * PAGE_SIZE, PAGE_SIZE)
        .then((page) => {
          this.pages.set(p, page.rows ?? []);
          this.total = page.total;
        })
        .catch((e) => this.onError(e))
        .finally(() => {
          this.loading.delete(p);
          this.onChange();
        });
    }
  }
}
