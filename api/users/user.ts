import { randomInt } from 'node:crypto';
import type { Lang } from '../../i18n/index.ts';
import type { Role } from '../authz.ts';
import type { Queryable, Sql } from '../db/connect.ts';
import { ApiError } from '../http/errors.ts';
import { asciiDigits } from '../../shared/digits.ts';
import { coveredSql, withinSql } from '../offices/jurisdiction.ts';
import { toE164IndianMobile } from '../../shared/mobile.ts';

export async function getUser(sql: Sql, id: string): Promise<User | null> {
  const [row] = await sql<User[]>`select ${sql(columns)} from users where id = ${id}`;
  return row ?? null;
}

/**
 * Finds the account a login names: a user ID (any case), an email, or a mobile number written any common way.
 * Returns the password hash too, for the caller to verify.
 */
export async function findUserForLogin(sql: Sql, login: string): Promise<(User & LoginFields) | null> {
  const text = login.trim();
  const mobile = toE164IndianMobile(text);
  const rows = text.includes('@')
    ? await sql<(User & LoginFields)[]>`select ${sql(columns)}, ${sql(loginColumns)} from users where email = ${text.toLowerCase()}`
    : mobile
      ? await sql<(User & LoginFields)[]>`select ${sql(columns)}, ${sql(loginColumns)} from users where mobile = ${mobile}`
      : await sql<(User & LoginFields)[]>`select ${sql(columns)}, ${sql(loginColumns)} from users where lower(id) = ${asciiDigits(text).toLowerCase()}`;
  return rows[0] ?? null;
}

/**
 * Creates an account with a generated user ID ("WB" and 8 digits, easy to read out and to type on a keypad).
 * A duplicate mobile or email is an expected outcome, answered as a field error.
 */
export async function createUser(sql: Queryable, input: NewUser): Promise<User> {
  for (let attempt = 0; ; attempt++) {
    const id = input.id ?? `WB${randomInt(10_000_000, 100_000_000)}`;
    try {
      const [row] = await sql<User[]>`
        insert into users (id, name, mobile, email, role, office_id, lang, password_hash,
                           must_change_password, password_expires_at, created_by)
        values (${id}, ${input.name}, ${input.mobile}, ${input.email}, ${input.role}, ${input.officeId},
                ${input.lang}, ${input.passwordHash}, ${input.mustChangePassword}, ${input.passwordExpiresAt},
                ${input.createdBy})
        returning ${sql(columns)}`;
      return row!;
    } catch (err) {
      const constraint = (err as { constraint_name?: string }).constraint_name;
      if (constraint === 'users_mobile_key') throw new ApiError(409, 'mobile_taken', { fields: { mobile: 'field.mobile_taken' } });
      if (constraint === 'users_email_key') throw new ApiError(409, 'email_taken', { fields: { email: 'field.email_taken' } });
      // A clash on the random ID is rare (1 in 90 million per account); try another.
      if (constraint === 'users_pkey' && !input.id && attempt < 5) continue;
      throw err;
    }
  }
}

export async function setUserLanguage(sql: Queryable, id: string, lang: Lang): Promise<void> {
  await sql`update users set lang = ${lang} where id = ${id}`;
}

/**
 * The staff a manager sees: the administrator everyone; the DM those posted in the district (the accounts the DM
 * manages, DESIGN §13); the SDO the district's officers who may hold an acting charge in the subdivision (EOs, BDOs
 * and SDOs; acting/charges.ts decides who fits which post).
 */
export async function listStaff(sql: Sql, viewer: { role: Role; officeId: string | null }): Promise<StaffListed[]> {
  // The SDO names acting officers from anywhere in the district, wider than their own reach (api/authz.ts).
  const scope =
    viewer.role === 'sdo'
      ? sql`${withinSql(sql, 'district', sql`(select district_id from offices where id = ${viewer.officeId})`)} and u.role in ('eo', 'bdo', 'sdo')`
      : viewer.role === 'admin' || viewer.role === 'dm'
        ? coveredSql(sql, viewer)
        : sql`false`;
  return sql<StaffListed[]>`
    select ${sql(columns.map((c) => 'u.' + c))}, o.name_en as "officeName", u.deactivated_at
    from users u left join offices o on o.id = u.office_id
    where u.role not in ('citizen') and ${scope}
    order by u.role, o.name_en, u.name`;
}

const columns = ['id', 'name', 'mobile', 'email', 'role', 'office_id', 'lang', 'must_change_password'];
const loginColumns = ['password_hash', 'password_expires_at', 'deactivated_at'];

export interface User {
  id: string;
  name: string;
  mobile: string;
  email: string | null;
  role: Role;
  officeId: string | null;
  lang: Lang;
  mustChangePassword: boolean;
}

interface LoginFields {
  passwordHash: string;
  passwordExpiresAt: Date | null;
  /** A deactivated account cannot log in (issue 13). */
  deactivatedAt: Date | null;
}

export interface NewUser {
  id?: string;
  name: string;
  mobile: string;
  email: string | null;
  role: Role;
  officeId: string | null;
  lang: Lang;
  passwordHash: string;
  mustChangePassword: boolean;
  passwordExpiresAt: Date | null;
  createdBy: string | null;
}

export type StaffListed = User & { officeName: string | null; deactivatedAt: Date | null };
