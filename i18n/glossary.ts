// One glossary for the names a citizen meets on every channel (DESIGN §12): the service and the officer who
// decides, and the district's place names in Hindi. The PWA's catalogue, the certificate, the SMS texts and USSD use
// these words and no others; test/unit/glossary.test.ts holds them to it. Place names have Bengali forms in the
// offices table; Hindi readers get these Devanagari spellings instead of the English ones.
import type { Lang } from './index.ts';

export const glossary = {
  /** The certificate, as the government order names it. */
  service: { en: 'Ordinary Residential Certificate', bn: 'সাধারণ বাসিন্দা শংসাপত্র', hi: 'सामान्य निवासी प्रमाणपत्र' },
  /** The Block Development Officer: in Bengali the West Bengal government's own title, সমষ্টি উন্নয়ন আধিকারিক. */
  bdo: { en: 'Block Development Officer', bn: 'সমষ্টি উন্নয়ন আধিকারিক', hi: 'खंड विकास अधिकारी' },
  /** Where a text has no room for the title (an SMS). */
  bdoShort: { en: 'BDO', bn: 'বিডিও', hi: 'बीडीओ' },
  /** The state, as the state officer's reports name their scope (issue 15). */
  state: { en: 'West Bengal', bn: 'পশ্চিমবঙ্গ', hi: 'पश्चिम बंगाल' }
} as const satisfies Record<string, Record<Lang, string>>;

/** The words of North 24 Parganas' office names and the names of the state's districts, in Devanagari. */
const hindiWords: Record<string, string> = {
  'West Bengal': 'पश्चिम बंगाल',
  'North 24 Parganas': 'उत्तर 24 परगना',
  // The other 22 districts (issue 15), as Hindi Wikipedia titles them. Their blocks' names stay in English for now.
  Alipurduar: 'अलीपुरद्वार',
  Bankura: 'बाँकुड़ा',
  Birbhum: 'बीरभूम',
  'Cooch Behar': 'कूचबिहार',
  'Dakshin Dinajpur': 'दक्षिण दिनाजपुर',
  Darjeeling: 'दार्जिलिंग',
  Hooghly: 'हुगली',
  Howrah: 'हावड़ा',
  Jalpaiguri: 'जलपाईगुड़ी',
  Jhargram: 'झाड़ग्राम',
  Kalimpong: 'कालिम्पोंग',
  Kolkata: 'कोलकाता',
  Malda: 'मालदा',
  Murshidabad: 'मुर्शिदाबाद',
  Nadia: 'नदिया',
  'Paschim Bardhaman': 'पश्चिम बर्धमान',
  'Paschim Medinipur': 'पश्चिम मेदिनीपुर',
  'Purba Bardhaman': 'पूर्व बर्धमान',
  'Purba Medinipur': 'पूर्व मेदिनीपुर',
  Purulia: 'पुरुलिया',
  'South 24 Parganas': 'दक्षिण 24 परगना',
  'Uttar Dinajpur': 'उत्तर दिनाजपुर',
  Barasat: 'बारासात',
  Sadar: 'सदर',
  Amdanga: 'आमडांगा',
  Deganga: 'देगंगा',
  Habra: 'हाबड़ा',
  Rajarhat: 'राजारहाट',
  Barrackpore: 'बैरकपुर',
  Bangaon: 'बनगाँव',
  Bagda: 'बागदा',
  Gaighata: 'गाइघाटा',
  Basirhat: 'बसीरहाट',
  Baduria: 'बादुड़िया',
  Haroa: 'हाड़ोआ',
  Hasnabad: 'हासनाबाद',
  Hingalganj: 'हिंगलगंज',
  Minakhan: 'मीनाखाँ',
  Sandeshkhali: 'संदेशखाली',
  Swarupnagar: 'स्वरूपनगर',
  Bidhannagar: 'विधाननगर',
  'Citizen Kiosk': 'नागरिक कियोस्क',
  'DM Office': 'ज़िलाधिकारी कार्यालय',
  'SDO Office': 'एसडीओ कार्यालय',
  'Tathya Mitra Kendra (CSC)': 'तथ्य मित्र केंद्र (सीएससी)',
  II: '2',
  I: '1'
};
const pattern = new RegExp(
  Object.keys(hindiWords)
    .sort((a, b) => b.length - a.length)
    .map((w) => `\\b${w.replace(/[()]/g, '\\$&')}(?![\\w])`)
    .join('|'),
  'g'
);

/** An office's name in Hindi, word by word from its English name; a word not in the glossary stays as it is. */
export function hindiPlaceName(nameEn: string): string {
  return nameEn.replace(pattern, (w) => hindiWords[w] ?? w);
}

/** An office's name in the reader's language. */
export function placeName(office: { nameEn: string; nameBn: string }, lang: Lang): string {
  return lang === 'bn' ? office.nameBn : lang === 'hi' ? hindiPlaceName(office.nameEn) : office.nameEn;
}
