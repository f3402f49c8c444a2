import { stem, terms, words } from '../text/analyze.js';

// Shorthand engineers type in chat, mapped to the spellings documentation uses; "|" separates
// alternatives, and every word of an alternative must be present for it to count as a match.
// Generic to operations writing, not to any one corpus.
const SHORTHAND: Record<string, string> = {
  k8s: 'kubernetes', kube: 'kubernetes', pg: 'postgres|postgresql', postgre: 'postgres', psql: 'postgres',
  cert: 'certificate', certs: 'certificates', ssl: 'tls', cmd: 'command', cmds: 'commands', cli: 'command',
  cfg: 'configuration|config', conf: 'configuration|config', config: 'configuration',
  lb: 'load balancer|haproxy', lbs: 'load balancers|haproxy', fw: 'firewall', db: 'database', dbs: 'databases',
  repl: 'replication', prod: 'production', env: 'environment', auth: 'authentication', authn: 'authentication',
  authz: 'authorization', perms: 'permissions', perm: 'permission', pw: 'password', pwd: 'password', passwd: 'password',
  creds: 'credentials', cred: 'credential', vm: 'virtual machine', vms: 'virtual machines', mgmt: 'management',
  mgr: 'manager', dc: 'datacenter|data centre|data center', dcs: 'datacenters|data centres|data centers',
  svc: 'service', svcs: 'services', infra: 'infrastructure', sec: 'security', vuln: 'vulnerability',
  vulns: 'vulnerabilities', oncall: 'on-call', pager: 'page|paging', sev: 'severity', sev1: 'severity 1|sev-1',
  sev2: 'severity 2|sev-2', p1: 'priority 1', p2: 'priority 2', pm: 'postmortem|post-mortem', rca: 'root cause|postmortem',
  inc: 'incident', maint: 'maintenance', upg: 'upgrade', ns: 'nameserver', ips: 'ip addresses', addr: 'address',
  mfa: 'multi-factor|two-factor|2fa', '2fa': 'two-factor|mfa', req: 'request', reqs: 'requests',
  approx: 'approximately', max: 'maximum', min: 'minimum', info: 'information', docs: 'documentation',
  doc: 'documentation', ops: 'operations', tz: 'timezone|time zone', ack: 'acknowledge', acks: 'acknowledges|acknowledge',
  acked: 'acknowledged', owns: 'owner|owned', own: 'owner', maintains: 'maintainer|maintained', wifi: 'wi-fi|wireless', ttl: 'time to live', mins: 'minutes', hrs: 'hours', secs: 'seconds',
};

/** The alternatives to a question word, each a list of stems that must all occur. */
export const equivalentStems = (word: string): string[][] => {
  const own = [stem(word)];
  const expansion = SHORTHAND[word];
  if (!expansion) return [own];
  return [own, ...expansion.split('|').map((alternative) => [...new Set(terms(alternative))])];
};

/**
 * The lexical query: the question's words plus the spelled-out forms of its shorthand, so
 * "k8s node drain cmd" also matches "kubernetes … command", plus any extra words (spelling fixes).
 */
export const expandQuery = (question: string, extra: string[] = []): string => {
  const additions = [...extra];
  for (const word of words(question)) {
    const expansion = SHORTHAND[word];
    if (expansion) additions.push(expansion.replaceAll('|', ' '));
  }
  return additions.length ? `${question} ${additions.join(' ')}` : question;
};
