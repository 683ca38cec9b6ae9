// The USSD menu (DESIGN §6, Africa's Talking contract in GATEWAYS.md). The gateway sends everything the caller has
// typed this session in `text`, joined with `*`; the screen is worked out from that alone, so any request can be
// replayed, a caller may dial inputs directly (*384*123*1#), and no session state is kept here.
//
//   main ── 1 ─ enter AIN ── valid and found ─→ status
//        ├─ 2 ─ my applications (up to 3, by the calling number) ── 1..3 ─→ status
//        └─ 3 ─ language ── 1..3 ─→ main, in that language
//   0 goes back one screen, 00 to the main menu, 98 to the next page of a screen too long for one.
//
// Screens stay within what handsets show: 160 characters in English, 60 in Bengali or Hindi (sent as UCS-2; NIC's
// guidance for local scripts on USSD is 45–60 characters a screen, DESIGN §12). A screen with more to say — a
// status with its reason, remarks and expected date — is split into pages at line and word boundaries.
import { parseAin } from '../shared/ain.ts';
import { languages, translate, type Lang, type MessageKey } from '../i18n/index.ts';
import { languageNames } from '../i18n/index.ts';
import { placeName } from '../i18n/glossary.ts';
import { publicState, stateDate, type PublicStatus } from '../api/applications/track.ts';
import { isOpen } from '../shared/workflow.ts';
import { smsDate } from '../api/time.ts';
import { clip, smsReasons } from '../api/notify/templates.ts';

/** Remarks longer than this are cut at a word on a feature phone; the tracking page has them whole. */
const REMARKS_MAX = 120;

export interface UssdLookups {
  status(ain: string): Promise<PublicStatus | null>;
  mine(): Promise<PublicStatus[]>;
  saveLanguage(lang: Lang): Promise<void>;
}

export interface UssdScreen {
  end: boolean;
  text: string;
}

/** The most characters a screen may hold in each language. */
export const screenLimit: Record<Lang, number> = { en: 160, bn: 60, hi: 60 };
/** The input that turns to the next page. */
export const MORE = '98';

type State = ({ kind: 'main' } | { kind: 'ask_ain' } | { kind: 'mine'; list: PublicStatus[] } | { kind: 'language' } | { kind: 'status'; app: PublicStatus }) & {
  page?: number;
};
type Note = { key: MessageKey; vars?: Record<string, string> } | null;

export async function ussdScreen(text: string, initialLang: Lang, look: UssdLookups): Promise<UssdScreen> {
  const inputs = text === '' ? [] : text.split('*').map((s) => s.trim());
  let lang = initialLang;
  let stack: State[] = [{ kind: 'main' }];
  let note: Note = null;

  for (const input of inputs) {
    const top = stack[stack.length - 1]!;
    note = null;
    if (input === MORE && pagesOf(top, null, lang).length > (top.page ?? 0) + 1) {
      top.page = (top.page ?? 0) + 1;
      continue;
    }
    if (top.kind === 'status') break; // the session ended on its last page; anything after it is noise
    top.page = 0;
    if (input === '00') {
      stack = [{ kind: 'main' }];
      continue;
    }
    if (input === '0') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    switch (top.kind) {
      case 'main':
        if (input === '1') stack.push({ kind: 'ask_ain' });
        else if (input === '2') stack.push({ kind: 'mine', list: await look.mine() });
        else if (input === '3') stack.push({ kind: 'language' });
        else note = { key: 'ussd.invalid_choice' };
        break;
      case 'ask_ain': {
        const parsed = parseAin(input);
        if (!parsed.ok) {
          note = { key: 'ussd.bad_ain' };
          break;
        }
        const app = await look.status(parsed.ain);
        if (app) stack.push({ kind: 'status', app });
        else note = { key: 'ussd.not_found', vars: { ain: parsed.ain } };
        break;
      }
      case 'mine': {
        const app = top.list[Number(input) - 1];
        if (/^[1-9]$/.test(input) && app) stack.push({ kind: 'status', app });
        else note = { key: 'ussd.invalid_choice' };
        break;
      }
      case 'language': {
        const chosen = languages[Number(input) - 1];
        if (/^[1-9]$/.test(input) && chosen) {
          lang = chosen;
          await look.saveLanguage(chosen);
          stack.pop();
          note = { key: 'ussd.language_saved' };
        } else note = { key: 'ussd.invalid_choice' };
        break;
      }
    }
  }
  const top = stack[stack.length - 1]!;
  const pages = pagesOf(top, note, lang);
  const page = Math.min(top.page ?? 0, pages.length - 1);
  return pages[page]!;
}

/** A screen before paging: a first line (title, or what went wrong), the body, and the line of ways out. */
interface Layout {
  head: string;
  body: string[];
  footer: string | null;
  end: boolean;
}

function layout(state: State, note: Note, lang: Lang): Layout {
  const t = (key: MessageKey, vars?: Record<string, string>) => translate(lang, key, vars);
  const said = note ? t(note.key, note.vars) : null;
  switch (state.kind) {
    case 'main': {
      // A note ("Language saved", "Choose one of the numbers") takes the title's place: a Bengali screen has no room for both.
      const [title, ...options] = t('ussd.main').split('\n');
      return { head: said ?? title!, body: options, footer: null, end: false };
    }
    case 'ask_ain': {
      const [prompt, ...rest] = (said ?? t('ussd.ask_ain')).split('\n');
      return { head: prompt!, body: [], footer: rest.join('\n') || null, end: false };
    }
    case 'language':
      return { head: said ?? t('ussd.language'), body: languages.map((l, i) => `${i + 1} ${languageNames[l]}`), footer: t('ussd.back'), end: false };
    case 'mine':
      if (state.list.length === 0) return { head: t('ussd.mine_none'), body: [], footer: null, end: true };
      // The last seven digits (the serial and its check digit) tell one's own applications apart.
      return {
        head: said ?? t('ussd.mine_title'),
        body: state.list.map((a, i) => `${i + 1} ...${a.ain.slice(7)} ${t(`ussd.status.${publicState(a)}` as MessageKey)}`),
        footer: t('ussd.back_menu'),
        end: false
      };
    case 'status': {
      const a = state.app;
      const s = publicState(a);
      const lines = [`AIN ${a.ain}`, t('ussd.state_on', { status: t(`ussd.status.${s}` as MessageKey), date: smsDate(stateDate(a)) })];
      if (s === 'rejected') lines.push(t('ussd.reason', { reason: smsReasons[a.decisionCode ?? 'other']?.[lang] ?? smsReasons.other![lang] }));
      if (a.decisionRemarks && (s === 'rejected' || s === 'sent_back')) lines.push(t('ussd.remarks', { remarks: clip(a.decisionRemarks, REMARKS_MAX) }));
      if (isOpen(a.status)) lines.push(t('ussd.expected', { date: smsDate(a.dueAt) }));
      lines.push(placeName(a, lang));
      return { head: lines[0]!, body: lines.slice(1), footer: null, end: true };
    }
  }
}

/**
 * The screen as pages that each fit the handset. Lines are kept whole where they fit and split between words
 * where they do not; every page but the last ends with "98 More", the last with the screen's own way out.
 */
function pagesOf(state: State, note: Note, lang: Lang): UssdScreen[] {
  const l = layout(state, note, lang);
  const limit = screenLimit[lang];
  const whole = [l.head, ...l.body, ...(l.footer ? [l.footer] : [])].join('\n');
  if (whole.length <= limit) return [{ end: l.end, text: whole }];

  const more = translate(lang, 'ussd.more');
  const lines = [l.head, ...l.body].flatMap((line) => splitWords(line, limit - more.length - 1));
  const pages: string[][] = [[]];
  for (const line of lines) {
    const current = pages[pages.length - 1]!;
    if (current.length && [...current, line, more].join('\n').length > limit) pages.push([line]);
    else current.push(line);
  }
  // The last page must hold the footer too. If it cannot, the last page's closing line moves to a page of its own
  // with it: a page of nothing but "0 Back 00 Menu" after a 98 looked like a screen gone blank.
  const last = pages[pages.length - 1]!;
  if (l.footer && [...last, l.footer].join('\n').length > limit) {
    const closing = last.length > 1 && [last[last.length - 1]!, l.footer].join('\n').length <= limit ? [last.pop()!] : [];
    pages.push(closing);
  }
  return pages.map((page, i) => {
    const final = i === pages.length - 1;
    const text = [...page, ...(final ? (l.footer ? [l.footer] : []) : [more])].join('\n');
    // A status that runs over pages keeps the session open until its last page.
    return { end: final && l.end, text };
  });
}

/** A line cut between words into pieces of at most `max` characters (a single longer word is cut where it must). */
function splitWords(line: string, max: number): string[] {
  if (line.length <= max) return [line];
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const next = current ? `${current} ${word}` : word;
    if (next.length <= max) current = next;
    else {
      if (current) out.push(current);
      let rest = word;
      while (rest.length > max) {
        out.push(rest.slice(0, max));
        rest = rest.slice(max);
      }
      current = rest;
    }
  }
  if (current) out.push(current);
  return out;
}

/** The body Africa's Talking expects: "CON …" to continue the session, "END …" to close it. */
export function ussdBody(screen: UssdScreen): string {
  return `${screen.end ? 'END' : 'CON'} ${screen.text}`;
}
