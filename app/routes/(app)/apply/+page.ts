// The wizard's offices (issue 15 item 1): the 23 districts, and the blocks and municipal areas of the one the applicant
// most likely lives in — an operator's own district, otherwise North 24 Parganas — rather than every office of the
// state, which a phone would download for one choice. Another district's offices are fetched when it is chosen. With
// no network both come from the service worker's last copy, or are empty; the draft itself is read on the device.
import { districtOf, loadOffices } from '$lib/offices.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent }) => {
  const { user } = await parent();
  const district = user.role === 'operator' && user.officeId ? districtOf(user.officeId) : 'n24pgs';
  const [districts, offices] = await Promise.all([loadOffices(fetch, { kind: 'district' }), loadOffices(fetch, { district })]);
  // A counter files for its own district only (the API refuses another's), so an operator is offered that one.
  return { district, districts: user.role === 'operator' ? districts.filter((d) => d.id === district) : districts, offices };
};
