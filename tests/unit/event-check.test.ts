import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../core/api/contract';
import type { EventName } from '../../core/api/names';
import { checkEventPayload } from '../../core/app/event-check';
import { EventHub } from '../../core/base/event-hub';
import { createTestApp } from '../helpers/test-app';

/**
 * The renderer trusts event payloads by their contract types
 * (renderer/src/client/client.ts). In development and tests the host checks
 * each event against the contract before sending it, as dispatch checks outputs.
 */
describe('events are checked against the contract before anyone receives them', () => {
  const collect = (hub: EventHub) => {
    const got: string[] = [];
    hub.subscribe((event) => got.push(event));
    return got;
  };

  it('a payload that breaks its schema is refused and named; a valid one is delivered', () => {
    const refused: [EventName, string][] = [];
    const hub = new EventHub({ check: checkEventPayload, onRefused: (event, problem) => refused.push([event, problem]) });
    const got = collect(hub);
    hub.emit('run.finished', { id: 'seven', state: 'succeeded' } as unknown as EventPayload<'run.finished'>);
    expect(got).toEqual([]);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.[1]).toContain('id');
    hub.emit('schedules.changed', {});
    expect(got).toEqual(['schedules.changed']);
  });

  it('the app checks its events in tests (NODE_ENV=test), so a test would see a payload its types lie about', async () => {
    const app = await createTestApp();
    try {
      const got = collect(app.events);
      app.events.emit('notification', { kind: 'no-such-kind', title: 1 } as unknown as EventPayload<'notification'>);
      app.events.emit('schedules.changed', {});
      expect(got).toEqual(['schedules.changed']);
    } finally {
      await app.dispose();
    }
  });
});
