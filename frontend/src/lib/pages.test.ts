import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, PageCache } from './pages';
import { makeRow } from './fakeapi';
import type { ListPage } from './types';

function setup(total: number) {
  const asked: number[] = [];
  let changes = 0;
  const cache = new PageCache(
    async (offset, limit): Promise<ListPage> => {
      asked.push(offset);
      const rows = [];
      for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push(makeRow(i));
      return { total, offset, rows };
    },
    () => changes++,
    (e) => { throw e; },
  );
  return { cache, asked, changes: () => changes };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('PageCache', () => {
  it('fetches each page once and serves rows from it', async () => {
    const { cache, asked, changes } = setup(1000);
    cache.ensure(0, 60);
    cache.ensure(10, 70); // in flight: not asked again
    await settle();
    expect(asked).toEqual([0, PAGE_SIZE]);
    expect(cache.total).toBe(1000);
    expect(cache.row(55)?.id).toBe('case-55');
    expect(changes()).toBe(2);
    cache.ensure(0, 100);
    await settle();
    expect(asked).toEqual([0, PAGE_SIZE]);
  });

  it('does not ask past the end once the total is known', async () => {
    const { cache, asked } = setup(60);
    cache.ensure(0, 10);
    await settle();
    cache.ensure(40, 200);
    await settle();
    expect(asked).toEqual([0, 50]);
    expect(cache.row(59)?.id).toBe('case-59');
    expect(cache.row(60)).toBeUndefined();
  });

  it('jumps straight to a far page', async () => {
    const { cache, asked } = setup(100000);
    cache.ensure(99990, 100000);
    await settle();
    expect(asked).toEqual([99950]);
    expect(cache.row(99999)?.id).toBe('case-99999');
  });
});
