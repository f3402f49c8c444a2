import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { AuthenticationError, type ClaimsIdentity, type ConnectorClient, type ConnectorFactory, type UserTokenClient } from 'botframework-connector';

const JWT_FAILURES = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);
// Connectors and token clients kept: one per app, service URL and audience in practice.
const MAX_CACHED_CLIENTS = 256;

/** A bounded memo of promises; a rejected one is forgotten, so the next call tries again. */
const memo = <T>() => {
  const entries = new Map<string, Promise<T>>();
  return (key: string, create: () => Promise<T>): Promise<T> => {
    const known = entries.get(key);
    if (known) return known;
    const created = create();
    entries.set(key, created);
    created.catch(() => entries.get(key) === created && entries.delete(key));
    if (entries.size > MAX_CACHED_CLIENTS) entries.delete(entries.keys().next().value as string);
    return created;
  };
};

/** Who a set of claims speaks for: the clients the SDK builds from them depend on nothing else. */
const identityKey = (identity: ClaimsIdentity): string =>
  ['aud', 'appid', 'azp', 'ver'].map((claim) => identity.getClaimValue(claim) ?? '').join('|');

/**
 * The Bot Framework's authentication, with two corrections.
 *
 * A token that fails signature verification (e.g. signed with a key other than the one its `kid`
 * names) makes jsonwebtoken throw a plain JsonWebTokenError, which CloudAdapter answers with 500,
 * inviting the sender to retry. It is an authentication failure: 401, like every other bad token.
 *
 * CloudAdapter builds a ConnectorClient and a UserTokenClient (each a new HTTP pipeline) for every
 * incoming activity and every proactive turn: about a third of the CPU an acknowledgement costs.
 * They depend only on the identity, the service URL and the audience, so they are built once.
 */
export class TeamsBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = memo<ConnectorClient>();
  private readonly tokenClients = memo<UserTokenClient>();

  override async authenticateRequest(activity: Activity, authHeader: string) {
    try {
      const result = await super.authenticateRequest(activity, authHeader);
      const { connectorFactory } = result;
      return connectorFactory ? { ...result, connectorFactory: this.reusing(connectorFactory, identityKey(result.claimsIdentity)) } : result;
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof Error && JWT_FAILURES.has(error.name)) throw new AuthenticationError(`Unauthorized. ${error.message}`, 401);
      throw error;
    }
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(super.createConnectorFactory(claimsIdentity), identityKey(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.tokenClients(identityKey(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  private reusing(factory: ConnectorFactory, identity: string): ConnectorFactory {
    return { create: (serviceUrl: string, audience?: string) => this.connectors(`${identity}|${serviceUrl}|${audience ?? ''}`, () => factory.create(serviceUrl, audience)) };
  }
}
