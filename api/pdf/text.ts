// Text in PDFs, in Bengali, Devanagari and English (DESIGN §9, §12): the one way this service draws text on the
// certificate, the acknowledgement receipt and the MIS record.
//
// Why the text is drawn glyph by glyph: pdf-lib lays text out with fontkit 1, whose Bengali shaping breaks reph and
// ra-phala (শ্রী, চক্রবর্তী, গ্রাম come out as broken letters — measured, DESIGN §9), and a certificate that misspells
// the office's name or the honorific is not one a person can show at a counter. So HarfBuzz (harfbuzzjs, the shaper
// browsers use) turns every run of text into glyph ids and positions, and we write those glyph ids straight into the
// page's content stream, each at HarfBuzz's position. This works because pdf-lib embeds a TrueType font as a Type0
// font with Identity-H encoding and an identity CIDToGIDMap: a two-byte code in a Tj string *is* a glyph id.
// English goes the same way (with Noto Sans) so that every line is measured and drawn by one mechanism.
//
// The fonts are subset by HarfBuzz too, keeping glyph ids, because pdf-lib's subsetter renumbers glyphs and, for Noto
// Sans, loses half the letters (see `Writer.finish`). ActualText spans carry the typed text for copy, search and
// screen readers.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import * as hb from 'harfbuzzjs';
import {
  beginText,
  endText,
  moveText,
  PDFDocument,
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFOperator,
  PDFOperatorNames,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFillingRgbColor,
  setFontAndSize,
  setTextMatrix,
  showText,
  type PDFPage,
  type RGB
} from 'pdf-lib';

export const A4 = { width: 595.28, height: 841.89 };
export const INK = rgb(0.1, 0.1, 0.1);
export const GREY = rgb(0.36, 0.36, 0.36);
export const GREEN = rgb(0.04, 0.36, 0.23);

/** A new PDF that can embed the fonts the writer subsets. */
export async function createPdf(): Promise<PDFDocument> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  return pdf;
}

// The Bengali block, the danda and double danda (U+0964/5, shared with Devanagari) and the zero-width (non-)joiners
// that select half forms.
const BENGALI = /[\u0980-\u09FF\u0964\u0965\u200C\u200D]/u;
const LETTER = /[\p{L}\p{N}]/u;
// Devanagari (Hindi), checked after Bengali so that the shared dandas stay with a Bengali run.
const DEVANAGARI = /[\u0900-\u097F\uA8E0-\uA8FF]/u;

/**
 * HarfBuzz's glyphs for a run of Bengali text in Noto Sans Bengali, in font units (1000 per em): glyph ids in visual
 * order (a pre-base vowel sign before its consonant, conjuncts as one glyph, reph and ra-phala as their own forms).
 */
export function shapeBengali(text: string, weight: Weight = 'regular'): ShapedGlyph[] {
  return shape(face('bn', weight), text);
}

/** Splits text into runs for the Bengali, Devanagari and Latin fonts; spaces and punctuation stay with the run they are in. */
function scriptRuns(text: string): Run[] {
  const runs: Run[] = [];
  let pending = ''; // neutral characters before the first letter
  for (const ch of text) {
    const script = BENGALI.test(ch) ? 'bn' : DEVANAGARI.test(ch) ? 'hi' : LETTER.test(ch) ? 'latin' : null;
    const last = runs[runs.length - 1];
    if (script === null) {
      if (last) last.text += ch;
      else pending += ch;
    } else if (last && last.script === script) {
      last.text += ch;
    } else {
      runs.push({ script, text: pending + ch });
      pending = '';
    }
  }
  if (pending) runs.push({ script: 'latin', text: pending });
  return runs;
}

/**
 * Lays out mixed Bengali, Hindi and English text on one page. Text is shaped and placed first and written at `finish`,
 * because the fonts are embedded as subsets of exactly the glyphs placed, which are known only at the end.
 */
export class Writer {
  private readonly placed: Placed[] = [];

  constructor(private readonly page: PDFPage) {}

  width(text: string, style: Style): number {
    return sum(this.measure(text, style));
  }

  line(text: string, x: number, y: number, style: Style, align: 'left' | 'center' | 'right' = 'left'): void {
    const pieces = this.measure(text, style);
    const total = sum(pieces);
    let at = align === 'left' ? x : align === 'center' ? x - total / 2 : x - total;
    for (const piece of pieces) at = this.place(piece, at, y, style);
  }

  /** Wraps on spaces to `width`; returns the baseline for whatever comes after the paragraph. */
  paragraph(text: string, x: number, y: number, width: number, style: Style, leading: number, align: 'left' | 'center' | 'justify'): number {
    const space = sum(this.measure(' ', style));
    const lines = this.wrap(text, width, style);
    lines.forEach((line, i) => {
      const natural = line.reduce((total, word) => total + word.width, 0) + space * (line.length - 1);
      const stretch = (width - natural) / Math.max(1, line.length - 1);
      // Justify all but the last line, unless the gaps would have to grow so much that they read as holes.
      const gap = align === 'justify' && i < lines.length - 1 && stretch < space * 2.5 ? space + stretch : space;
      let at = align === 'center' ? x + (width - natural) / 2 : x;
      for (const word of line) {
        for (const piece of word.pieces) at = this.place(piece, at, y, style);
        at += gap;
      }
      y -= leading;
    });
    return y;
  }

  /** Breaks text into lines of words no wider than `width` (a word wider than that gets a line of its own). */
  wrap(text: string, width: number, style: Style): Word[][] {
    const space = sum(this.measure(' ', style));
    const lines: Word[][] = [];
    let current: Word[] = [];
    let currentWidth = 0;
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const pieces = this.measure(word, style);
      const wordWidth = sum(pieces);
      if (current.length > 0 && currentWidth + space + wordWidth > width) {
        lines.push(current);
        current = [];
        currentWidth = 0;
      }
      currentWidth += (current.length > 0 ? space : 0) + wordWidth;
      current.push({ pieces, width: wordWidth });
    }
    if (current.length > 0) lines.push(current);
    return lines;
  }

  /** Subsets and embeds the fonts, then writes every placed run into the page's content stream. */
  async finish(pdf: PDFDocument): Promise<void> {
    const used = new Map<FontFace, { glyphs: Set<number>; unicodes: Set<number> }>();
    for (const { face, glyphs, text } of this.placed) {
      let entry = used.get(face);
      if (!entry) used.set(face, (entry = { glyphs: new Set(), unicodes: new Set() }));
      for (const glyph of glyphs) entry.glyphs.add(glyph.id);
      for (const ch of text) entry.unicodes.add(ch.codePointAt(0)!);
    }
    const keys = new Map<FontFace, PDFName>();
    for (const [face, { glyphs, unicodes }] of used) {
      // subset: false because pdf-lib's own subsetter renumbers glyphs and, with @pdf-lib/fontkit 1.1, writes a broken
      // `loca` for fonts like Noto Sans (half the letters vanish — tried). HarfBuzz made the subset already.
      const font = await pdf.embedFont(await subsetFont(face, glyphs, unicodes), { subset: false });
      // pdf-lib lists widths (/W) only for glyphs the cmap reaches; a conjunct would default to a full em, and
      // viewers would then see words overlap when selecting text or finding word gaps. Give every glyph we use its
      // width. Embedding now, rather than at save, is what lets us edit the font dictionary.
      await font.embed();
      const fontDict = pdf.context.lookup(font.ref, PDFDict);
      const cidFont = pdf.context.lookup(fontDict.lookup(PDFName.of('DescendantFonts'), PDFArray).get(0), PDFDict);
      const widths = [...glyphs].sort((a, b) => a - b).flatMap((id) => [id, [round((face.hb.glyphHAdvance(id) * 1000) / face.upem)]]);
      cidFont.set(PDFName.of('W'), pdf.context.obj(widths));
      // One resource name per font; page.setFont would add a fresh one on every call.
      keys.set(face, this.page.node.newFontDictionary(font.name, font.ref));
    }

    for (const { face, glyphs, text, x, y, size, color } of this.placed) {
      const scale = size / face.upem;
      const ops: PDFOperator[] = [
        pushGraphicsState(),
        setFillingRgbColor(color.red, color.green, color.blue),
        beginText(),
        setFontAndSize(keys.get(face)!, size),
        // ActualText gives copy, search and screen readers the text as typed: the glyphs alone read back in visual
        // order (ি before its consonant), and conjuncts and ligatures map to no character at all.
        PDFOperator.of(PDFOperatorNames.BeginMarkedContentSequence, ['/Span', `<< /ActualText ${PDFHexString.fromText(text).toString()} >>`])
      ];
      // One Td per glyph, relative to the previous glyph's origin, so the viewer's own idea of glyph widths (the
      // font's /W array) never comes into it: every glyph, marks included, lands where HarfBuzz put it.
      let pen = 0;
      let lastX = 0;
      let lastY = 0;
      glyphs.forEach((glyph, i) => {
        const gx = round(pen + glyph.xOffset * scale);
        const gy = round(glyph.yOffset * scale);
        ops.push(i === 0 ? setTextMatrix(1, 0, 0, 1, round(x + gx), round(y + gy)) : moveText(round(gx - lastX), round(gy - lastY)));
        ops.push(showText(PDFHexString.of(glyph.id.toString(16).padStart(4, '0'))));
        lastX = gx;
        lastY = gy;
        pen += glyph.xAdvance * scale;
      });
      ops.push(PDFOperator.of(PDFOperatorNames.EndMarkedContent), endText(), popGraphicsState());
      this.page.pushOperators(...ops);
    }
  }

  private measure(text: string, style: Style): Piece[] {
    return scriptRuns(text).map((run) => {
      const f = face(run.script, style.weight ?? 'regular');
      const glyphs = shape(f, run.text);
      const units = glyphs.reduce((total, g) => total + g.xAdvance, 0);
      return { text: run.text, face: f, glyphs, width: (units * style.size) / f.upem };
    });
  }

  /** Puts one run at (x, y); returns the x after it. */
  private place(piece: Piece, x: number, y: number, style: Style): number {
    this.placed.push({ ...piece, x, y, size: style.size, color: style.color ?? INK });
    return x + piece.width;
  }
}

function sum(pieces: Piece[]): number {
  return pieces.reduce((total, piece) => total + piece.width, 0);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Bengali digits for Western ones, e.g. in a Bengali sentence. */
export function bengaliDigits(s: string): string {
  return s.replace(/[0-9]/g, (d) => String.fromCharCode(0x09e6 + Number(d)));
}

/** Breaks a string with no spaces (a URL) into lines no wider than `width`, preferring to break after a slash. */
export function breakAnywhere(text: string, widthOf: (s: string) => number, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > 0 && widthOf(rest) > width) {
    let end = rest.length - 1;
    while (end > 1 && widthOf(rest.slice(0, end)) > width) end--;
    const slash = rest.lastIndexOf('/', end - 1);
    if (slash > end / 2) end = slash + 1;
    lines.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  if (rest) lines.push(rest);
  return lines;
}

// --- fonts: shaping --------------------------------------------------------------------------------------------------

const require = createRequire(import.meta.url);
const FONT_FILES = {
  bn: {
    regular: '@expo-google-fonts/noto-sans-bengali/400Regular/NotoSansBengali_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans-bengali/700Bold/NotoSansBengali_700Bold.ttf'
  },
  // Hindi on the receipt (issue 12): the same Noto family, Devanagari.
  hi: {
    regular: '@expo-google-fonts/noto-sans-devanagari/400Regular/NotoSansDevanagari_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans-devanagari/700Bold/NotoSansDevanagari_700Bold.ttf'
  },
  latin: {
    regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'
  }
} as const;

// Each font file is read and handed to HarfBuzz once for the life of the process; harfbuzzjs itself compiles its
// WebAssembly when this module is first imported.
const faces = new Map<string, FontFace>();
function face(script: Run['script'], weight: Weight): FontFace {
  const file = FONT_FILES[script][weight];
  let f = faces.get(file);
  if (!f) {
    const bytes = readFileSync(require.resolve(file));
    const hbFace = new hb.Face(new hb.Blob(bytes));
    f = {
      bytes,
      hb: new hb.Font(hbFace),
      upem: hbFace.upem,
      script: script === 'bn' ? 'Beng' : script === 'hi' ? 'Deva' : 'Latn',
      language: script === 'bn' ? 'bn' : script === 'hi' ? 'hi' : 'en'
    };
    faces.set(file, f);
  }
  return f;
}

const shapingBuffer = new hb.Buffer();
function shape(f: FontFace, text: string): ShapedGlyph[] {
  shapingBuffer.clearContents();
  shapingBuffer.addText(text);
  shapingBuffer.setDirection(hb.Direction.LTR);
  shapingBuffer.setScript(f.script);
  shapingBuffer.setLanguage(f.language);
  hb.shape(f.hb, shapingBuffer);
  const positions = shapingBuffer.getGlyphPositions();
  return shapingBuffer.getGlyphInfos().map((info, i) => {
    const p = positions[i]!;
    return { id: info.codepoint, cluster: info.cluster, xAdvance: p.xAdvance, xOffset: p.xOffset, yOffset: p.yOffset };
  });
}

// --- fonts: subsetting -----------------------------------------------------------------------------------------------

// harfbuzzjs ships HarfBuzz's subsetter as a bare WebAssembly module (no imports, C functions exported) without a
// JavaScript wrapper, so the few calls we need are made by hand. Subsetting keeps a certificate small (tens of KB
// instead of ~190 KB with whole fonts) and, with RETAIN_GIDS, keeps the glyph ids HarfBuzz shaped with.
const SUBSET_FLAGS = {
  NO_HINTING: 0x1, // print and screen at certificate sizes do not need TrueType hinting
  RETAIN_GIDS: 0x2,
  NO_LAYOUT_CLOSURE: 0x200 // the text is shaped already: no need for glyphs that GSUB could reach
};
const SUBSET_SETS_DROP_TABLE_TAG = 3;
const HB_MEMORY_MODE_READONLY = 1;

let subsetter: Promise<Subsetter> | undefined;
const sourceFaces = new Map<FontFace, number>();

async function subsetFont(f: FontFace, glyphs: Set<number>, unicodes: Set<number>): Promise<Uint8Array> {
  const hbs = await (subsetter ??= loadSubsetter());
  let source = sourceFaces.get(f);
  if (source === undefined) {
    // The font's bytes stay in the subsetter's memory for the life of the process, like the shaping fonts.
    const ptr = hbs.malloc(f.bytes.length);
    new Uint8Array(hbs.memory.buffer).set(f.bytes, ptr);
    source = hbs.hb_face_create(hbs.hb_blob_create(ptr, f.bytes.length, HB_MEMORY_MODE_READONLY, 0, 0), 0);
    sourceFaces.set(f, source);
  }
  const input = hbs.hb_subset_input_create_or_fail();
  if (!input) throw new Error('hb_subset_input_create_or_fail failed');
  try {
    const glyphSet = hbs.hb_subset_input_glyph_set(input);
    for (const id of glyphs) hbs.hb_set_add(glyphSet, id);
    // The characters' own glyphs stay mapped in the subset's cmap, so pdf-lib's ToUnicode still covers them.
    const unicodeSet = hbs.hb_subset_input_unicode_set(input);
    for (const u of unicodes) hbs.hb_set_add(unicodeSet, u);
    const drop = hbs.hb_subset_input_set(input, SUBSET_SETS_DROP_TABLE_TAG);
    for (const table of ['GSUB', 'GPOS', 'GDEF']) hbs.hb_set_add(drop, tag(table));
    hbs.hb_subset_input_set_flags(input, SUBSET_FLAGS.NO_HINTING | SUBSET_FLAGS.RETAIN_GIDS | SUBSET_FLAGS.NO_LAYOUT_CLOSURE);
    const subset = hbs.hb_subset_or_fail(source, input);
    if (!subset) throw new Error('hb_subset_or_fail failed');
    const blob = hbs.hb_face_reference_blob(subset);
    const data = hbs.hb_blob_get_data(blob, 0);
    const bytes = new Uint8Array(hbs.memory.buffer).slice(data, data + hbs.hb_blob_get_length(blob));
    hbs.hb_blob_destroy(blob);
    hbs.hb_face_destroy(subset);
    return bytes;
  } finally {
    hbs.hb_subset_input_destroy(input);
  }
}

async function loadSubsetter(): Promise<Subsetter> {
  const wasm = readFileSync(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm'));
  const { instance } = await WebAssembly.instantiate(wasm);
  const exports = instance.exports as unknown as Subsetter & { _initialize(): void };
  exports._initialize(); // a WASI reactor: runs the C++ static constructors
  return exports;
}

function tag(s: string): number {
  return ((s.charCodeAt(0) << 24) | (s.charCodeAt(1) << 16) | (s.charCodeAt(2) << 8) | s.charCodeAt(3)) >>> 0;
}

// --- types -----------------------------------------------------------------------------------------------------------

export type Weight = 'regular' | 'bold';

export interface ShapedGlyph {
  id: number;
  /** Index in the run's UTF-16 text of the first character this glyph came from. */
  cluster: number;
  xAdvance: number;
  xOffset: number;
  yOffset: number;
}

interface Run {
  script: 'bn' | 'hi' | 'latin';
  text: string;
}

interface FontFace {
  bytes: Uint8Array;
  hb: hb.Font;
  upem: number;
  script: 'Beng' | 'Deva' | 'Latn';
  language: 'bn' | 'hi' | 'en';
}

interface Piece {
  text: string;
  face: FontFace;
  glyphs: ShapedGlyph[];
  width: number;
}

interface Word {
  pieces: Piece[];
  width: number;
}

interface Placed extends Piece {
  x: number;
  y: number;
  size: number;
  color: RGB;
}

export interface Style {
  size: number;
  weight?: Weight;
  color?: RGB;
}

/** The C functions of harfbuzz-subset.wasm that we call; pointers are numbers into its memory. */
interface Subsetter {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_glyph_set(input: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_input_set(input: number, setType: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_or_fail(source: number, input: number): number;
}
