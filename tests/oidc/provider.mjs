// Local OpenID Connect provider for end-to-end tests. Listens on 127.0.0.1 only.
//
// Built on oidc-provider (panva). See README.md in this folder for the env vars,
// the login form and the full HTTP sequence a client goes through.
//
// stdout carries exactly one line, `OIDC_READY <issuer>`, once listening;
// everything else (including oidc-provider's own notices) goes to stderr.

import * as crypto from 'node:crypto';
import * as http from 'node:http';

// oidc-provider prints some notices with console.info (stdout). Send every
// console method to stderr before the library is loaded, so stdout stays clean.
for (const m of ['log', 'info', 'debug']) {
  console[m] = (...args) => console.error(...args);
}

const { default: Provider, interactionPolicy } = await import('oidc-provider');

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

function fail(msg) {
  console.error(`oidc test provider: ${msg}`);
  process.exit(2);
}

const PORT_RAW = process.env.OIDC_PORT ?? '0';
if (!/^\d+$/.test(PORT_RAW) || Number(PORT_RAW) > 65535) fail(`bad OIDC_PORT: ${PORT_RAW}`);
const CLIENT_ID = process.env.OIDC_CLIENT_ID || fail('OIDC_CLIENT_ID is required');
const CLIENT_SECRET = process.env.OIDC_CLIENT_SECRET || fail('OIDC_CLIENT_SECRET is required');
const REDIRECT_URIS = (process.env.OIDC_REDIRECT_URI || fail('OIDC_REDIRECT_URI is required'))
  .split(',').map((s) => s.trim()).filter(Boolean);
if (!REDIRECT_URIS.length) fail('OIDC_REDIRECT_URI has no URI');
// Optional: comma-separated post_logout_redirect_uris for RP-initiated logout.
const POST_LOGOUT_REDIRECT_URIS = (process.env.OIDC_POST_LOGOUT_REDIRECT_URI || '')
  .split(',').map((s) => s.trim()).filter(Boolean);
// Optional: `1` keeps the provider session between authorization requests
// (single sign-on). Default: every /auth request shows the login form again.
const SSO = ['1', 'true', 'yes'].includes((process.env.OIDC_SSO || '').toLowerCase());

const ACR_VALUES = ['idporten-loa-substantial', 'idporten-loa-high'];
const DEFAULT_ACR = 'idporten-loa-substantial';
const SUB_PREFIX = 'sub-';

// ---------------------------------------------------------------------------
// Accounts: sub is derived from the login only; the email can be changed.
// ---------------------------------------------------------------------------

/** login -> email set by OIDC_EMAIL_OVERRIDES or POST /test/email */
const emailOverrides = new Map();

for (const pair of (process.env.OIDC_EMAIL_OVERRIDES || '').split(',')) {
  if (!pair.trim()) continue;
  const i = pair.indexOf('=');
  if (i <= 0) fail(`bad OIDC_EMAIL_OVERRIDES entry (want login=email): ${pair}`);
  emailOverrides.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
}

const subFor = (login) => `${SUB_PREFIX}${login}`;
const defaultEmail = (login) => (login.includes('@') ? login : `${login}@example.test`);
const emailFor = (login) => emailOverrides.get(login) ?? defaultEmail(login);

function accountView(login) {
  return { login, sub: subFor(login), email: emailFor(login), email_verified: true, name: login };
}

async function findAccount(_ctx, sub) {
  if (typeof sub !== 'string' || !sub.startsWith(SUB_PREFIX) || sub.length === SUB_PREFIX.length) {
    return undefined;
  }
  const login = sub.slice(SUB_PREFIX.length);
  return {
    accountId: sub,
    // Claims are computed on every call, so an email change applies to every
    // ID token / userinfo response produced after it.
    async claims() {
      return {
        sub, email: emailFor(login), email_verified: true, name: login,
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Provider
// ---------------------------------------------------------------------------

// The provider's signing key, kept to re-sign an ID token made stale on purpose (/test/id-token).
let providerKey;

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  providerKey = privateKey;
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: `test-${crypto.randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' };
}

// Login prompt: the default checks plus one for acr_values, so that asking
// for a supported acr the current session does not have forces a new login
// (only matters with OIDC_SSO=1; otherwise every request logs in anew).
function makePolicy() {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  login.checks.add(new interactionPolicy.Check(
    'acr_values_unmet',
    'requested acr could not be obtained',
    (ctx) => {
      const wanted = requestedAcrs(ctx.oidc.params.acr_values);
      if (!wanted.length) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      if (ctx.oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return wanted.includes(ctx.oidc.session.acr)
        ? interactionPolicy.Check.NO_NEED_TO_PROMPT
        : interactionPolicy.Check.REQUEST_PROMPT;
    },
  ));
  return policy;
}

function requestedAcrs(acrValues) {
  if (typeof acrValues !== 'string') return [];
  return acrValues.split(' ').filter((v) => ACR_VALUES.includes(v));
}

function htmlEscape(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${htmlEscape(title)}</title></head>
<body>
${body}
</body>
</html>
`;
}

function buildProvider(issuer) {
  const configuration = {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: REDIRECT_URIS,
      post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      // oidc-provider accepts client_secret_post as well for a client
      // registered with client_secret_basic (both carry the plain secret).
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      // Used when a request has no acr_values, so the ID token always has acr.
      default_acr_values: [DEFAULT_ACR],
    }],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    jwks: { keys: [signingKey()] },
    cookies: {
      keys: [crypto.randomBytes(32).toString('hex')],
      // Plain HTTP on 127.0.0.1: no `secure` flag (oidc-provider only adds it
      // on HTTPS requests anyway).
      long: { httpOnly: true, sameSite: 'lax', secure: false },
      short: { httpOnly: true, sameSite: 'lax', secure: false },
    },
    scopes: ['openid', 'email', 'profile'],
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // Put the scope-requested claims (email, name) into the ID token too,
    // not only into the userinfo response.
    conformIdTokenClaims: false,
    acrValues: ACR_VALUES,
    pkce: { required: () => true }, // S256 is the only method oidc-provider supports
    enabledJwaAlgorithms: { idTokenSigningAlgValues: ['RS256'] },
    responseTypes: ['code'],
    findAccount,
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: {
      policy: makePolicy(),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // Auto-consent: every requested scope and claim is granted, so there is
    // never a consent screen.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const accountId = oidc.session.accountId;
      const clientId = oidc.client.clientId;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(clientId);
      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (!grant || grant.accountId !== accountId || grant.clientId !== clientId) {
        grant = new oidc.provider.Grant({ accountId, clientId });
      }
      const scopes = [...oidc.requestParamOIDCScopes];
      if (scopes.length) grant.addOIDCScope(scopes.join(' '));
      const claims = [...oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Error', `<h1>Error</h1>
<p id="error">${htmlEscape(out.error)}</p>
<p id="error_description">${htmlEscape(out.error_description ?? '')}</p>`);
    },
    ttl: {
      // Same values as the library defaults, set here to silence its notices.
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, err) => console.error('oidc server_error:', err));
  provider.on('grant.error', (_ctx, err) => console.error('oidc grant.error:', err.message, err.error_description ?? ''));
  provider.on('authorization.error', (_ctx, err) => console.error('oidc authorization.error:', err.message, err.error_description ?? ''));
  return provider;
}

// ---------------------------------------------------------------------------
// Interaction (login) and test-only endpoints, outside oidc-provider's Koa app
// ---------------------------------------------------------------------------

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

const sendJson = (res, status, obj) => send(res, status, 'application/json', `${JSON.stringify(obj)}\n`);

async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function loginPage(uid, params, message) {
  const acr = requestedAcrs(params.acr_values)[0] ?? DEFAULT_ACR;
  return page('Sign-in', `<h1>Test OpenID provider: sign in</h1>
<p>Client: <code id="client_id">${htmlEscape(params.client_id)}</code>,
level: <code id="acr">${htmlEscape(acr)}</code></p>
${message ? `<p id="login-error" role="alert">${htmlEscape(message)}</p>` : ''}
<form id="login-form" method="post" action="/interaction/${htmlEscape(uid)}/login" autocomplete="off">
  <label for="login">User id</label>
  <input type="text" id="login" name="login" required autofocus
         value="${htmlEscape(params.login_hint ?? '')}">
  <button type="submit" id="submit" name="submit" value="login">Sign in</button>
</form>
<p><a id="abort" href="/interaction/${htmlEscape(uid)}/abort">Cancel</a></p>`);
}

async function handleInteraction(provider, req, res, url) {
  const m = url.pathname.match(/^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?\/?$/);
  if (!m) return send(res, 404, 'text/plain', 'not found\n');
  const [, uid, action] = m;

  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    // Missing/expired interaction cookie or unknown interaction.
    return send(res, 400, 'text/html', page('Error', `<h1>Error</h1>
<p id="error">${htmlEscape(err.error ?? 'invalid_request')}</p>
<p id="error_description">${htmlEscape(err.error_description ?? err.message)}</p>`));
  }
  if (details.uid !== uid) {
    return send(res, 400, 'text/plain', 'interaction id does not match the interaction cookie\n');
  }
  const { prompt, params } = details;

  if (action === 'abort' && req.method === 'GET') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
  }

  if (prompt.name === 'consent') {
    // Not expected (loadExistingGrant grants everything), but never show a
    // consent screen: grant what is missing and carry on.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  if (prompt.name !== 'login') {
    return send(res, 501, 'text/plain', `unsupported prompt ${prompt.name}\n`);
  }

  if (!action && req.method === 'GET') {
    return send(res, 200, 'text/html', loginPage(uid, params));
  }

  if (action === 'login' && req.method === 'POST') {
    const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return send(res, 415, 'text/plain', 'expected application/x-www-form-urlencoded\n');
    }
    const form = new URLSearchParams(await readBody(req));
    const login = (form.get('login') || '').trim();
    if (!login) {
      return send(res, 400, 'text/html', loginPage(uid, params, 'Enter a user id.'));
    }
    const acr = requestedAcrs(params.acr_values)[0] ?? DEFAULT_ACR;
    console.error(`oidc login: ${login} (${subFor(login)}, ${emailFor(login)}, ${acr})`);
    return provider.interactionFinished(req, res, {
      login: { accountId: subFor(login), acr, amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
  }

  return send(res, 405, 'text/plain', 'method not allowed\n');
}

// What the next token response does to its ID token: `bad_signature` signs it with a key the
// provider does not publish, `expired` re-signs it with the real key but an `exp` ten minutes ago.
// One-shot: it applies to the next /token response only.
let idTokenMode = 'normal';
const ID_TOKEN_MODES = ['normal', 'bad_signature', 'expired'];

function b64url(buf) {
  return Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

function spoilIdToken(token, mode) {
  const [header, payload] = token.split('.');
  let body = payload;
  let key = providerKey;
  if (mode === 'expired') {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const now = Math.floor(Date.now() / 1000);
    claims.iat = now - 4200;
    claims.exp = now - 600;
    body = b64url(JSON.stringify(claims));
  } else {
    key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
  const signature = crypto.sign('RSA-SHA256', Buffer.from(`${header}.${body}`), key);
  return `${header}.${body}.${b64url(signature)}`;
}

// Rewrites the ID token of this /token response according to idTokenMode.
function spoilTokenResponse(res, mode) {
  const end = res.end.bind(res);
  res.end = (chunk, ...rest) => {
    try {
      const json = JSON.parse(Buffer.from(chunk).toString('utf8'));
      if (json.id_token) json.id_token = spoilIdToken(json.id_token, mode);
      const body = JSON.stringify(json);
      if (!res.headersSent) res.setHeader('Content-Length', Buffer.byteLength(body));
      console.error(`oidc test: id_token spoiled (${mode})`);
      return end(body);
    } catch {
      return end(chunk, ...rest);
    }
  };
}

async function handleTest(req, res, url) {
  if (url.pathname === '/test/id-token' && req.method === 'POST') {
    let mode;
    try {
      ({ mode } = JSON.parse(await readBody(req)));
    } catch {
      return sendJson(res, 400, { error: 'body must be JSON {"mode": ...}' });
    }
    if (!ID_TOKEN_MODES.includes(mode)) return sendJson(res, 400, { error: `mode must be one of ${ID_TOKEN_MODES.join(', ')}` });
    idTokenMode = mode;
    return sendJson(res, 200, { mode });
  }
  if (url.pathname === '/test/email') {
    if (req.method === 'GET') {
      const login = url.searchParams.get('login');
      if (!login) return sendJson(res, 400, { error: 'login query parameter is required' });
      return sendJson(res, 200, accountView(login));
    }
    if (req.method === 'POST') {
      let body;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return sendJson(res, 400, { error: 'body must be JSON {"login": ..., "email": ...}' });
      }
      const { login, email } = body ?? {};
      if (typeof login !== 'string' || !login) return sendJson(res, 400, { error: 'login (string) is required' });
      if (email === null) {
        emailOverrides.delete(login);
      } else if (typeof email === 'string' && email) {
        emailOverrides.set(login, email);
      } else {
        return sendJson(res, 400, { error: 'email must be a non-empty string, or null to reset' });
      }
      console.error(`oidc test: email of ${login} is now ${emailFor(login)}`);
      return sendJson(res, 200, accountView(login));
    }
    return sendJson(res, 405, { error: 'method not allowed' });
  }
  return sendJson(res, 404, { error: 'not found' });
}

// Without OIDC_SSO, drop the provider session cookie on the authorization
// endpoint (/auth, and /auth/<uid> where it resumes after the login form), so
// that every authorization request shows the login form and logging in as
// another user in the same browser needs no logout step.
function dropSessionCookie(req) {
  const cookie = req.headers.cookie;
  if (!cookie) return;
  const kept = cookie.split(';').map((c) => c.trim()).filter((c) => c && !/^_session(\.|=)/.test(c));
  if (kept.length) req.headers.cookie = kept.join('; ');
  else delete req.headers.cookie;
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

const server = http.createServer();
server.keepAliveTimeout = 1000;

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(PORT_RAW), '127.0.0.1', resolve);
}).catch((err) => fail(`cannot listen on 127.0.0.1:${PORT_RAW}: ${err.message}`));

const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;
const provider = buildProvider(issuer);
const oidcCallback = provider.callback();

server.on('request', (req, res) => {
  let url;
  try {
    url = new URL(req.url, issuer);
  } catch {
    return send(res, 400, 'text/plain', 'bad request\n');
  }
  const done = (p) => p.catch((err) => {
    console.error('oidc test provider: request failed:', err);
    if (!res.headersSent) send(res, err.status || 500, 'text/plain', `${err.message}\n`);
    else res.destroy();
  });

  if (url.pathname.startsWith('/interaction/')) return done(handleInteraction(provider, req, res, url));
  if (url.pathname.startsWith('/test/')) return done(handleTest(req, res, url));
  if (url.pathname === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
  if (!SSO && (url.pathname === '/auth' || url.pathname.startsWith('/auth/'))) dropSessionCookie(req);
  if (url.pathname === '/token' && idTokenMode !== 'normal') {
    spoilTokenResponse(res, idTokenMode);
    idTokenMode = 'normal';
  }
  return oidcCallback(req, res);
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.error(`oidc test provider: ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
  setTimeout(() => { server.closeAllConnections?.(); process.exit(0); }, 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

console.error(`oidc test provider: client ${CLIENT_ID}, redirect_uris ${REDIRECT_URIS.join(' ')}, sso ${SSO}`);
process.stdout.write(`OIDC_READY ${issuer}\n`);
