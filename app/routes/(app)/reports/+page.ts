// The MIS report for the period and offices in the address (`?from=&to=&office=`, and for the state officer
// `&district=&subdivision=`), so a link or the back button gives the same report; with none, the API's default
// period for the reader's whole jurisdiction. The report names the offices of that whole jurisdiction for the
// form's choice, so one request is enough at every level.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

/** Who reads MIS reports (api/authz.ts grants `mis:read`); anyone else is told so without asking the API. */
const readers = ['bdo', 'sdo', 'dm', 'state'];

export const load: PageLoad = async ({ fetch, url, parent }) => {
  const param = (name: string) => url.searchParams.get(name) ?? '';
  const asked = { from: param('from'), to: param('to'), office: param('office'), district: param('district'), subdivision: param('subdivision') };
  const { user } = await parent();
  if (!readers.includes(user.role)) return { asked, summary: null, blocks: [] };
  const period = { from: asked.from || undefined, to: asked.to || undefined };
  const drill = { district: asked.district || undefined, subdivision: asked.subdivision || undefined, office: asked.office || undefined };
  const summary = await ask(client.GET('/api/mis/summary', { fetch, params: { query: { ...period, ...drill } } }));
  return { asked, summary, blocks: summary.ok ? summary.data.offices : [] };
};
