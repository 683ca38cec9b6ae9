// The dashboard names the user's office. With no network the list is empty and the page simply leaves the office out.
import { loadOffices } from '$lib/offices.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => ({ offices: await loadOffices(fetch) });
