// The language a phone number hears us in, for SMS replies and USSD screens: the language of the account with that
// number, else what was chosen on the USSD menu by a number without an account; the caller decides the rest.
import type { Lang } from '../../i18n/index.ts';
import type { Queryable } from '../db/connect.ts';

/** Null when the number has neither an account nor a choice made on the USSD menu. */
export async function languageOfPhone(sql: Queryable, mobile: string): Promise<Lang | null> {
  const [row] = await sql<{ lang: Lang }[]>`
    select coalesce((select lang from users where mobile = ${mobile}), (select lang from phone_languages where mobile = ${mobile})) as lang`;
  return row?.lang ?? null;
}

/** Kept for the number, and for its account too: choosing a language on a feature phone is choosing it for SMS. */
export async function setPhoneLanguage(sql: Queryable, mobile: string, lang: Lang, at: Date): Promise<void> {
  await sql`
    insert into phone_languages (mobile, lang, updated_at) values (${mobile}, ${lang}, ${at})
    on conflict (mobile) do update set lang = excluded.lang, updated_at = excluded.updated_at`;
  await sql`update users set lang = ${lang} where mobile = ${mobile} and lang <> ${lang}`;
}
