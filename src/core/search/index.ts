export * from './searchIndex';
export { parseQuery, termsOf, type SearchQuery } from './searchTerms';
