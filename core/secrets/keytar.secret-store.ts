import { SecretStoreUnavailable, type SecretStore } from './secret-store';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const KEYCHAIN_SERVICE = 'Syncwarden';

/** Failures that mean "there is no keychain here", as keytar reports them (toolchain.md). */
const UNAVAILABLE =
  /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|dbus-launch|org\.freedesktop\.secrets|locked collection|Object does not exist at path|Cannot spawn a message bus|was not provided by any \.service files|libsecret|cannot open shared object/i;

/**
 * The OS keychain through keytar (service "Syncwarden"). keytar is loaded on
 * first use, so a machine without libsecret can still run everything that
 * needs no secret, and the failure is a typed SecretStoreUnavailable.
 */
export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  private keytar: Promise<Keytar> | undefined;

  constructor(
    private readonly service = KEYCHAIN_SERVICE,
    private readonly load: () => Promise<unknown> = () => import('keytar'),
  ) {}

  get(key: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, key));
  }

  set(key: string, value: string): Promise<void> {
    return this.call((k) => k.setPassword(this.service, key, value));
  }

  async delete(key: string): Promise<void> {
    await this.call((k) => k.deletePassword(this.service, key));
  }

  private async call<T>(work: (keytar: Keytar) => Promise<T>): Promise<T> {
    this.keytar ??= this.load().then(
      (mod) => ((mod as { default?: Keytar }).default ?? mod) as Keytar,
      (error: unknown) => {
        this.keytar = undefined;
        throw new SecretStoreUnavailable(`keytar could not be loaded: ${(error as Error).message}`, { cause: error });
      },
    );
    const keytar = await this.keytar;
    try {
      return await work(keytar);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (UNAVAILABLE.test(message)) throw new SecretStoreUnavailable(message, { cause: error });
      throw error;
    }
  }
}
