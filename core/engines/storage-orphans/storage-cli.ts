import type { EngineCliPolicy } from '../engine-policies';

/**
 * storage-orphans on the CLI: `--user` becomes the user id its params and
 * findings use; `--provider` narrows a check of one user to one provider,
 * spelt as the admin knows it (drive) and handed over as the product database
 * and the engine spell it (google).
 */
export const storageCli: EngineCliPolicy = {
  commands: ['check', 'repair'],
  user: { as: 'id' },
  options: [
    {
      flags: '--provider <provider>',
      description: 'only this provider of --user (drive or dropbox)',
      params: (value) => ({ provider: value === 'drive' ? 'google' : value }),
    },
  ],
};
