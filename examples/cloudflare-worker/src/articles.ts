// The example site's own articles, invented for the example. A real site would read these
// from its CMS or KV; the paywall only needs an id, and the paragraphs to keep or leave out.

export interface Article {
  slug: string;
  section: string;
  headline: string;
  paragraphs: string[];
}

export const ARTICLES: Article[] = [
  {
    slug: 'ferry-timetable-returns',
    section: 'city',
    headline: 'The winter ferry timetable returns a week early',
    paragraphs: [
      'The harbour authority will switch to the winter timetable on Monday, a week earlier than planned.',
      'Crews said the early change follows three storms that cancelled evening crossings in a row.',
      'Commuters on the north shore lose the 22:40 boat but gain a second morning departure at 06:50.',
      'A review of the timetable is promised for March, once passenger counts for the season are in.',
    ],
  },
  {
    slug: 'library-opens-sundays',
    section: 'culture',
    headline: 'The central library opens on Sundays from December',
    paragraphs: [
      'The central library will open from 11:00 to 17:00 on Sundays starting in December.',
      'Volunteers from the reading club offered to staff the children’s floor on alternate weeks.',
      'The extra hours are funded for one year from the city’s cultural budget.',
      'Librarians hope to keep the Sunday hours if visits match the Saturday average.',
    ],
  },
  {
    slug: 'market-square-trees',
    section: 'environment',
    headline: 'Twelve new lime trees for the market square',
    paragraphs: [
      'Twelve young lime trees will be planted around the market square next spring.',
      'The trees replace four that were felled after a fungal disease was found in 2024.',
      'Stall holders asked for the planting pits to leave room for the Saturday awnings.',
      'The parks department says the trees will give full shade in about fifteen years.',
    ],
  },
  {
    slug: 'bridge-repairs-finish',
    section: 'city',
    headline: 'Repairs to the old stone bridge finish under budget',
    paragraphs: [
      'Repairs to the old stone bridge finished on Friday, two weeks ahead of schedule.',
      'Masons replaced forty-one worn stones with blocks cut from the original quarry.',
      'The work cost 8% less than budgeted because the winter was mild.',
      'Cars return to the bridge on Monday; the footpath reopened this morning.',
    ],
  },
];

export const findArticle = (slug: string) => ARTICLES.find((a) => a.slug === slug);
