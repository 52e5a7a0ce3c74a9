import { describe, expect, it } from 'vitest';
import { EngineInfoSchema } from '../../core/api/models';
import { engineInfo } from '../../core/engines/engine';
import { BUILTIN_ENGINES } from '../../core/engines/registry';

/** What the Findings drawer offers comes from each engine's descriptor, served in app.info (never from engine ids in shared code). */
describe('engine metadata: finding actions', () => {
  const infos = BUILTIN_ENGINES.map((engine) => EngineInfoSchema.parse(engineInfo(engine)));

  it('every engine serves the three actions, null where it declares none', () => {
    for (const info of infos) expect(Object.keys(info.ui.findingActions).sort()).toEqual(['repair', 'restore', 'revert']);
  });

  it('a repair is offered only by engines that have a repair mode, and a revert only by those whose repairs are revertible', () => {
    for (const info of infos) {
      if (info.ui.findingActions.repair) expect(info.modes).toContain('repair');
      if (info.ui.findingActions.revert) expect(Object.keys(info.ui.revertActions).length).toBeGreaterThan(0);
    }
  });

  it('the actions declared today: storage quarantines and restores, identity repairs and reverts, media imports', () => {
    const summary = Object.fromEntries(
      infos.map((info) => [info.id, Object.entries(info.ui.findingActions).flatMap(([name, action]) => (action ? [`${name}:${action.statuses.join('|')}`] : []))]),
    );
    expect(summary).toEqual({
      identity: ['repair:open', 'revert:repaired'],
      'media-import': ['repair:open'],
      'sheet-import': [],
      'storage-orphans': ['repair:open', 'restore:quarantined'],
      'mail-import': [],
    });
  });
});
