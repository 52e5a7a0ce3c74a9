import type { OAuthFlow } from '../../core/api/connections';
import { dispatch } from '../../core/app/dispatch';
import type { TestApp } from './test-app';

/**
 * The calls an OAuth test makes against a test app: `call` answers a method's
 * result or throws its error, `settle` polls a Connect flow until it leaves
 * `waiting` (bounded: `polls` × 25 ms).
 */
export function oauthCalls(app: () => TestApp, polls = 200) {
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const answer = await dispatch(app().handlers, method as never, input, { actor: 'manual' });
    if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    return answer.result as T;
  };
  const settle = async (flowId: string): Promise<OAuthFlow> => {
    for (let i = 0; i < polls; i++) {
      const flow = await call<OAuthFlow>('connections.connect.status', { flowId });
      if (flow.state !== 'waiting') return flow;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the flow never settled');
  };
  return { call, settle };
}
