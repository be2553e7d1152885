// tmdb-ts 2.3.0, unchanged. Its base URL is the constant BASE_URL_V3; the smallest override is
// its own constructor option `fetch` (new TMDB(token, { fetch })), given a fetch that sends
// https://api.themoviedb.org/3/... to filmshelf's /3/... instead.
//
// tmdb-ts only reads (GET with `Authorization: Bearer <token>`): it has no sign-in, no writes,
// no lists and no logout. account.details() sends just the token: the app's read access token
// (FILMSHELF_READ_TOKEN) and a user's v4 access token (FILMSHELF_USER_TOKEN, which the test gets
// through filmshelf's v4 sign-in, since tmdb-ts cannot sign in) are both tried.
import { TMDB } from 'tmdb-ts';
import { call, done, env } from './run.mjs';

const TMDB_V3 = 'https://api.themoviedb.org/3';
const base = env('FILMSHELF_URL') + '/3';
const toFilmshelf = (url, init) => {
  const target = String(url);
  if (!target.startsWith(TMDB_V3 + '/')) {
    throw new Error(`unexpected URL ${target}`);
  }
  return fetch(base + target.slice(TMDB_V3.length), init);
};

const app = new TMDB(env('FILMSHELF_READ_TOKEN'), { fetch: toFilmshelf });
const user = new TMDB(env('FILMSHELF_USER_TOKEN'), { fetch: toFilmshelf });

await call('account.details (app read token)', () => app.account.details());
await call('account.details (user access token)', () => user.account.details());

const conf = app.configuration;
await call('configuration.getApiConfiguration', () => conf.getApiConfiguration());
await call('configuration.getCountries', () => conf.getCountries());
await call('configuration.getLanguages', () => conf.getLanguages());
await call('configuration.getJobs', () => conf.getJobs());
await call('configuration.getPrimaryTranslations', () => conf.getPrimaryTranslations());
await call('configuration.getTimezones', () => conf.getTimezones());
await call('genres.movies', () => app.genres.movies());
await call('genres.tvShows', () => app.genres.tvShows());

await call('search.movies', () => app.search.movies({ query: 'matrix' }));
await call('search.tvShows', () => user.search.tvShows({ query: 'thrones', first_air_date_year: 2011 }));
for (const name of ['multi', 'people', 'companies', 'collections', 'keywords']) {
  await call(`search.${name}`, () => app.search[name]({ query: 'matrix' }));
}

await call('movies.details', () => app.movies.details(550, ['credits', 'videos']));
await call('tvShows.details', () => app.tvShows.details(1399, ['credits']));

done();
