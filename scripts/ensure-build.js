// `npm start` builds first when there is no build yet, so a fresh clone starts with one command.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('build/handler.js')) {
  console.log('No build yet: running `npm run build` first…');
  execSync('npm run build', { stdio: 'inherit' });
}
