import type { EngineInfo } from '@core/api';
import { useAppInfo } from './useAppInfo';

/**
 * One engine's metadata as the host serves it (app.info). Components ask it
 * what an engine offers (revert, start params, what an automatic repair
 * removes) instead of comparing engine ids (issue 17).
 */
export function useEngineInfo(engineId: string | null | undefined): EngineInfo | undefined {
  const engines = useAppInfo().data?.engines;
  return engineId ? engines?.find((engine) => engine.id === engineId) : undefined;
}
