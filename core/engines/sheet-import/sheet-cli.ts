import { SheetSourcesRepository } from '../../store/sheet-sources.repo';
import type { EngineCliPolicy } from '../engine-policies';

/**
 * `syncwarden import|check sheet-import --source ID`: a run takes its source
 * as the Sheets page has it now (the same snapshot as the page's Import
 * button and a schedule's firing), so the CLI never needs the whole spec.
 */
export const sheetCli: EngineCliPolicy = {
  commands: ['import', 'check'],
  options: [
    {
      flags: '--source <id>',
      description: 'the sheet source to import or check (its id on the Sheets page)',
      async params(value, { store }) {
        const id = Number(value);
        const source = Number.isSafeInteger(id) && id > 0 ? await new SheetSourcesRepository(store.db).get(id) : undefined;
        if (!source) throw new Error(`there is no sheet source ${String(value)} (see the Sheets page)`);
        return { sourceId: id, source: source.spec };
      },
    },
  ],
};
