// The demo site's articles. Everything here is invented for the demo (places, people,
// numbers); none of it is reporting. Pure data with no Node imports, so tests running in
// workerd can import it and check exactly which paragraphs reached the browser.
//
// Sections are chosen so paywall rules can be shown: `investigations` is the natural
// candidate for a `premium` rule and `notices` for a `free` one; the rest are metered.

export interface DemoArticle {
  /** Last path segment, e.g. `night-bus-pilot-approved`. */
  slug: string;
  /** `/2026/11/<slug>`; the article id is this without the leading slash. */
  path: string;
  section: string;
  headline: string;
  /** Place name, shown upper-case before the date. */
  dateline: string;
  byline: string;
  /** ISO 8601, UTC. */
  published: string;
  paragraphs: string[];
}

type ArticleText = Omit<DemoArticle, 'path'>;

const TEXTS: ArticleText[] = [
  {
    slug: 'night-bus-pilot-approved',
    section: 'city',
    headline: 'Council approves night bus pilot after two-year push by shift workers',
    dateline: 'Riverside',
    byline: 'Maya Okafor',
    published: '2026-11-03T07:30:00.000Z',
    paragraphs: [
      'Riverside will run its first overnight bus service in more than twenty years from January, after the city council voted 31 to 9 on Monday to fund a twelve-month trial on two routes.',
      'The N1 will link the hospital, the station and the Eastbank estates every forty minutes between midnight and five in the morning, while the N2 will loop through the industrial park and the ring-road distribution warehouses.',
      'Councillors were shown a survey of 1,400 night-shift workers in which almost half said they had turned down a job or an extra shift because there was no way home that did not involve a taxi costing more than an hour’s pay.',
      '“Cleaners, nurses, bakers and warehouse staff keep this city running while the rest of us sleep,” said Councillor Ruth Adeyemi, who chairs the transport committee. “For too long we have asked them to walk the ring road in the dark.”',
      'The pilot will cost £640,000, two-thirds of it from the regional transport fund and the rest from the council’s parking income. Fares will match daytime fares, and weekly passes will be valid.',
      'Opposition councillors questioned whether the routes would carry enough passengers to justify the cost. “Nobody is against the idea,” said Councillor Tom Haddow. “We are against signing a cheque without a clear test of whether it works.”',
      'Officers said the trial would be judged on passenger numbers, a repeat of the worker survey and reports from the hospital trust on staff lateness and sickness after night shifts.',
      'The Night Workers’ Network, which gathered the survey responses at factory gates and staff canteens, said it would keep campaigning for a third route serving the western villages.',
    ],
  },
  {
    slug: 'heron-creek-nitrates-fall',
    section: 'environment',
    headline: 'Heron Creek nitrate levels fall for the first time in a decade',
    dateline: 'Riverside',
    byline: 'Daniel Reyes',
    published: '2026-11-05T09:15:00.000Z',
    paragraphs: [
      'Nitrate pollution in Heron Creek has fallen for the first time in ten years, according to samples taken by volunteers every fortnight since 2016 and checked by the university’s water laboratory.',
      'The average reading at the Mill Lane footbridge dropped from 38 to 29 milligrams per litre over the past year, below the level at which the creek is classed as at risk of algal blooms.',
      'Volunteers credit a deal struck two winters ago in which eleven farms upstream agreed to leave six-metre grass margins along the water and to stop spreading slurry between October and February, when heavy rain washes it straight into the channel.',
      '“We used to pull bags of green scum off the weir every August,” said Priya Natarajan, who has coordinated the sampling group since it began. “This summer we did not need to go out once.”',
      'Farmers involved in the scheme were paid for the land they took out of production through a fund set up by the water company, which had faced the cost of extra treatment at its Calder Road works.',
      'Researchers cautioned that one good year did not make a trend. A dry spring meant less run-off, and readings downstream of the sewage outfall at Kingsmead remained stubbornly high.',
      'The water company said it would publish its own monitoring data for the outfall from next month, after repeated requests from the sampling group and from this newspaper.',
      'The volunteers are looking for new members for the winter season. Training takes an afternoon, and the group supplies the sampling kits, waders and, Ms Natarajan added, the flask of tea.',
    ],
  },
  {
    slug: 'tram-depot-studios-open',
    section: 'culture',
    headline: 'Old tram depot reopens as studio space for sixty artists',
    dateline: 'Riverside',
    byline: 'Hannah Lindqvist',
    published: '2026-11-07T11:00:00.000Z',
    paragraphs: [
      'The Victorian tram depot on Foundry Street, empty since the last carriages left in 1961, opened its doors on Saturday as a home for sixty artists, makers and small workshops.',
      'Rents start at £95 a month for a shared bench and rise to £410 for one of the eight large bays under the original iron roof, where the tracks are still visible beneath a new concrete floor.',
      'The building’s future had looked bleak until a group of printmakers, evicted from a mill conversion in 2023, persuaded the council to let it on a thirty-year lease for a peppercorn rent in return for fixing the roof themselves.',
      '“People told us it could not be done without a developer,” said Joseph Mensah, a screen printer who led the project. “It turns out a few hundred people with scaffolding, patience and a lot of soup can do quite a lot.”',
      'The restoration cost £1.8 million, raised from a heritage grant, a community share offer bought by more than 900 residents and a long list of Saturday volunteers.',
      'Tenants include a bicycle framebuilder, two ceramicists, a violin repairer and a collective making costumes for the city’s theatres. A café and a free exhibition space face the street.',
      'The depot will hold open studios on the first weekend of each month, and a waiting list has already opened for the next round of spaces.',
    ],
  },
  {
    slug: 'care-home-inspections-notice',
    section: 'investigations',
    headline: 'Care home inspections: a third of visits were announced days in advance',
    dateline: 'Riverside',
    byline: 'Samuel Achterberg and Leila Haddad',
    published: '2026-11-10T06:00:00.000Z',
    paragraphs: [
      'One in three inspections of care homes in the Riverside district over the past four years was announced to the home’s managers at least two days in advance, according to records obtained by the Courier under freedom of information law.',
      'The regional care regulator’s own guidance says inspections should normally be unannounced, so that inspectors see a home as residents and their families experience it on an ordinary day.',
      'Of 212 inspection visits logged between 2022 and 2026, 71 were preceded by an email to the home giving the date and the names of the inspectors, and in nine cases the same home received advance notice on three consecutive visits.',
      'Families who spoke to the Courier described homes transformed in the days before an inspection. “Suddenly there were fresh flowers, new staff we had never seen, and the call bell in Mum’s room worked,” said one woman whose mother lived at a home on the Kingsmead Road until last year.',
      'The regulator said advance notice was sometimes needed for practical reasons, such as making sure a registered manager was present or that records were available, and that staff shortages had led inspectors to combine visits.',
      'But two former inspectors, who asked not to be named because they still work in the sector, said that notice had become routine for homes run by the larger chains, whose head offices asked for it “as a courtesy”.',
      'Three of the homes that received repeated advance notice were later rated as requiring improvement after complaints from relatives prompted unannounced visits.',
      'The regulator said it would review its scheduling policy and publish the number of announced inspections in its annual report from next year.',
      'Anyone with information about care standards can contact the Courier’s investigations team in confidence.',
    ],
  },
  {
    slug: 'rovers-reach-cup-final',
    section: 'sport',
    headline: 'Rovers reach county cup final with late winner in the rain',
    dateline: 'Riverside',
    byline: 'Kwame Boateng',
    published: '2026-11-12T21:45:00.000Z',
    paragraphs: [
      'Riverside Rovers are one game from their first county cup in nineteen years after a stoppage-time header from Ellie Marsh beat Harlow Vale 2-1 in a rain-soaked semi-final at Meadow Park on Wednesday night.',
      'The visitors led through a first-half penalty and defended deep for most of the second half as the pitch turned to mud in front of a crowd of more than 1,100, the biggest at the ground this season.',
      'Rovers equalised with twenty minutes left when substitute Aisha Rahman chased a ball everybody else had given up on, hooked it back from the byline and watched it deflect in off a defender’s shin.',
      'Marsh’s winner came from the last corner of the night. The captain rose above two defenders at the back post and sent the ball looping over the goalkeeper as the floodlights flickered.',
      '“I could hardly see the ball, to be honest,” Marsh said afterwards, still in her muddy kit. “I just heard the noise and knew it had gone in.”',
      'Manager Gareth Pryce praised his side’s patience. “We did not panic,” he said. “Two years ago we would have been chasing shadows in conditions like that.”',
      'Rovers will face Stoneleigh Town in the final at the county ground on December 6. The club said supporters’ coaches would leave Meadow Park at noon and that tickets would go on sale on Saturday.',
    ],
  },
  {
    slug: 'water-filters-reach-valley',
    section: 'world',
    headline: 'Riverside volunteers’ water filters reach villages cut off by earthquake',
    dateline: 'Ostrava Ridge',
    byline: 'Nadia Petrenko',
    published: '2026-11-14T08:20:00.000Z',
    paragraphs: [
      'Four hundred water filters assembled by volunteers in a Riverside church hall have reached mountain villages that were cut off for almost three weeks by last month’s earthquake, aid workers said on Friday.',
      'The filters travelled by lorry to the regional airport and then by mule along a path that local people reopened by hand after the main road was buried under a landslide.',
      'Each unit is a plastic bucket fitted with a ceramic cartridge that can clean enough water for a family of six for about two years, and the volunteers packed a laminated card of picture instructions into every box so that nobody needed to read a manual to use one.',
      'Village leaders said the main spring had been fouled by debris and that several children had fallen ill before the filters arrived. A mobile clinic reached the area on Wednesday.',
      '“The first thing people asked was whether the water was really safe to give to babies,” said Miroslav Kral, a coordinator with the aid group that carried the last stage of the journey. “Then they asked if we could bring more.”',
      'The Riverside effort began with a single appeal at a Sunday service and grew to involve three schools, a rugby club and a haulage firm that lent a lorry and two drivers free of charge.',
      'Organisers said a second batch of 600 filters would be built at St Anne’s hall over the next two weekends, and that donations of cash rather than goods were the most useful way to help.',
      'Engineers expect the valley road to reopen to light traffic before the first heavy snow, although aid groups warn that many homes will not be habitable this winter.',
    ],
  },
  {
    slug: 'lantern-parade-road-closures',
    section: 'notices',
    headline: 'Lantern Parade: road closures, bus diversions and bin collection changes',
    dateline: 'Riverside',
    byline: 'Courier Staff',
    published: '2026-11-16T12:00:00.000Z',
    paragraphs: [
      'The Winter Lantern Parade returns to the city centre on Saturday, November 28, and several roads will close from mid-afternoon while the procession and the evening market take place.',
      'Bridge Street, Market Row and the riverside promenade between the Old Bridge and Foundry Street will be closed to traffic from 2pm until 10pm. Access for residents and blue-badge holders will be through the Castle Lane checkpoint.',
      'Bus routes 3, 7 and 12 will be diverted along the ring road from 1.30pm, with temporary stops outside the library and the leisure centre, and the park-and-ride will run every ten minutes until 11pm.',
      'Households on the closed streets will have their bins collected on Friday instead of Saturday. Recycling crates should be out by 7am.',
      'The parade leaves Victoria Park at 5pm and reaches the cathedral green at about 6.15pm, where the Parks & Open Spaces team will host a short programme of music before the lanterns are lit along the river.',
      'Lantern-making workshops are free at the library on the two Saturdays before the parade. Places can be booked at the front desk or by telephone, and all materials are provided.',
    ],
  },
];

export const ARTICLES: DemoArticle[] = TEXTS.map((text) => ({
  ...text,
  path: `/${text.published.slice(0, 4)}/${text.published.slice(5, 7)}/${text.slug}`,
}));

/** The id the paywall meters by: the path without its leading slash. */
export function articleId(article: Pick<DemoArticle, 'path'>): string {
  return article.path.replace(/^\//, '');
}

export function findArticle(path: string): DemoArticle | undefined {
  return ARTICLES.find((article) => article.path === path);
}
