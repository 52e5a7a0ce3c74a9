/**
 * Runs inside a dbus-run-session with an unlocked gnome-keyring (or without
 * any, for the unavailable case) and reports what KeytarSecretStore did, as JSON.
 */
import { KeytarSecretStore } from '../../core/secrets/keytar.secret-store';

async function main(): Promise<void> {
  const store = new KeytarSecretStore('Syncwarden-test');
  try {
    await store.set('connection/1/apiSecret', 's3cr3t-value');
    const read = await store.get('connection/1/apiSecret');
    await store.set('connection/1/apiSecret', 'rotated');
    const rotated = await store.get('connection/1/apiSecret');
    await store.delete('connection/1/apiSecret');
    const afterDelete = await store.get('connection/1/apiSecret');
    process.stdout.write(JSON.stringify({ ok: true, read, rotated, afterDelete }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, name: (error as Error).name, message: (error as Error).message }));
  }
}

void main();
