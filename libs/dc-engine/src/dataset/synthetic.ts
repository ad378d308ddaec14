import type { ScalarValue } from '@switchyard/dc-api';
import { chinookTables } from './chinook-description.js';
import { buildDataset, type Dataset } from './dataset.js';

export interface SyntheticOptions {
  /** Multiplies every table's Chinook row count (1 = 15,607 rows, 100 = about 1.56M rows). */
  scale?: number;
  seed?: number;
}

type RawRow = Record<string, ScalarValue>;

/** mulberry32: a small, fast, seeded PRNG (the same seed always yields the same sequence). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ton',
  'vel',
  'sa',
  'dor',
  'en',
  'bri',
  'qu',
  'ash',
  'el',
  'mon',
  'tri',
  'ux',
];
const WORDS = [
  'Blue',
  'Night',
  'River',
  'Electric',
  'Stone',
  'Golden',
  'Silent',
  'Wild',
  'Heart',
  'Fire',
  'Road',
  'Dream',
  'Echo',
  'Storm',
  'Glass',
  'Sun',
];
const COUNTRIES = [
  'USA',
  'Canada',
  'Brazil',
  'France',
  'Germany',
  'United Kingdom',
  'Portugal',
  'India',
  'Chile',
  'Czech Republic',
];
const CITIES = [
  'Calgary',
  'Lisbon',
  'Paris',
  'Berlin',
  'Prague',
  'London',
  'Santiago',
  'Delhi',
  'Toronto',
  'Boston',
];

/**
 * A deterministic data set with Chinook's schema and `scale` times its row counts. Foreign keys are drawn
 * uniformly from the parent table, so every relationship's fan-out stays the same at any scale.
 */
export function generateSyntheticData(options: SyntheticOptions = {}): Record<string, RawRow[]> {
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const seed = options.seed ?? 42;
  const random = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const word = () => pick(WORDS);
  const properName = () => {
    const parts = int(2, 3);
    let out = '';
    for (let i = 0; i < parts; i++) out += pick(SYLLABLES);
    return out.charAt(0).toUpperCase() + out.slice(1);
  };
  const date = (fromYear: number, toYear: number) =>
    `${int(fromYear, toYear)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}T00:00:00`;
  const count = Object.fromEntries(chinookTables.map((t) => [t.name, t.baseRowCount * scale])) as Record<
    string,
    number
  >;
  const fk = (table: string) => int(1, count[table]!);
  const maybe = (probability: number, value: () => ScalarValue): ScalarValue =>
    random() < probability ? null : value();
  const rows = (table: string, make: (id: number) => RawRow): RawRow[] => {
    const out: RawRow[] = new Array(count[table]!);
    for (let i = 0; i < out.length; i++) out[i] = make(i + 1);
    return out;
  };

  const data: Record<string, RawRow[]> = {};
  data.Genre = rows('Genre', (id) => ({ GenreId: id, Name: `${word()} ${properName()} ${id}` }));
  data.MediaType = rows('MediaType', (id) => ({
    MediaTypeId: id,
    Name: `${pick(['MPEG', 'AAC', 'FLAC', 'Ogg'])} file ${id}`,
  }));
  data.Artist = rows('Artist', (id) => ({ ArtistId: id, Name: `${properName()} ${properName()}` }));
  data.Album = rows('Album', (id) => ({
    AlbumId: id,
    Title: `${word()} ${word()} ${id}`,
    ArtistId: fk('Artist'),
  }));
  data.Track = rows('Track', (id) => ({
    TrackId: id,
    Name: `${word()} ${properName()}`,
    AlbumId: fk('Album'),
    MediaTypeId: fk('MediaType'),
    GenreId: fk('Genre'),
    Composer: maybe(0.28, () => `${properName()} ${properName()}`),
    Milliseconds: int(60_000, 600_000),
    Bytes: int(1_000_000, 20_000_000),
    UnitPrice: random() < 0.9 ? 0.99 : 1.99,
  }));
  const person = () => ({
    Address: `${int(1, 999)} ${word()} Street`,
    City: pick(CITIES),
    State: maybe(0.4, () => properName().slice(0, 2).toUpperCase()),
    Country: pick(COUNTRIES),
    PostalCode: maybe(0.05, () => String(int(10000, 99999))),
    Phone: `+1 (${int(100, 999)}) ${int(100, 999)}-${int(1000, 9999)}`,
    Fax: maybe(0.7, () => `+1 (${int(100, 999)}) ${int(100, 999)}-${int(1000, 9999)}`),
  });
  data.Employee = rows('Employee', (id) => {
    const p = person();
    return {
      EmployeeId: id,
      LastName: properName(),
      FirstName: properName(),
      Title: pick(['General Manager', 'Sales Manager', 'Sales Support Agent', 'IT Staff']),
      ReportsTo: id === 1 ? null : int(1, id - 1),
      BirthDate: date(1950, 1990),
      HireDate: date(2000, 2010),
      ...p,
      State: p.State ?? 'AB',
      PostalCode: p.PostalCode ?? '00000',
      Phone: p.Phone,
      Fax: p.Fax ?? p.Phone,
      Email: `employee${id}@example.com`,
    };
  });
  data.Customer = rows('Customer', (id) => ({
    CustomerId: id,
    FirstName: properName(),
    LastName: properName(),
    Company: maybe(0.83, () => `${word()} ${properName()} Ltd`),
    ...person(),
    Email: `customer${id}@example.com`,
    SupportRepId: fk('Employee'),
  }));
  data.Invoice = rows('Invoice', (id) => ({
    InvoiceId: id,
    CustomerId: fk('Customer'),
    InvoiceDate: date(2009, 2013),
    BillingAddress: `${int(1, 999)} ${word()} Avenue`,
    BillingCity: pick(CITIES),
    BillingState: maybe(0.5, () => properName().slice(0, 2).toUpperCase()),
    BillingCountry: pick(COUNTRIES),
    BillingPostalCode: maybe(0.07, () => String(int(10000, 99999))),
    Total: Math.round(random() * 2500) / 100,
  }));
  data.InvoiceLine = rows('InvoiceLine', (id) => ({
    InvoiceLineId: id,
    InvoiceId: fk('Invoice'),
    TrackId: fk('Track'),
    UnitPrice: random() < 0.9 ? 0.99 : 1.99,
    Quantity: 1,
  }));
  data.Playlist = rows('Playlist', (id) => ({ PlaylistId: id, Name: `${word()} ${word()} mix ${id}` }));
  const playlists = count.Playlist!;
  const tracks = count.Track!;
  // Playlist p gets the k-th member ((k * 7919 + p * 131) mod tracks) + 1: distinct for each k, so (PlaylistId, TrackId) is unique.
  data.PlaylistTrack = rows('PlaylistTrack', (id) => {
    const playlist = ((id - 1) % playlists) + 1;
    const k = Math.floor((id - 1) / playlists);
    return { PlaylistId: playlist, TrackId: ((k * 7919 + playlist * 131) % tracks) + 1 };
  });
  return data;
}

/** The synthetic data set, loaded and indexed like a file would be. */
export function syntheticDataset(options: SyntheticOptions = {}): Dataset {
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const seed = options.seed ?? 42;
  return buildDataset(generateSyntheticData({ scale, seed }), `synthetic(scale=${scale}, seed=${seed})`);
}
