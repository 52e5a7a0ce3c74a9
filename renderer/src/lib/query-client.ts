import { notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ClientError, errorMessage, isTransient } from '../client/client-error';

/** Every failed call becomes a toast with the host's message; identical ones are shown once. */
function showError(error: unknown, title = 'Request failed'): void {
  // The access page already explains a refused token; a toast per query would only add noise.
  if (error instanceof ClientError && error.code === 'unauthorized') return;
  const message = errorMessage(error);
  notifications.show({ id: `error:${message}`, color: 'red', title, message, autoClose: 8000 });
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    // A query whose failure its own widget explains (a person label) says `meta: { errorToast: false }`.
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.meta?.errorToast !== false) showError(error, 'Could not load data');
      },
    }),
    mutationCache: new MutationCache({
      // A form that puts the error on its own fields says `meta: { errorToast: false }`: one message, not two.
      onError: (error, _input, _context, mutation) => {
        if (mutation.meta?.errorToast !== false) showError(error, 'Action failed');
      },
    }),
    defaultOptions: {
      queries: {
        // Events keep runs fresh; a short stale time covers everything else.
        staleTime: 5_000,
        // Only a lost connection is worth retrying; a refused input will be refused again.
        retry: (failures, error) => isTransient(error) && failures < 3,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
