import type { RelationshipType, ScalarType } from '@switchyard/dc-api';

/** How a table of the data set looks: column types, primary key and descriptions. */
export interface TableDescription {
  name: string;
  description: string;
  primaryKey: string[];
  columns: Array<{ name: string; type: ScalarType; description?: string }>;
  /** Row count of the reference data set (the synthetic generator multiplies it by its scale). */
  baseRowCount: number;
}

/** A foreign-key relationship of the data set, in the shape graphql-engine's metadata uses. */
export interface RelationshipDescription {
  sourceTable: string;
  name: string;
  type: RelationshipType;
  targetTable: string;
  columnMapping: Record<string, string>;
}

const n = (name: string, description?: string) => ({ name, type: 'number' as const, description });
const s = (name: string, description?: string) => ({ name, type: 'string' as const, description });

/** Chinook: 11 tables, 15,607 rows. Nullability is not declared here: it is computed from the loaded rows. */
export const chinookTables: TableDescription[] = [
  {
    name: 'Genre',
    description: 'Music genres',
    primaryKey: ['GenreId'],
    baseRowCount: 25,
    columns: [n('GenreId', 'Genre primary key identifier'), s('Name')],
  },
  {
    name: 'MediaType',
    description: 'Media types of tracks',
    primaryKey: ['MediaTypeId'],
    baseRowCount: 5,
    columns: [n('MediaTypeId', 'Media type primary key identifier'), s('Name')],
  },
  {
    name: 'Artist',
    description: 'Collection of artists of music',
    primaryKey: ['ArtistId'],
    baseRowCount: 275,
    columns: [n('ArtistId', 'Artist primary key identifier'), s('Name', 'The name of the artist')],
  },
  {
    name: 'Album',
    description: 'Collection of music albums created by artists',
    primaryKey: ['AlbumId'],
    baseRowCount: 347,
    columns: [
      n('AlbumId', 'Album primary key identifier'),
      s('Title', 'The title of the album'),
      n('ArtistId', 'The ID of the artist that created this album'),
    ],
  },
  {
    name: 'Track',
    description: 'Tracks of albums',
    primaryKey: ['TrackId'],
    baseRowCount: 3503,
    columns: [
      n('TrackId', 'Track primary key identifier'),
      s('Name'),
      n('AlbumId'),
      n('MediaTypeId'),
      n('GenreId'),
      s('Composer'),
      n('Milliseconds'),
      n('Bytes'),
      n('UnitPrice'),
    ],
  },
  {
    name: 'Employee',
    description: 'Employees of the store',
    primaryKey: ['EmployeeId'],
    baseRowCount: 8,
    columns: [
      n('EmployeeId', 'Employee primary key identifier'),
      s('LastName'),
      s('FirstName'),
      s('Title'),
      n('ReportsTo', 'The EmployeeId of the manager'),
      s('BirthDate'),
      s('HireDate'),
      s('Address'),
      s('City'),
      s('State'),
      s('Country'),
      s('PostalCode'),
      s('Phone'),
      s('Fax'),
      s('Email'),
    ],
  },
  {
    name: 'Customer',
    description: 'Customers of the store',
    primaryKey: ['CustomerId'],
    baseRowCount: 59,
    columns: [
      n('CustomerId', 'Customer primary key identifier'),
      s('FirstName'),
      s('LastName'),
      s('Company'),
      s('Address'),
      s('City'),
      s('State'),
      s('Country'),
      s('PostalCode'),
      s('Phone'),
      s('Fax'),
      s('Email'),
      n('SupportRepId', 'The EmployeeId of the customer’s support representative'),
    ],
  },
  {
    name: 'Invoice',
    description: 'Invoices issued to customers',
    primaryKey: ['InvoiceId'],
    baseRowCount: 412,
    columns: [
      n('InvoiceId', 'Invoice primary key identifier'),
      n('CustomerId'),
      s('InvoiceDate'),
      s('BillingAddress'),
      s('BillingCity'),
      s('BillingState'),
      s('BillingCountry'),
      s('BillingPostalCode'),
      n('Total'),
    ],
  },
  {
    name: 'InvoiceLine',
    description: 'Lines of invoices: one purchased track each',
    primaryKey: ['InvoiceLineId'],
    baseRowCount: 2240,
    columns: [
      n('InvoiceLineId', 'Invoice line primary key identifier'),
      n('InvoiceId'),
      n('TrackId'),
      n('UnitPrice'),
      n('Quantity'),
    ],
  },
  {
    name: 'Playlist',
    description: 'Playlists',
    primaryKey: ['PlaylistId'],
    baseRowCount: 18,
    columns: [n('PlaylistId', 'Playlist primary key identifier'), s('Name')],
  },
  {
    name: 'PlaylistTrack',
    description: 'Membership of tracks in playlists',
    primaryKey: ['PlaylistId', 'TrackId'],
    baseRowCount: 8715,
    columns: [n('PlaylistId'), n('TrackId')],
  },
];

const rel = (
  sourceTable: string,
  name: string,
  type: RelationshipType,
  targetTable: string,
  columnMapping: Record<string, string>,
): RelationshipDescription => ({ sourceTable, name, type, targetTable, columnMapping });

/** Chinook's foreign keys, each in both directions. Their columns get hash indexes when the data is loaded. */
export const chinookRelationships: RelationshipDescription[] = [
  rel('Album', 'Artist', 'object', 'Artist', { ArtistId: 'ArtistId' }),
  rel('Artist', 'Albums', 'array', 'Album', { ArtistId: 'ArtistId' }),
  rel('Track', 'Album', 'object', 'Album', { AlbumId: 'AlbumId' }),
  rel('Album', 'Tracks', 'array', 'Track', { AlbumId: 'AlbumId' }),
  rel('Track', 'Genre', 'object', 'Genre', { GenreId: 'GenreId' }),
  rel('Genre', 'Tracks', 'array', 'Track', { GenreId: 'GenreId' }),
  rel('Track', 'MediaType', 'object', 'MediaType', { MediaTypeId: 'MediaTypeId' }),
  rel('MediaType', 'Tracks', 'array', 'Track', { MediaTypeId: 'MediaTypeId' }),
  rel('Customer', 'SupportRep', 'object', 'Employee', { SupportRepId: 'EmployeeId' }),
  rel('Employee', 'SupportedCustomers', 'array', 'Customer', { EmployeeId: 'SupportRepId' }),
  rel('Employee', 'Manager', 'object', 'Employee', { ReportsTo: 'EmployeeId' }),
  rel('Employee', 'DirectReports', 'array', 'Employee', { EmployeeId: 'ReportsTo' }),
  rel('Invoice', 'Customer', 'object', 'Customer', { CustomerId: 'CustomerId' }),
  rel('Customer', 'Invoices', 'array', 'Invoice', { CustomerId: 'CustomerId' }),
  rel('InvoiceLine', 'Invoice', 'object', 'Invoice', { InvoiceId: 'InvoiceId' }),
  rel('Invoice', 'InvoiceLines', 'array', 'InvoiceLine', { InvoiceId: 'InvoiceId' }),
  rel('InvoiceLine', 'Track', 'object', 'Track', { TrackId: 'TrackId' }),
  rel('Track', 'InvoiceLines', 'array', 'InvoiceLine', { TrackId: 'TrackId' }),
  rel('PlaylistTrack', 'Playlist', 'object', 'Playlist', { PlaylistId: 'PlaylistId' }),
  rel('Playlist', 'PlaylistTracks', 'array', 'PlaylistTrack', { PlaylistId: 'PlaylistId' }),
  rel('PlaylistTrack', 'Track', 'object', 'Track', { TrackId: 'TrackId' }),
  rel('Track', 'PlaylistTracks', 'array', 'PlaylistTrack', { TrackId: 'TrackId' }),
];
