import { describe, expect, it } from 'vitest';
import { describeUpdateError } from '../../electron/main/updater';

/**
 * A generic feed behind basic auth (SYNCWARDEN_UPDATE_URL=https://user:pass@host/…,
 * or a signed ?token= URL) is an ordinary setup. The status message reaches
 * the Settings page and an OS notification, neither of which goes through the
 * log's redaction.
 */
describe('update error messages never carry the feed’s credentials', () => {
  const feed = 'https://ada:s3cret-pass@updates.example/stable?token=feed-token-123';
  it.each([
    ['HTTP error', Object.assign(new Error('HttpError: 404'), { code: 'HTTP_ERROR_404' })],
    ['unreachable', new Error('net::ERR_NAME_NOT_RESOLVED')],
    ['channel file', Object.assign(new Error('Cannot find channel "latest-linux.yml" update info: HttpError: 404'), { code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' })],
    ['other, quoting the URL', new Error(`Cannot download "${feed}/Syncwarden-0.2.0.AppImage", status 403`)],
  ])('%s', (_name, error) => {
    const message = describeUpdateError(error, feed);
    expect(message).not.toContain('s3cret-pass');
    expect(message).not.toContain('feed-token-123');
    expect(message).toContain('updates.example');
  });
});
