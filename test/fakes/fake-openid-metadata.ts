import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { FakeHttpServer } from './fake-http-server.js';

/**
 * The Bot Framework's token metadata, locally: the OpenID configuration botbuilder reads from
 * `ToBotFromChannelOpenIdMetadataUrl`, the JWKS it points to (keys endorsed for `msteams`, as the
 * real ones are), and `sign` to make the RS256 tokens the Teams channel would send.
 */

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

type KeyPair = { kid: string; privateKey: KeyObject; publicKey: KeyObject };

const newKey = (kid: string = randomUUID()): KeyPair => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
};

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export type TokenOptions = {
  /** The bot's app id: the token's audience. */
  audience: string;
  serviceUrl?: string;
  issuer?: string;
  /** Seconds from now; negative for a token that has already expired. */
  expiresIn?: number;
  /** `trusted` (published), `unpublished` (a kid the JWKS does not have), `forged` (a published kid, another key). */
  key?: 'trusted' | 'unpublished' | 'forged';
  extraClaims?: Record<string, unknown>;
};

// RSA key generation takes a while; every instance may share the same three keys.
let keys: { trusted: KeyPair; unpublished: KeyPair; forger: KeyPair } | undefined;
const sharedKeys = () => {
  if (!keys) {
    const trusted = newKey();
    keys = { trusted, unpublished: newKey(), forger: newKey(trusted.kid) };
  }
  return keys;
};

export class FakeOpenIdMetadata {
  readonly server = new FakeHttpServer();
  readonly trusted = sharedKeys().trusted;
  private readonly unpublished = sharedKeys().unpublished;
  private readonly forger = sharedKeys().forger;

  constructor(private readonly endorsements: string[] = ['msteams']) {
    this.server.route('GET', '/v1/.well-known/openidconfiguration', ({ res }) =>
      this.server.send(res, 200, {
        issuer: BOT_FRAMEWORK_ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${this.server.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      }),
    );
    this.server.route('GET', '/v1/.well-known/keys', ({ res }) => {
      const jwk = this.trusted.publicKey.export({ format: 'jwk' });
      this.server.send(res, 200, { keys: [{ kty: 'RSA', use: 'sig', kid: this.trusted.kid, n: jwk.n, e: jwk.e, endorsements: this.endorsements }] });
    });
  }

  /** The value for `ToBotFromChannelOpenIdMetadataUrl`. */
  get metadataUrl(): string {
    return `${this.server.url}/v1/.well-known/openidconfiguration`;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** An RS256 JWT as the Bot Connector signs it for a bot. */
  sign(options: TokenOptions): string {
    const now = Math.floor(Date.now() / 1000);
    const key = options.key === 'unpublished' ? this.unpublished : options.key === 'forged' ? this.forger : this.trusted;
    const header = { alg: 'RS256', typ: 'JWT', kid: key.kid, x5t: key.kid };
    const payload = {
      iss: options.issuer ?? BOT_FRAMEWORK_ISSUER,
      aud: options.audience,
      iat: now - 10,
      nbf: now - 10,
      exp: now + (options.expiresIn ?? 3600),
      ...(options.serviceUrl ? { serviceurl: options.serviceUrl } : {}),
      ...options.extraClaims,
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(key.privateKey);
    return `${signingInput}.${base64url(signature)}`;
  }
}
