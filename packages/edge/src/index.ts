export type { EdgePurger } from './edge-purger.ts';
export { surrogateKeyHeader, surrogateKeys } from './surrogate-keys.ts';
export { createVarnishPurger, type VarnishPurgerOptions } from './varnish-purger.ts';
