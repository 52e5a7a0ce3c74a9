import { FINDING_STATUSES, type FindingStatus } from './findings';

/** The Findings page's filters that live in the URL, so a reload or a shared link shows the same list. */
export interface FindingsUrlFilters {
  /** null: any status, chosen on purpose. */
  status: FindingStatus | null;
  engine: string | null;
}

/** What the page shows when the URL says nothing: the findings still waiting for someone. */
export const DEFAULT_STATUS: FindingStatus = 'open';
/** The URL's word for "any status", so clearing the filter is kept apart from not having chosen. */
const ANY = 'any';

const isStatus = (value: string): value is FindingStatus => (FINDING_STATUSES as readonly string[]).includes(value);

export function readFindingsUrl(search: string): FindingsUrlFilters {
  const params = new URLSearchParams(search);
  const status = params.get('status');
  const engine = params.get('engine');
  return {
    status: status === ANY ? null : status !== null && isStatus(status) ? status : DEFAULT_STATUS,
    engine: engine ? engine : null,
  };
}

/** The search string with these filters, other parameters kept; the default status is written out too, so the link says what it shows. */
export function writeFindingsUrl(search: string, filters: FindingsUrlFilters): string {
  const params = new URLSearchParams(search);
  params.set('status', filters.status ?? ANY);
  if (filters.engine) params.set('engine', filters.engine);
  else params.delete('engine');
  return params.toString();
}

/** The search string without the Findings filters (left behind when the page closes). */
export function clearFindingsUrl(search: string): string {
  const params = new URLSearchParams(search);
  params.delete('status');
  params.delete('engine');
  return params.toString();
}
