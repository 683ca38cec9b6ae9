// Page paths in one place, so a renamed page is one edit.
export const routes = {
  home: '/',
  register: '/register',
  login: '/login',
  dashboard: '/dashboard',
  password: '/password',
  devInbox: '/dev/inbox',
  apply: '/apply',
  applications: '/applications',
  track: '/track',
  adminMessages: '/admin/messages',
  adminHolidays: '/admin/holidays',
  monitoring: '/monitoring',
  reports: '/reports',
  counter: '/counter',
  recover: '/recover',
  counterRecover: '/counter/recover',
  acting: '/acting',
  staff: (id: string) => `/staff/${encodeURIComponent(id)}`,
  adminCounters: '/admin/counters',
  findCounter: '/counters'
} as const;
