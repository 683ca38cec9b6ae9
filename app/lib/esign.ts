// eSign from the officer's browser (issue 14): the server prepares the signed eSign 2.1 request, and its hand-off
// page form-posts it to the ESP as the specification has it (a top-level navigation, so the ESP's page and its
// answer work on a phone without pop-ups). The answer comes back to the server, which redirects here with the outcome.
import { ask, client, type ApiResult, type Schemas } from './api.ts';

/**
 * Starts the eSign and leaves for the ESP through the server's hand-off page (the PWA's CSP lets its own forms post
 * only to itself); on failure returns the error to show.
 */
export async function goToEsign(ain: string, version: number): Promise<ApiResult<Schemas['EsignStart']>> {
  const res = await ask(client.POST('/api/esign/start', { body: { ain, version } }));
  if (res.ok) location.assign(res.data.goUrl);
  return res;
}
