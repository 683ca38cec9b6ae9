// Acting charges (issue 13 item 2): the charges in the viewer's reach, the officers who may hold one and the offices.
// The staff list answers only the superiors (SDO, DM, administrator); for anyone else it is empty and the form is not shown.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
  const [charges, staff, offices] = await Promise.all([
    ask(client.GET('/api/acting-charges', { fetch })),
    ask(client.GET('/api/users', { fetch })),
    ask(client.GET('/api/offices', { fetch }))
  ]);
  return { charges, staff: staff.ok ? staff.data.users : [], offices: offices.ok ? offices.data.offices : [] };
};
