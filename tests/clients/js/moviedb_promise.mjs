// moviedb-promise 4.0.8, unchanged, pointed at filmshelf through its own constructor:
// new MovieDb(apiKey, baseUrl). Every call it offers for the features under test, in the order a
// user would make them; tests/clients/test_js_clients.py checks each answer.
//
// Its sign-in: requestToken() (GET token/new), the user allows the token on
// /authenticate/{request_token} (the test does it in the browser's place), retrieveSession()
// (GET session/new). It has no logout call. It sends api_key and session_id in the JSON body of
// POST and DELETE calls, and the literal `{account_id}` as the account id when none is given.
import { MovieDb } from 'moviedb-promise';
import { ask, call, done, env } from './run.mjs';

const moviedb = new MovieDb(env('FILMSHELF_API_KEY'), env('FILMSHELF_URL') + '/3/');

// --- configuration, search, details (api_key only) ---
await call('configuration', () => moviedb.configuration());
await call('countries', () => moviedb.countries());
await call('jobs', () => moviedb.jobs());
await call('languages', () => moviedb.languages());
await call('primaryTranslations', () => moviedb.primaryTranslations());
await call('timezones', () => moviedb.timezones());
await call('genreMovieList', () => moviedb.genreMovieList());
await call('genreTvList', () => moviedb.genreTvList());
await call('searchMovie', () => moviedb.searchMovie('matrix'));
await call('searchTv', () => moviedb.searchTv({ query: 'thrones', first_air_date_year: 2011 }));
for (const name of ['searchMulti', 'searchPerson', 'searchCompany', 'searchCollection', 'searchKeyword']) {
  await call(name, () => moviedb[name]('matrix'));
}
await call('searchList', () => moviedb.searchList({ query: 'matrix' }));
await call('movieInfo', () => moviedb.movieInfo({ id: 550, append_to_response: 'credits,videos' }));
await call('tvInfo', () => moviedb.tvInfo(1399));

// --- sign-in: request token, the user allows it on /authenticate, session ---
const token = await call('requestToken', () => moviedb.requestToken());
await ask({ approve: token ? token.request_token : null });
await call('retrieveSession', () => moviedb.retrieveSession());

// --- account, favorite / watchlist / ratings and reading them back ---
await call('accountInfo', () => moviedb.accountInfo());
for (const [mediaType, mediaId] of [['movie', 550], ['tv', 1399]]) {
  await call('accountFavoriteUpdate', () =>
    moviedb.accountFavoriteUpdate({ media_type: mediaType, media_id: mediaId, favorite: true }));
  await call('accountWatchlistUpdate', () =>
    moviedb.accountWatchlistUpdate({ media_type: mediaType, media_id: mediaId, watchlist: true }));
}
await call('movieRatingUpdate', () => moviedb.movieRatingUpdate({ id: 550, value: 8.5 }));
await call('tvRatingUpdate', () => moviedb.tvRatingUpdate({ id: 1399, value: 9 }));
await call('accountFavoriteMovies', () => moviedb.accountFavoriteMovies());
await call('accountFavoriteTv', () => moviedb.accountFavoriteTv());
await call('accountMovieWatchlist', () => moviedb.accountMovieWatchlist());
await call('accountTvWatchlist', () => moviedb.accountTvWatchlist());
await call('accountRatedMovies', () => moviedb.accountRatedMovies());
await call('accountRatedTv', () => moviedb.accountRatedTv());
await call('accountRatedTvEpisodes', () => moviedb.accountRatedTvEpisodes());
await call('movieAccountStates', () => moviedb.movieAccountStates(550));
await call('tvAccountStates', () => moviedb.tvAccountStates(1399));
await call('seasonAccountStates', () => moviedb.seasonAccountStates({ id: 1399, season_number: 1 }));
const episode = { id: 1399, season_number: 1, episode_number: 1 };
await call('episodeAccountStates', () => moviedb.episodeAccountStates(episode));
await call('episodeRatingUpdate', () => moviedb.episodeRatingUpdate({ ...episode, value: 7 }));
await call('episodeRatingDelete', () => moviedb.episodeRatingDelete(episode));
await call('movieRatingDelete', () => moviedb.movieRatingDelete(550));
await call('tvRatingDelete', () => moviedb.tvRatingDelete(1399));
await call('accountFavoriteUpdate', () =>
  moviedb.accountFavoriteUpdate({ media_type: 'movie', media_id: 550, favorite: false }));
await call('accountWatchlistUpdate', () =>
  moviedb.accountWatchlistUpdate({ media_type: 'tv', media_id: 1399, watchlist: false }));
await call('movieAccountStates', () => moviedb.movieAccountStates(550));
await call('accountTvWatchlist', () => moviedb.accountTvWatchlist());

// --- a v3 list: created, filled, read, emptied, deleted ---
const created = await call('createList', () =>
  moviedb.createList({ name: 'Made by moviedb-promise', description: 'through a real client', language: 'en' }));
const id = created ? created.list_id : 0;
await call('createListItem', () => moviedb.createListItem({ id, media_id: 550 }));
await call('createListItem', () => moviedb.createListItem({ id, media_id: 603 }));
await call('listInfo', () => moviedb.listInfo(id));
await call('listStatus', () => moviedb.listStatus({ id, movie_id: 550 }));
await call('removeListItem', () => moviedb.removeListItem({ id, media_id: 550 }));
await call('listStatus', () => moviedb.listStatus({ id, movie_id: 550 }));
await call('accountLists', () => moviedb.accountLists());
await call('clearList', () => moviedb.clearList({ id, confirm: true }));
await call('listInfo', () => moviedb.listInfo(id));
await call('deleteList', () => moviedb.deleteList(id));
await call('listInfo', () => moviedb.listInfo(id));

done();
