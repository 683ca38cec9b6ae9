// The MIS report for the period and office in the address (`?from=&to=&office=`), so a link or the back button gives
// the same report; with none, the API's default period for the reader's whole jurisdiction. The offices the form
// offers are the blocks of that whole jurisdiction, so a report for one block asks for the whole one too.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url, parent }) => {
  const asked = { from: url.searchParams.get('from') ?? '', to: url.searchParams.get('to') ?? '', office: url.searchParams.get('office') ?? '' };
  const { user } = await parent();
  // Only the BDO, the SDO and the DM have reports; the page tells anyone else so without asking the API.
  if (!['bdo', 'sdo', 'dm'].includes(user.role)) return { asked, summary: null, blocks: [] };
  const period = { from: asked.from || undefined, to: asked.to || undefined };
  const [summary, whole] = await Promise.all([
    ask(client.GET('/api/mis/summary', { fetch, params: { query: { ...period, office: asked.office || undefined } } })),
    asked.office ? ask(client.GET('/api/mis/summary', { fetch, params: { query: period } })) : null
  ]);
  const all = whole ?? summary;
  return { asked, summary, blocks: all.ok ? all.data.blocks : [] };
};
