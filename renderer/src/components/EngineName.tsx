import { useEngineInfo } from '../hooks/useEngineInfo';

/**
 * An engine by its title ("Storage orphans"), as the sidebar and Overview name it, not its id
 * ("storage-orphans"); the id until app.info answers, or for an engine this host does not offer.
 */
export function EngineName({ id }: { id: string }) {
  return <>{useEngineInfo(id)?.title ?? id}</>;
}
