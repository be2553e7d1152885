// A small browser app on its own origin that uses filmshelf only through its API with fetch().
// First visit (index.html?api=...&token=...): make a v4 request token whose redirect_to is this
// app's /index.html, and send the user to filmshelf's approval page. Back from it: exchange the
// token, create and fill a list, read it back, use a v3 session, then check that filmshelf's
// HTML pages cannot be read from here. Everything it saw goes to #result as JSON.
const status = document.getElementById('status');
const result = document.getElementById('result');
const params = new URLSearchParams(location.search);
if (params.get('api')) {
  sessionStorage.setItem('api', params.get('api'));
  sessionStorage.setItem('readToken', params.get('token'));
}
const api = sessionStorage.getItem('api');
const readToken = sessionStorage.getItem('readToken');
// Steps of the first visit survive the trip to filmshelf and back in sessionStorage.
const seen = { origin: location.origin, steps: JSON.parse(sessionStorage.getItem('steps') || '[]') };

async function send(name, path, { method = 'GET', token = readToken, body } = {}) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json;charset=utf-8';
  }
  const response = await fetch(api + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  seen.steps.push({ name, status: response.status, contentType: response.headers.get('content-type'), json });
  return json;
}

async function readable(name, url, init = {}) {
  try {
    const response = await fetch(url, init);
    seen.steps.push({ name, readable: true, status: response.status, text: (await response.text()).slice(0, 200) });
  } catch (error) {
    seen.steps.push({ name, readable: false, error: String(error) });
  }
}

async function start() {
  const made = await send('request_token', '/4/auth/request_token', {
    method: 'POST',
    body: { redirect_to: `${location.origin}/index.html?back=1` },
  });
  sessionStorage.setItem('requestToken', made.request_token);
  sessionStorage.setItem('steps', JSON.stringify(seen.steps));
  status.textContent = 'asking filmshelf';
  location.href = `${api}/auth/access?request_token=${encodeURIComponent(made.request_token)}`;
}

async function finish() {
  const requestToken = sessionStorage.getItem('requestToken');
  const signedIn = await send('access_token', '/4/auth/access_token', {
    method: 'POST',
    body: { request_token: requestToken },
  });
  const user = signedIn.access_token;
  const account = signedIn.account_id;
  const created = await send('create_list', '/4/list', {
    method: 'POST',
    token: user,
    body: { name: 'Made in a browser', iso_639_1: 'en', public: false },
  });
  await send('add_items', `/4/list/${created.id}/items`, {
    method: 'POST',
    token: user,
    body: { items: [{ media_type: 'movie', media_id: 550 }, { media_type: 'tv', media_id: 1399 }] },
  });
  await send('read_list', `/4/list/${created.id}`, { token: user });
  await send('my_lists', `/4/account/${account}/lists`, { token: user });
  const converted = await send('session', '/3/authentication/session/convert/4', {
    method: 'POST',
    body: { access_token: user },
  });
  const session = encodeURIComponent(converted.session_id);
  await send('favorite', `/3/account/${account}/favorite?session_id=${session}`, {
    method: 'POST',
    body: { media_type: 'movie', media_id: 603, favorite: true },
  });
  await send('favorites', `/3/account/${account}/favorite/movies?session_id=${session}`);
  await send('delete_list', `/4/list/${created.id}`, { method: 'DELETE', token: user });
  // filmshelf's HTML pages must not be readable from this origin, with or without cookies.
  await readable('login_page', `${api}/login`);
  await readable('approval_page', `${api}/auth/access?request_token=${encodeURIComponent(requestToken)}`, {
    credentials: 'include',
  });
  await readable('home_page', `${api}/`, { credentials: 'include' });
  // The API answers anyone, but never with cookies: a credentialed read is refused by the browser.
  await readable('api_with_cookies', `${api}/3/configuration?api_key=none`, { credentials: 'include' });
  status.textContent = 'done';
}

(params.get('back') ? finish() : start()).catch((error) => {
  seen.error = String(error && error.stack ? error.stack : error);
  status.textContent = 'done';
}).finally(() => {
  if (status.textContent === 'done') {
    result.textContent = JSON.stringify(seen);
  }
});
