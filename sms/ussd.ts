// The USSD menu (DESIGN §6, Africa's Talking contract in GATEWAYS.md). The gateway sends everything the caller has
// typed this session in `text`, joined with `*`; the screen is worked out from that alone, so any request can be
// replayed, a caller may dial inputs directly (*384*123*1#), and no session state is kept here.
//
//   main ── 1 ─ enter AIN ── valid and found ─→ status (end)
//        ├─ 2 ─ my applications (up to 3, by the calling number) ── 1..3 ─→ status (end)
//        └─ 3 ─ language ── 1..3 ─→ main, in that language
//   0 goes back one screen, 00 to the main menu.
//
// Screens stay within what handsets show: 160 characters in English, 70 in Bengali or Hindi (sent as UCS-2).
import { parseAin } from '../shared/ain.ts';
import { languages, translate, type Lang, type MessageKey } from '../i18n/index.ts';
import { languageNames } from '../i18n/index.ts';
import type { PublicStatus } from '../api/applications/track.ts';
import { smsDate } from '../api/applications/notify.ts';

export interface UssdLookups {
  status(ain: string): Promise<PublicStatus | null>;
  mine(): Promise<PublicStatus[]>;
  saveLanguage(lang: Lang): Promise<void>;
}

export interface UssdScreen {
  end: boolean;
  text: string;
}

type State = { kind: 'main' } | { kind: 'ask_ain' } | { kind: 'mine'; list: PublicStatus[] } | { kind: 'language' } | { kind: 'status'; app: PublicStatus };
type Note = { key: MessageKey; vars?: Record<string, string> } | null;

export async function ussdScreen(text: string, initialLang: Lang, look: UssdLookups): Promise<UssdScreen> {
  const inputs = text === '' ? [] : text.split('*').map((s) => s.trim());
  let lang = initialLang;
  let stack: State[] = [{ kind: 'main' }];
  let note: Note = null;

  for (const input of inputs) {
    const top = stack[stack.length - 1]!;
    if (top.kind === 'status') break; // the session ended there; anything after it is noise
    note = null;
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
  return render(stack[stack.length - 1]!, note, lang);
}

function render(state: State, note: Note, lang: Lang): UssdScreen {
  const t = (key: MessageKey, vars?: Record<string, string>) => translate(lang, key, vars);
  const said = note ? t(note.key, note.vars) : null;
  switch (state.kind) {
    case 'main': {
      // A note ("Language saved", "Choose one of the numbers") takes the title's place: a Bengali screen has no room for both.
      const [title, ...options] = t('ussd.main').split('\n');
      return { end: false, text: [said ?? title, ...options].join('\n') };
    }
    case 'ask_ain':
      return { end: false, text: said ?? t('ussd.ask_ain') };
    case 'language':
      return { end: false, text: [said ?? t('ussd.language'), ...languages.map((l, i) => `${i + 1} ${languageNames[l]}`), t('ussd.back')].join('\n') };
    case 'mine':
      if (state.list.length === 0) return { end: true, text: t('ussd.mine_none') };
      // The list is its own prompt. The last seven digits (the serial and its check digit) tell one's own
      // applications apart within 70 characters.
      return { end: false, text: state.list.map((a, i) => `${i + 1} ...${a.ain.slice(7)} ${t(`ussd.status.${a.status}` as MessageKey)}`).join('\n') };
    case 'status': {
      const a = state.app;
      return { end: true, text: t('ussd.status', { ain: a.ain, status: t(`ussd.status.${a.status}` as MessageKey), office: lang === 'bn' ? a.nameBn : a.nameEn, date: smsDate(a.updatedAt) }) };
    }
  }
}

/** The body Africa's Talking expects: "CON …" to continue the session, "END …" to close it. */
export function ussdBody(screen: UssdScreen): string {
  return `${screen.end ? 'END' : 'CON'} ${screen.text}`;
}
