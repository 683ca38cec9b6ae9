// The MIS report for the period and offices in the address (`?from=&to=&office=`, and for the state officer
// `&district=&subdivision=`), so a link or the back button gives the same report; with none, the API's default
// period for the reader's whole jurisdiction. The offices the form offers are the blocks of that whole
// jurisdiction, so a report for one block asks for the whole one too. The state officer moves between levels by the
// report's own links and breadcrumbs instead, so one request is enough.
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
  if (user.role === 'state') {
    const summary = await ask(client.GET('/api/mis/summary', { fetch, params: { query: { ...period, ...drill } } }));
    return { asked, summary, blocks: [] };
  }
  const [summary, whole] = await Promise.all([
    ask(client.GET('/api/mis/summary', { fetch, params: { query: { ...period, ...drill } } })),
    asked.office ? ask(client.GET('/api/mis/summary', { fetch, params: { query: period } })) : null
  ]);
  const all = whole ?? summary;
  return { asked, summary, blocks: all.ok ? all.data.blocks : [] };
};
