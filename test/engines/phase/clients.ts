import {
  decryptAsymmetric,
  decryptRaw,
  encryptAsymmetric,
  kxSeedKeyPair,
  xorHex,
  type HexKeyPair,
} from '../../../src/core/keyring/phase-crypto.js';
import { keyedBlake2b256Hex } from '../../../src/core/keyring/sodium.js';
import type { RunningHush } from '../../helpers/server.js';

/**
 * What Phase's clients other than the node SDK do on the wire (golang-sdk 2.4.1 under the Go CLI 2.x, python-sdk
 * 2.1.2, the Kubernetes operator 1.4.1; README "Phase's clients"), replayed request by request: the same method,
 * path, headers and body fields each sends, and only the answer fields each reads. The crypto is the clients'
 * (token → account key → environment seed and salt → ph:v1 messages and digests), done with Hush's own primitives,
 * which are checked against the golang-sdk's vectors.
 */

export type ClientName = 'go' | 'python' | 'operator';

const USER_AGENT: Record<ClientName, string> = {
  go: 'phase-cli/2.1.0 linux amd64 ci@runner',
  python: 'phase-python-sdk/2.1.2 Linux x86_64 ci@runner',
  operator: 'phase-kubernetes-operator/1.4.1 Linux x86_64 root@operator',
};

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** A parsed `pss_user:v1:…` / `pss_service:v2:…` token, as all three clients split it. */
export function parseToken(pss: string) {
  const parts = pss.split(':');
  if (parts.length !== 6) throw new Error(`not a Phase token: ${pss}`);
  const [prefix, version, token, accountPublicKey, shareA, wrapKey] = parts as [string, ...string[]];
  const type = prefix === 'pss_user' ? 'User' : version === 'v2' ? 'ServiceAccount' : 'Service';
  return { type, token: token!, accountPublicKey: accountPublicKey!, shareA: shareA!, wrapKey: wrapKey! };
}

export function phaseClient(hush: RunningHush, pss: string, name: ClientName) {
  const t = parseToken(pss);
  const base = { authorization: `Bearer ${t.type} ${t.token}`, 'user-agent': USER_AGENT[name] };

  /** One request as the client builds it: its own headers only (no Hush token), JSON bodies as it encodes them. */
  async function send(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
    return hush.request(method, path, {
      token: null,
      headers: { ...base, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body }),
    }) as Promise<Answer>;
  }

  /** `GET /service/secrets/tokens/`: every client's first call, and the python clients' call before each decrypt. */
  const tokens = () => send('GET', '/service/secrets/tokens/');

  /** The account's X25519 private key: share A (token) XOR share B (unwrapped from `wrapped_key_share`). */
  async function accountKey(wrappedKeyShare: string): Promise<HexKeyPair> {
    const shareB = Buffer.from(
      await decryptRaw(Buffer.from(wrappedKeyShare, 'hex'), Buffer.from(t.wrapKey, 'hex')),
    ).toString('utf8');
    return { publicKey: t.accountPublicKey, privateKey: xorHex(t.shareA, shareB) };
  }

  /**
   * The clients' context look-up (`phase_get_context`, `PhaseGetContext`): the app by id, else by name substring
   * (shortest wins); the environment by name substring, ignoring case; then its seed and salt unwrapped.
   */
  async function context(user: any, app: { id?: string; name?: string }, envName: string) {
    const apps = user.apps as any[];
    const found = app.id
      ? apps.find((a) => a.id === app.id)
      : apps
          .filter((a) => (a.name as string).toLowerCase().includes(app.name!.toLowerCase()))
          .sort((a, b) => a.name.length - b.name.length)[0];
    if (!found) throw new Error(`no app ${JSON.stringify(app)}`);
    const key = (found.environment_keys as any[]).find((k) =>
      (k.environment.name as string).toLowerCase().includes(envName.toLowerCase()),
    );
    if (!key) throw new Error(`no environment ${envName}`);
    const account = await accountKey(user.wrapped_key_share);
    const seed = await decryptAsymmetric(key.wrapped_seed, account);
    const salt = await decryptAsymmetric(key.wrapped_salt, account);
    const envKeys = await kxSeedKeyPair(seed);
    return {
      app: found,
      envKey: key,
      envId: key.environment.id as string,
      publicKey: key.identity_key as string,
      envKeys,
      seal: (text: string) => encryptAsymmetric(text, key.identity_key),
      open: (text: string) => decryptAsymmetric(text, envKeys),
      digest: (k: string) => keyedBlake2b256Hex(k, salt),
    };
  }

  /**
   * `GET /service/secrets/` as each client sends it: the Go SDK sets `Path` and `KeyDigest` only when non-empty; the
   * python clients always send `KeyDigest` (empty when no key is asked for), and the operator `Path: /` by default.
   */
  function list(envId: string, o: { path?: string; keyDigest?: string; extra?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { environment: envId };
    if (name === 'go') {
      if (o.path) headers.path = o.path;
      if (o.keyDigest) headers.keydigest = o.keyDigest;
    } else {
      headers.keydigest = o.keyDigest ?? '';
      const path = o.path ?? (name === 'operator' ? '/' : '');
      if (path) headers.path = path;
    }
    return send('GET', '/service/secrets/', { ...headers, ...o.extra });
  }

  const write = (method: 'POST' | 'PUT' | 'DELETE', envId: string, secrets: unknown[]) =>
    send(method, '/service/secrets/', { environment: envId }, { secrets });

  return { type: t.type, send, tokens, context, list, write };
}

export type PhaseClient = ReturnType<typeof phaseClient>;
