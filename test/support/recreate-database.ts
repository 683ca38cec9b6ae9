// Usage: tsx test/support/recreate-database.ts postgres://…/name — drops and creates that database, for e2e runs.
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';

const target = new URL(process.argv[2] ?? '');
const name = target.pathname.slice(1);
if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('Give a database URL with a plain database name.');
const admin = new URL(target);
admin.pathname = '/postgres';
const sql = postgres(...postgresOptions(admin.toString(), { max: 1, onnotice: () => {} }));
await sql.unsafe(`drop database if exists ${name} with (force)`);
await sql.unsafe(`create database ${name}`);
await sql.end();
