// End-to-end smoke test of provider.mjs: starts it on a free port, runs the
// authorization code flow with PKCE like a browser-less client would (manual
// redirects, a cookie jar), and checks the tokens. Exits non-zero on failure.
//
//   node tests/oidc/smoke.mjs        (after `npm ci --prefix tests/oidc`)

import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLIENT_ID = 'smoke-client';
const CLIENT_SECRET = 'smoke-secret-0123456789';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const OTHER_REDIRECT_URI = 'http://localhost:9/other/callback';

let passed = 0;
let failed = 0;

function check(name, cond, detail) {
  if (cond) {
    passed += 1;
    console.log(`ok - ${name}`);
  } else {
    failed += 1;
    console.log(`not ok - ${name}${detail === undefined ? '' : ` -- ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
  }
  return cond;
}

// --- provider process -------------------------------------------------------

function startProvider(extraEnv = {}) {
  const child = spawn(process.execPath, [path.join(here, 'provider.mjs')], {
    env: {
      ...process.env,
      OIDC_PORT: '0',
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_REDIRECT_URI: `${REDIRECT_URI},${OTHER_REDIRECT_URI}`,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`provider not ready in 15s; stderr:\n${stderr}`)), 15000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/^OIDC_READY (http:\/\/127\.0\.0\.1:\d+)\n/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`provider exited (${code}) before ready; stderr:\n${stderr}`)); });
  });
  return {
    child, ready, exited, stdout: () => stdout, stderr: () => stderr,
  };
}

// --- a minimal cookie jar (name, value, path) -----------------------------

class Jar {
  cookies = new Map(); // `${name}|${path}` -> { name, value, path }

  store(url, res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      let cpath = new URL(url).pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = value === '';
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        if (k.toLowerCase() === 'path') cpath = v;
        if (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
      }
      const key = `${name}|${cpath}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path: cpath });
    }
  }

  header(url) {
    const p = new URL(url).pathname;
    return [...this.cookies.values()]
      .filter((c) => p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/')
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

async function request(jar, url, init = {}) {
  const headers = new Headers(init.headers);
  const cookie = jar?.header(url);
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar?.store(url, res);
  return res;
}

// --- helpers ----------------------------------------------------------------

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const randomToken = () => b64url(crypto.randomBytes(32));

function pkcePair() {
  const verifier = randomToken(); // 43 chars
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function decodeJwt(jwt) {
  const [h, p, s] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url')),
    payload: JSON.parse(Buffer.from(p, 'base64url')),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

function verifyRs256(jwt, jwks) {
  const { header, signingInput, signature } = decodeJwt(jwt);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  return crypto.verify('sha256', Buffer.from(signingInput), key, signature);
}

// Runs GET /auth ... -> login form -> POST -> redirects, up to the callback.
// Returns { callback: URL } or { error: string, res } for unexpected answers.
async function authorize(issuer, jar, {
  login, acrValues, scope = 'openid email profile', redirectUri = REDIRECT_URI,
  state = randomToken(), nonce = randomToken(), pkce = pkcePair(), extra = {}, abort = false,
  expectForm = true,
}) {
  const q = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...(acrValues ? { acr_values: acrValues } : {}),
    ...extra,
  });
  for (const [k, v] of Object.entries(extra)) if (v === undefined) q.delete(k);

  let url = `${issuer}/auth?${q}`;
  let res = await request(jar, url);
  const steps = [];
  for (let hop = 0; hop < 10; hop += 1) {
    steps.push(`${res.status} ${url}`);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location'), url);
      if (next.href.startsWith(redirectUri)) {
        return { callback: next, state, nonce, pkce, steps };
      }
      url = next.href;
      res = await request(jar, url);
      continue;
    }
    if (res.status === 200 && new URL(url).pathname.startsWith('/interaction/')) {
      const html = await res.text();
      const action = html.match(/<form[^>]*id="login-form"[^>]*action="([^"]+)"/)?.[1];
      if (!action) return { error: `no login form in ${url}`, html, steps };
      if (!expectForm) return { error: 'unexpected login form', html, steps };
      const formUrl = new URL(action.replaceAll('&amp;', '&'), url).href;
      if (abort) {
        const href = html.match(/<a[^>]*id="abort"[^>]*href="([^"]+)"/)?.[1];
        url = new URL(href, url).href;
        res = await request(jar, url);
        continue;
      }
      url = formUrl;
      res = await request(jar, url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login, submit: 'login' }),
      });
      continue;
    }
    return { error: `unexpected ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`, steps };
  }
  return { error: 'too many redirects', steps };
}

async function token(issuer, { code, verifier, auth = 'basic', secret = CLIENT_SECRET, redirectUri = REDIRECT_URI }) {
  const body = new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
  });
  if (verifier === undefined) body.delete('code_verifier');
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'basic') {
    const enc = (s) => encodeURIComponent(s); // RFC 6749 2.3.1 form-encoding
    headers.authorization = `Basic ${Buffer.from(`${enc(CLIENT_ID)}:${enc(secret)}`).toString('base64')}`;
  } else {
    body.set('client_id', CLIENT_ID);
    body.set('client_secret', secret);
  }
  const res = await fetch(`${issuer}/token`, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json() };
}

// --- the test ---------------------------------------------------------------

async function main() {
  const prov = startProvider();
  let issuer;
  try {
    issuer = await prov.ready;
  } catch (err) {
    check('provider starts and prints OIDC_READY', false, err.message);
    return;
  }
  check('provider starts and prints OIDC_READY', /^http:\/\/127\.0\.0\.1:\d+$/.test(issuer), issuer);

  try {
    // Discovery
    const disc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    check('discovery: issuer', disc.issuer === issuer, disc.issuer);
    check('discovery: endpoints', disc.authorization_endpoint === `${issuer}/auth`
      && disc.token_endpoint === `${issuer}/token` && disc.jwks_uri === `${issuer}/jwks`
      && disc.userinfo_endpoint === `${issuer}/me`, disc);
    check('discovery: PKCE S256 only', JSON.stringify(disc.code_challenge_methods_supported) === '["S256"]');
    check('discovery: client auth basic+post', ['client_secret_basic', 'client_secret_post']
      .every((m) => disc.token_endpoint_auth_methods_supported.includes(m)));
    check('discovery: RS256 ID tokens', JSON.stringify(disc.id_token_signing_alg_values_supported) === '["RS256"]');
    check('discovery: acr values', JSON.stringify(disc.acr_values_supported) === '["idporten-loa-substantial","idporten-loa-high"]');
    check('discovery: scopes', ['openid', 'email', 'profile'].every((s) => disc.scopes_supported.includes(s)));

    const jwks = await (await fetch(disc.jwks_uri)).json();
    check('jwks: one RSA RS256 signing key', jwks.keys.length === 1 && jwks.keys[0].kty === 'RSA'
      && jwks.keys[0].alg === 'RS256' && !jwks.keys[0].d, jwks);

    // One jar for the whole "browser", to show that logins do not leak between requests.
    const browser = new Jar();

    // Flow 1: alice, acr high, client_secret_basic.
    const a = await authorize(issuer, browser, { login: 'alice', acrValues: 'idporten-loa-high' });
    if (!check('flow 1: reaches the callback', a.callback, a.error)) return;
    const cb = a.callback.searchParams;
    check('flow 1: state passed through', cb.get('state') === a.state, cb.get('state'));
    check('flow 1: iss in the callback', cb.get('iss') === issuer, cb.get('iss'));
    check('flow 1: code present', !!cb.get('code'));
    console.log(`# flow 1 steps:\n#   ${a.steps.join('\n#   ')}`);

    const t1 = await token(issuer, { code: cb.get('code'), verifier: a.pkce.verifier, auth: 'basic' });
    check('flow 1: token exchange (client_secret_basic) 200', t1.status === 200, t1.json);
    check('flow 1: token_type Bearer + access_token + id_token', t1.json.token_type === 'Bearer'
      && !!t1.json.access_token && !!t1.json.id_token);
    const id1 = decodeJwt(t1.json.id_token);
    check('flow 1: id_token alg RS256 with kid', id1.header.alg === 'RS256' && id1.header.kid === jwks.keys[0].kid, id1.header);
    check('flow 1: id_token signature verifies against JWKS', verifyRs256(t1.json.id_token, jwks));
    const p1 = id1.payload;
    console.log(`# flow 1 id_token payload: ${JSON.stringify(p1)}`);
    check('flow 1: iss/aud', p1.iss === issuer && p1.aud === CLIENT_ID, p1);
    check('flow 1: sub', p1.sub === 'sub-alice', p1.sub);
    check('flow 1: email', p1.email === 'alice@example.test' && p1.email_verified === true, p1);
    check('flow 1: name', p1.name === 'alice', p1.name);
    check('flow 1: nonce', p1.nonce === a.nonce, p1.nonce);
    check('flow 1: acr = idporten-loa-high', p1.acr === 'idporten-loa-high', p1.acr);
    check('flow 1: exp in the future', p1.exp > Date.now() / 1000 && p1.iat <= Date.now() / 1000 + 5, p1);

    const ui = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${t1.json.access_token}` } });
    const uiJson = await ui.json();
    check('flow 1: userinfo', ui.status === 200 && uiJson.sub === 'sub-alice' && uiJson.email === 'alice@example.test', uiJson);

    const reuse = await token(issuer, { code: cb.get('code'), verifier: a.pkce.verifier });
    check('code reuse is rejected (invalid_grant)', reuse.status === 400 && reuse.json.error === 'invalid_grant', reuse);

    // Flow 2: wrong code_verifier.
    const b = await authorize(issuer, browser, { login: 'alice', acrValues: 'idporten-loa-substantial' });
    if (check('flow 2: reaches the callback (login form shown again, no SSO)', b.callback, b.error)) {
      const wrong = await token(issuer, { code: b.callback.searchParams.get('code'), verifier: pkcePair().verifier });
      check('wrong code_verifier is rejected (invalid_grant)', wrong.status === 400 && wrong.json.error === 'invalid_grant', wrong);
      const none = await token(issuer, { code: b.callback.searchParams.get('code'), verifier: undefined });
      check('missing code_verifier is rejected', none.status === 400, none);
    }

    // Flow 3: another user in the same jar, client_secret_post, acr substantial, login with @.
    const c = await authorize(issuer, browser, { login: 'bob@corp.test', acrValues: 'idporten-loa-substantial' });
    if (check('flow 3: second user in the same browser reaches the callback', c.callback, c.error)) {
      const t3 = await token(issuer, { code: c.callback.searchParams.get('code'), verifier: c.pkce.verifier, auth: 'post' });
      check('flow 3: token exchange (client_secret_post) 200', t3.status === 200, t3.json);
      const p3 = decodeJwt(t3.json.id_token).payload;
      check('flow 3: sub/email/name for a login containing @', p3.sub === 'sub-bob@corp.test'
        && p3.email === 'bob@corp.test' && p3.name === 'bob@corp.test', p3);
      check('flow 3: acr = idporten-loa-substantial', p3.acr === 'idporten-loa-substantial', p3.acr);
      check('flow 3: nonce', p3.nonce === c.nonce);
    }

    // Flow 4: change alice's email; sub stays. No acr_values -> default acr. Other redirect URI.
    const set = await fetch(`${issuer}/test/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'alice', email: 'alice.new@example.test' }),
    });
    const setJson = await set.json();
    check('POST /test/email', set.status === 200 && setJson.email === 'alice.new@example.test' && setJson.sub === 'sub-alice', setJson);
    const d = await authorize(issuer, browser, { login: 'alice', redirectUri: OTHER_REDIRECT_URI });
    if (check('flow 4: reaches the second redirect URI', d.callback, d.error)) {
      const t4 = await token(issuer, {
        code: d.callback.searchParams.get('code'), verifier: d.pkce.verifier, redirectUri: OTHER_REDIRECT_URI,
      });
      const p4 = decodeJwt(t4.json.id_token ?? 'e30.e30.').payload;
      check('flow 4: same sub, new email after POST /test/email', p4.sub === 'sub-alice' && p4.email === 'alice.new@example.test', p4);
      check('flow 4: no acr_values -> acr idporten-loa-substantial', p4.acr === 'idporten-loa-substantial', p4.acr);
    }
    const got = await (await fetch(`${issuer}/test/email?login=alice`)).json();
    check('GET /test/email', got.email === 'alice.new@example.test', got);

    // Errors.
    const e1 = await token(issuer, { code: 'nope', verifier: pkcePair().verifier, secret: 'wrong' });
    check('wrong client secret is rejected (invalid_client)', e1.status === 401 && e1.json.error === 'invalid_client', e1);

    const noPkce = await authorize(issuer, new Jar(), { login: 'x', extra: { code_challenge: undefined, code_challenge_method: undefined } });
    check('authorization without PKCE -> error redirect', noPkce.callback?.searchParams.get('error') === 'invalid_request'
      && noPkce.callback.searchParams.get('state') === noPkce.state, noPkce.callback?.href ?? noPkce.error);
    const plain = await authorize(issuer, new Jar(), { login: 'x', extra: { code_challenge_method: 'plain' } });
    check('authorization with code_challenge_method=plain -> error redirect',
      plain.callback?.searchParams.get('error') === 'invalid_request', plain.callback?.href ?? plain.error);
    const badRedirect = await fetch(`${issuer}/auth?${new URLSearchParams({
      client_id: CLIENT_ID, response_type: 'code', redirect_uri: 'http://127.0.0.1:9/evil', scope: 'openid',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    })}`, { redirect: 'manual' });
    const badHtml = await badRedirect.text();
    check('unregistered redirect_uri -> error page, no redirect', badRedirect.status === 400
      && /id="error">invalid_redirect_uri</.test(badHtml), `${badRedirect.status} ${badHtml.slice(0, 200)}`);
    const aborted = await authorize(issuer, new Jar(), { login: 'x', abort: true });
    check('Cancel link -> callback with error=access_denied', aborted.callback?.searchParams.get('error') === 'access_denied',
      aborted.callback?.href ?? aborted.error);
  } finally {
    prov.child.kill('SIGTERM');
    const { code, signal } = await Promise.race([
      prov.exited,
      new Promise((r) => setTimeout(() => r({ code: 'timeout' }), 5000)),
    ]);
    check('exits with code 0 on SIGTERM', code === 0, { code, signal });
    check('stdout had only the OIDC_READY line', prov.stdout() === `OIDC_READY ${issuer}\n`, prov.stdout());
    if (failed) console.log(`# provider stderr:\n${prov.stderr().replace(/^/gm, '#   ')}`);
    if (code === 'timeout') prov.child.kill('SIGKILL');
  }

  // SSO mode: a second request in the same browser skips the form; a higher
  // acr than the session has forces the form again.
  const sso = startProvider({ OIDC_SSO: '1' });
  try {
    const iss = await sso.ready;
    const jar = new Jar();
    const s1 = await authorize(iss, jar, { login: 'carol', acrValues: 'idporten-loa-substantial' });
    const s2 = await authorize(iss, jar, { login: 'ignored', acrValues: 'idporten-loa-substantial', expectForm: false });
    check('OIDC_SSO=1: second request is answered without the form', s1.callback && s2.callback, s2.error);
    const s3 = await authorize(iss, jar, { login: 'carol', acrValues: 'idporten-loa-high' });
    if (check('OIDC_SSO=1: step-up to idporten-loa-high shows the form', s3.callback, s3.error)) {
      const t = await token(iss, { code: s3.callback.searchParams.get('code'), verifier: s3.pkce.verifier });
      const p = decodeJwt(t.json.id_token).payload;
      check('OIDC_SSO=1: stepped-up acr in the ID token', p.acr === 'idporten-loa-high' && p.sub === 'sub-carol', p);
    }
  } catch (err) {
    check('OIDC_SSO=1 provider', false, err.message);
  } finally {
    sso.child.kill('SIGTERM');
    await sso.exited;
  }
}

try {
  await main();
} catch (err) {
  check('smoke test ran without exceptions', false, err.stack);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
