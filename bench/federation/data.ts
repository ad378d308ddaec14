/** Deterministic demo data for the products/reviews/inventory/accounts benchmark federation. */
export interface User {
  id: string;
  name: string;
  username: string;
}
export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
export interface Review {
  id: string;
  body: string;
  authorId: string;
  upc: string;
}

export const users: User[] = Array.from({ length: 20 }, (_, i) => ({
  id: `u${i + 1}`,
  name: `User Number ${i + 1}`,
  username: `@user${i + 1}`,
}));
export const products: Product[] = Array.from({ length: 60 }, (_, i) => ({
  upc: `p${i + 1}`,
  name: `Product ${i + 1}`,
  price: 100 + ((i * 37) % 1900),
  weight: 5 + ((i * 13) % 400),
}));
export const reviews: Review[] = products.flatMap((p, i) =>
  Array.from({ length: 4 }, (_, j) => ({
    id: `r${i * 4 + j + 1}`,
    body: `Review ${j + 1} of ${p.name}: solid, would buy again.`,
    authorId: users[(i * 4 + j) % users.length]!.id,
    upc: p.upc,
  })),
);
export const inStock = new Set(products.filter((_, i) => i % 3 !== 0).map((p) => p.upc));

export const usersById = new Map(users.map((u) => [u.id, u]));
export const productsByUpc = new Map(products.map((p) => [p.upc, p]));
export const reviewsByAuthor = new Map<string, Review[]>();
export const reviewsByProduct = new Map<string, Review[]>();
for (const r of reviews) {
  reviewsByAuthor.set(r.authorId, [...(reviewsByAuthor.get(r.authorId) ?? []), r]);
  reviewsByProduct.set(r.upc, [...(reviewsByProduct.get(r.upc) ?? []), r]);
}

/** The benchmark's deeply nested query (about 90 KB of JSON). */
export const deepQuery = `query Deep {
  topProducts(first: 12) {
    upc name price weight inStock shippingEstimate
    reviews {
      id body
      author {
        id name username
        reviews { id body product { upc name price inStock } }
      }
    }
  }
}`;
