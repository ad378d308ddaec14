import type { QueryRequest, TableRelationships } from '@switchyard/dc-api';

export interface BenchQuery {
  name: string;
  /** Relationship queries are the ones whose cost must grow linearly with the data. */
  relationship: boolean;
  request: QueryRequest;
}

const col = (column: string) => ({ type: 'column' as const, column });

const artistAlbumsTracks: TableRelationships[] = [
  {
    source_table: 'Artist',
    relationships: {
      Albums: { target_table: 'Album', relationship_type: 'array', column_mapping: { ArtistId: 'ArtistId' } },
    },
  },
  {
    source_table: 'Album',
    relationships: {
      Tracks: { target_table: 'Track', relationship_type: 'array', column_mapping: { AlbumId: 'AlbumId' } },
    },
  },
  {
    source_table: 'Track',
    relationships: {
      InvoiceLines: {
        target_table: 'InvoiceLine',
        relationship_type: 'array',
        column_mapping: { TrackId: 'TrackId' },
      },
      Genre: { target_table: 'Genre', relationship_type: 'object', column_mapping: { GenreId: 'GenreId' } },
    },
  },
];

/** The fixed query set; every query's result size is proportional to the scale or constant. */
export const benchQueries: BenchQuery[] = [
  {
    name: 'pk lookup (Track by TrackId, indexed equal)',
    relationship: false,
    request: {
      table: 'Track',
      table_relationships: [],
      query: {
        fields: { TrackId: col('TrackId'), Name: col('Name') },
        where: {
          type: 'binary_op',
          operator: 'equal',
          column: { path: [], name: 'TrackId' },
          value: { type: 'scalar', value: 1234 },
        },
      },
    },
  },
  {
    name: 'filter scan (Track: Milliseconds > 400000 and UnitPrice = 1.99)',
    relationship: false,
    request: {
      table: 'Track',
      table_relationships: [],
      query: {
        fields: { TrackId: col('TrackId'), Milliseconds: col('Milliseconds') },
        where: {
          type: 'and',
          expressions: [
            {
              type: 'binary_op',
              operator: 'greater_than',
              column: { path: [], name: 'Milliseconds' },
              value: { type: 'scalar', value: 400_000 },
            },
            {
              type: 'binary_op',
              operator: 'equal',
              column: { path: [], name: 'UnitPrice' },
              value: { type: 'scalar', value: 1.99 },
            },
          ],
        },
      },
    },
  },
  {
    name: 'indexed in (Track: GenreId in [1, 2, 3])',
    relationship: false,
    request: {
      table: 'Track',
      table_relationships: [],
      query: {
        fields: { TrackId: col('TrackId') },
        where: {
          type: 'binary_arr_op',
          operator: 'in',
          column: { path: [], name: 'GenreId' },
          values: [1, 2, 3],
        },
      },
    },
  },
  {
    name: 'sort + page (Track by Name, Milliseconds desc; offset 100 limit 20: top-k)',
    relationship: false,
    request: {
      table: 'Track',
      table_relationships: [],
      query: {
        fields: { TrackId: col('TrackId'), Name: col('Name') },
        order_by: [
          { column: 'Name', ordering: 'asc' },
          { column: 'Milliseconds', ordering: 'desc' },
        ],
        limit: 20,
        offset: 100,
      },
    },
  },
  {
    name: 'cross-table path filter (Customer: SupportRep.Country = Country)',
    relationship: true,
    request: {
      table: 'Customer',
      table_relationships: [
        {
          source_table: 'Customer',
          relationships: {
            SupportRep: {
              target_table: 'Employee',
              relationship_type: 'object',
              column_mapping: { SupportRepId: 'EmployeeId' },
            },
          },
        },
      ],
      query: {
        fields: { CustomerId: col('CustomerId'), Country: col('Country') },
        where: {
          type: 'binary_op',
          operator: 'equal',
          column: { path: ['SupportRep'], name: 'Country' },
          value: { type: 'column', column: { path: [], name: 'Country' } },
        },
      },
    },
  },
  {
    name: 'array path filter (Artist: Albums.Tracks.Milliseconds > 500000)',
    relationship: true,
    request: {
      table: 'Artist',
      table_relationships: artistAlbumsTracks,
      query: {
        fields: { ArtistId: col('ArtistId') },
        where: {
          type: 'binary_op',
          operator: 'greater_than',
          column: { path: ['Albums', 'Tracks'], name: 'Milliseconds' },
          value: { type: 'scalar', value: 500_000 },
        },
      },
    },
  },
  {
    name: '3-level array relationships (Artist > Albums > Tracks > InvoiceLines + Genre)',
    relationship: true,
    request: {
      table: 'Artist',
      table_relationships: artistAlbumsTracks,
      query: {
        fields: {
          Name: col('Name'),
          Albums: {
            type: 'relationship',
            relationship: 'Albums',
            query: {
              fields: {
                Title: col('Title'),
                Tracks: {
                  type: 'relationship',
                  relationship: 'Tracks',
                  query: {
                    fields: {
                      Name: col('Name'),
                      Genre: {
                        type: 'relationship',
                        relationship: 'Genre',
                        query: { fields: { Name: col('Name') } },
                      },
                      InvoiceLines: {
                        type: 'relationship',
                        relationship: 'InvoiceLines',
                        query: { fields: { InvoiceId: col('InvoiceId'), UnitPrice: col('UnitPrice') } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  {
    name: '3-level relationships, sorted and paged per level',
    relationship: true,
    request: {
      table: 'Artist',
      table_relationships: artistAlbumsTracks,
      query: {
        fields: {
          Name: col('Name'),
          Albums: {
            type: 'relationship',
            relationship: 'Albums',
            query: {
              fields: {
                Title: col('Title'),
                Tracks: {
                  type: 'relationship',
                  relationship: 'Tracks',
                  query: {
                    fields: {
                      Name: col('Name'),
                      InvoiceLines: {
                        type: 'relationship',
                        relationship: 'InvoiceLines',
                        query: { fields: { InvoiceId: col('InvoiceId') }, limit: 2 },
                      },
                    },
                    order_by: [{ field: 'Milliseconds', order_type: 'desc' }],
                    limit: 3,
                  },
                },
              },
              order_by: [{ column: 'Title', ordering: 'asc' }],
            },
          },
        },
        order_by: [{ column: 'Name', ordering: 'asc' }],
      },
    },
  },
];
