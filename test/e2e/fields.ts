// Every box one types or chooses in is as tall as a thumb: 48 px in app/app.css (WCAG 2.5.8 asks 24, GOV.UK 44). A
// form once laid out with bare inputs had boxes 20 px high and a few characters wide; a browser's default select is.
import type { Page } from '@playwright/test';

/** The visible fields under 44 px high, as "tag#id 21 px"; empty when every one is a thumb high. */
export async function smallFields(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=file]), select, textarea')]
      .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id || e.getAttribute('name')} ${Math.round(e.getBoundingClientRect().height)} px`)
  );
}
