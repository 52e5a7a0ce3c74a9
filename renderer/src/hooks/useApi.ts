import type { MethodInput, MethodName, MethodOutput } from '@core/api';
import {
  keepPreviousData,
  useMutation,
  useQuery,
  type UseMutationOptions,
  type UseQueryOptions,
} from '@tanstack/react-query';
import type { ClientError } from '../client/client-error';
import { useClient } from './useClient';

/**
 * Query keys are `[method, input]`: invalidating `[method]` refreshes every
 * page, filter and sort of that method at once.
 */
export function apiKey<M extends MethodName>(method: M, input?: MethodInput<M>) {
  return input === undefined ? ([method] as const) : ([method, input] as const);
}

type QueryOptions<M extends MethodName> = Omit<
  UseQueryOptions<MethodOutput<M>, ClientError>,
  'queryKey' | 'queryFn'
> & { keepPrevious?: boolean };

export function useApiQuery<M extends MethodName>(method: M, input: MethodInput<M>, options: QueryOptions<M> = {}) {
  const client = useClient();
  const { keepPrevious, ...rest } = options;
  return useQuery<MethodOutput<M>, ClientError>({
    queryKey: apiKey(method, input),
    queryFn: () => client.request(method, input),
    // Paged tables keep showing the old page while the next one loads.
    ...(keepPrevious ? { placeholderData: keepPreviousData } : {}),
    ...rest,
  });
}

export function useApiMutation<M extends MethodName>(
  method: M,
  options: Omit<UseMutationOptions<MethodOutput<M>, ClientError, MethodInput<M>>, 'mutationFn'> = {},
) {
  const client = useClient();
  return useMutation<MethodOutput<M>, ClientError, MethodInput<M>>({
    mutationFn: (input) => client.request(method, input),
    ...options,
  });
}
