// Acting charges (issue 13 item 2): the charges in the viewer's reach, the officers who may hold one and the offices.
// Only the superiors (SDO, DM, administrator) assign, so only they ask for the staff list; anyone else sees the
// charges they hold and no form.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

const assigners = ['sdo', 'dm', 'admin'];

export const load: PageLoad = async ({ fetch, parent }) => {
  const { user } = await parent();
  const assigns = assigners.includes(user.role);
  const [charges, staff, offices] = await Promise.all([
    ask(client.GET('/api/acting-charges', { fetch })),
    assigns ? ask(client.GET('/api/users', { fetch })) : null,
    ask(client.GET('/api/offices', { fetch }))
  ]);
  return { charges, staff: staff?.ok ? staff.data.users : [], offices: offices.ok ? offices.data.offices : [] };
};
