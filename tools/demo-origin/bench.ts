import { type ArticlePageInput, articlePage, bodyPiece, dataPiece, ldPiece } from './article-page';

// `GET /bench/article?kb=N`: an article page of about N KB with the canonical page's exact
// shape, for measuring how the paywall streams 10 KB, 1 MB and 5 MB pages. Paragraphs are
// generated from their index, so the page is never held whole in memory (it is yielded piece
// by piece, three times over: JSON-LD, hydration data, body) and tests can recompute any
// paragraph with `benchParagraph(i)` to check what reached the browser.

export const BENCH_PATH = '/bench/article';
export const MIN_KB = 1;
/** Large enough for any benchmark, small enough that a typo cannot fill a disk. */
export const MAX_KB = 50 * 1024;

const OPENERS = [
  'The finance committee sat late again on Thursday as councillors worked through the draft budget line by line.',
  'Officers told the meeting that the gap between income and spending had narrowed since the summer, but not closed.',
  'Residents in the public gallery, some of whom had waited since six o’clock, followed every amendment closely.',
  'The chair reminded members that each proposal had to name where the money would come from.',
  'A short adjournment was called while officers checked figures that two councillors said did not add up.',
  'Several speakers returned to the question of reserves, which stand at their lowest level for a decade.',
];
const SUBJECTS = [
  'members debated whether to keep the Eastbank library open on Saturdays',
  'the leisure centre’s pool heating bill came under scrutiny',
  'a proposal to raise parking charges at the station was put to a vote',
  'the street lighting contract, due for renewal in April, was discussed at length',
  'grants to the Parks & Open Spaces volunteers were defended by both parties',
  'the cost of repairing the Old Bridge’s parapet was set out in a new report',
  'councillors asked why the recycling contract had overrun by nine per cent',
];
const CLOSERS = [
  'No decision was taken, and the item was deferred to the full council in December.',
  'The amendment was carried by a narrow margin after a recorded vote.',
  'Officers promised a written answer before the next meeting.',
  'The proposal was withdrawn after its seconder said more consultation was needed.',
  'Members agreed to return to the matter once the government grant is confirmed.',
];

/** Paragraph `i` (0-based) of every bench article; the index makes each one unique. */
export function benchParagraph(i: number): string {
  const pick = (list: string[], n: number) => list[n % list.length] ?? '';
  return (
    `${pick(OPENERS, i)} At item ${i + 1} on the agenda, ${pick(SUBJECTS, i * 5 + 1)}. ` +
    pick(CLOSERS, i * 3 + 2)
  );
}

function* generated(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield benchParagraph(i);
}

function meta(kb: number, count: number): ArticlePageInput {
  return {
    id: BENCH_PATH.slice(1),
    path: BENCH_PATH,
    section: 'bench',
    headline: `The council’s longest budget night (benchmark article, ${kb} KB)`,
    dateline: 'Riverside',
    byline: 'Courier Bench Desk',
    published: '2026-11-20T22:00:00.000Z',
    paragraphs: () => generated(count),
  };
}

/** UTF-8 length without Buffer, so this module also loads in workerd (tests import it). */
function bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4; // a surrogate pair is one 4-byte character
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The fewest paragraphs that make the whole page at least `kb` KB. Sized from the same piece
 * functions the page uses, so the estimate is exact; it costs one extra pass of generating
 * strings, never one of holding them.
 */
export function paragraphsFor(kb: number): number {
  const target = kb * 1024;
  let total = 0;
  for (const piece of articlePage(meta(kb, 0))) total += bytes(piece);
  let count = 0;
  while (total < target) {
    const p = benchParagraph(count);
    const first = count === 0;
    total += bytes(ldPiece(p, first)) + bytes(dataPiece(p, first)) + bytes(bodyPiece(p));
    count++;
  }
  return count;
}

/** Sizing a 5 MB page takes a while; benchmarks ask for the same few sizes again and again. */
const counts = new Map<number, number>();

export function benchArticle(kb: number): ArticlePageInput {
  let count = counts.get(kb);
  if (count === undefined) {
    count = paragraphsFor(kb);
    counts.set(kb, count);
  }
  return meta(kb, count);
}

/** `?kb=` → a size, or null when it is missing its bounds (default 10 KB when absent). */
export function parseKb(raw: string | null): number | null {
  if (raw === null || raw === '') return 10;
  if (!/^\d{1,6}$/.test(raw)) return null;
  const kb = Number(raw);
  return kb >= MIN_KB && kb <= MAX_KB ? kb : null;
}
