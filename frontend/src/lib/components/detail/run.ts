import type { ApiError } from '../../errors';
import type { CaseDetail } from '../../types';

/** Run performs an action on the open case; it resolves to the error, or null when saved. */
export type Run = (f: () => Promise<CaseDetail>) => Promise<ApiError | null>;
