// Every SMS the service can send, with every slot filled to its limit: its encoding and how many SMS it costs.
// A text over two segments is refused here, before DLT registration, not discovered on a citizen's bill.
import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, test } from 'vitest';
import { languages, type Lang } from '../../i18n/index.ts';
import { clip, events, freeTextSlots, render, slots, smsReasons, smsTemplate, steps, templates, type Slot, type SlotValues } from '../../api/notify/templates.ts';

const digits: Slot[] = ['ain', 'date', 'due', 'certificateNo', 'userId', 'password', 'hours', 'code', 'minutes', 'count'];
const script: Record<Lang, string> = { en: 'W', bn: 'ক্ষ', hi: 'क्ष' };

/** The longest value each slot can hold: digits for numbers, the language's script for words, Bengali for free text. */
function worstCase(lang: Lang): SlotValues {
  const values: SlotValues = {};
  for (const [slot, max] of Object.entries(slots) as [Slot, number][]) {
    const unit = digits.includes(slot) ? '8' : freeTextSlots.includes(slot) ? 'ক' : script[lang];
    values[slot] = Array.from(unit.repeat(max)).slice(0, max).join('');
  }
  return values;
}

const rows = events.flatMap((event) =>
  languages.map((lang) => {
    const text = render(event, lang, worstCase(lang)).sms;
    const m = new SegmentedMessage(text);
    return { event, lang, id: smsTemplate(event, lang).id, encoding: m.encodingName, chars: text.length, segments: m.segmentsCount };
  })
);

describe('SMS templates', () => {
  test('every SMS template, filled to its limits, fits in two segments', () => {
    console.table(rows);
    expect(rows).toHaveLength(events.length * languages.length);
    const over = rows.filter((r) => r.segments > 2);
    expect(over).toEqual([]);
  });

  test('English templates with English values stay in GSM-7; Bengali and Hindi ones are UCS-2', () => {
    for (const event of events) {
      const values: SlotValues = { ain: '26110020000176', date: '27-11-2026', due: '04-12-2026', certificateNo: 'ORC-2026-11002-000017', remarks: 'Upload a clearer residence proof', reason: smsReasons.not_resident!.en, status: 'Approved', step: steps.enquiry.en, office: 'Barasat I', userId: 'WB12345678', password: 'k7Qm-29Lp-x4Tz', hours: '72', count: '1520' };
      expect(new SegmentedMessage(render(event, 'en', values).sms).encodingName, event).toBe('GSM-7');
      expect(new SegmentedMessage(render(event, 'bn', values).sms).encodingName, event).toBe('UCS-2');
      expect(new SegmentedMessage(render(event, 'hi', values).sms).encodingName, event).toBe('UCS-2');
    }
  });

  test('each template has a DLT id of 12–19 digits, its own, and as many slots as variables', () => {
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const event of events) {
      for (const lang of languages) {
        const t = smsTemplate(event, lang);
        expect(t.id).toMatch(/^\d{12,19}$/);
        expect(t.text.match(/\{#var#\}/g)?.length ?? 0, `${event} ${lang}`).toBe(templates[event].vars.length);
      }
    }
  });

  test('a value longer than its slot is cut to the DLT limit, and slots are filled in order', () => {
    const r = render('sent_back', 'en', { ain: '26110020000176', remarks: 'x'.repeat(80) });
    expect(r.sms).toBe(`Application 26110020000176 sent back: ${'x'.repeat(27)}.... Full remarks: tracking page. Correct and resubmit. -eDistrict WB`);
    expect(r.sentence).not.toContain('-eDistrict');
  });

  test('remarks are never cut in the middle of a word: the cut is at a space and marked with …', () => {
    const remarks = 'Residence certificate photo is blurred; upload a clear scan of the Pradhan\'s certificate.';
    const r = render('status_reply_sent_back', 'en', { ain: '26110020000176', date: '27-11-2026', remarks });
    expect(r.sms).toContain('sent back 27-11-2026: Residence certificate photo.... Full remarks: tracking page.');
    expect(clip(remarks, 30)).toBe('Residence certificate photo...');
    expect(clip('ছবি ঝাপসা, পঞ্চায়েত প্রধানের শংসাপত্রের পরিষ্কার স্ক্যান দিন', 30)).toBe('ছবি ঝাপসা, পঞ্চায়েত প্রধানের…');
    expect(clip('short enough', 30)).toBe('short enough');
    for (let max = 12; max <= 30; max++) {
      const cut = clip(remarks, max);
      expect(Array.from(cut).length).toBeLessThanOrEqual(max);
      // What is kept is whole words of the remark, followed by the mark of the cut.
      const kept = cut.replace(/\.\.\.$/, '');
      expect(remarks.startsWith(kept) && [' ', ';', ','].includes(remarks[kept.length]!), `${max}: ${cut}`).toBe(true);
    }
  });

  test('the short words that go into slots fit them', () => {
    for (const lang of languages) {
      for (const reason of Object.values(smsReasons)) expect(Array.from(reason[lang]).length).toBeLessThanOrEqual(slots.reason);
      for (const step of Object.values(steps)) expect(Array.from(step[lang]).length).toBeLessThanOrEqual(slots.step);
    }
  });
});
