/**
 * Plays the system browser of an installed-app sign-in without a browser:
 * opens the provider's authorize URL (an emulator's consent page), presses
 * Allow or Deny, and follows the redirect to the loopback listener.
 */
export async function answerConsent(authUrl: string, decision: 'allow' | 'deny'): Promise<{ status: number; page: string }> {
  const consent = await fetch(authUrl, { redirect: 'manual' });
  const html = await consent.text();
  const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!requestId || !action) throw new Error(`no consent page at ${authUrl}: ${consent.status} ${html.slice(0, 200)}`);
  const answer = await fetch(new URL(action, authUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: requestId, decision }).toString(),
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`the consent page did not redirect: ${answer.status}`);
  const landed = await fetch(location);
  return { status: landed.status, page: await landed.text() };
}

/** True when nothing accepts connections at the URL's port any more. */
export async function isClosed(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}
