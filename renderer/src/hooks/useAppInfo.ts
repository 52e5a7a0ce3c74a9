import { useApiQuery } from './useApi';

/** Host facts and engine list: they do not change while the host runs. */
export function useAppInfo() {
  return useApiQuery('app.info', {}, { staleTime: Infinity });
}
