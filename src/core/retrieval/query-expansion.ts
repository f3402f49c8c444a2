import { stem, words } from '../text/analyze.js';

// Shorthand engineers type in chat, mapped to the words documentation spells out.
// Generic to operations writing, not to any one corpus.
const SHORTHAND: Record<string, string> = {
  k8s: 'kubernetes', kube: 'kubernetes', pg: 'postgres postgresql', postgre: 'postgres', psql: 'postgres',
  cert: 'certificate', certs: 'certificates', tls: 'tls certificate', ssl: 'tls certificate',
  cmd: 'command', cmds: 'commands', cli: 'command', cfg: 'configuration', conf: 'configuration', config: 'configuration',
  lb: 'load balancer', lbs: 'load balancers', fw: 'firewall', db: 'database', dbs: 'databases',
  repl: 'replication', prod: 'production', env: 'environment', auth: 'authentication', authn: 'authentication',
  authz: 'authorization', perms: 'permissions', perm: 'permission', pw: 'password', pwd: 'password', passwd: 'password',
  creds: 'credentials', cred: 'credential', vm: 'virtual machine', vms: 'virtual machines', mgmt: 'management',
  mgr: 'manager', dc: 'datacenter data centre', dcs: 'datacenters', svc: 'service', svcs: 'services',
  infra: 'infrastructure', sec: 'security', vuln: 'vulnerability', vulns: 'vulnerabilities', ttl: 'ttl expiry',
  oncall: 'on-call', pagerduty: 'page paging', pager: 'page paging', sev: 'severity', sev1: 'severity 1', sev2: 'severity 2',
  p1: 'priority 1', p2: 'priority 2', pm: 'postmortem post-mortem', rca: 'root cause postmortem', inc: 'incident',
  maint: 'maintenance', upg: 'upgrade', rollback: 'roll back revert', dns: 'dns domain', ns: 'nameserver',
  ip: 'ip address', ips: 'ip addresses', addr: 'address', subnet: 'subnet prefix', mtu: 'mtu packet size',
  vpn: 'vpn tunnel', ipsec: 'ipsec tunnel', ssh: 'ssh shell', mfa: 'mfa two-factor', '2fa': 'two-factor mfa',
  req: 'request', reqs: 'requests', approx: 'approximately', max: 'maximum', min: 'minimum', info: 'information',
  docs: 'documentation', doc: 'documentation', ops: 'operations', tz: 'timezone',
};

/**
 * The lexical query: the question's words plus the spelled-out forms of its shorthand,
 * so "k8s node drain cmd" also matches "kubernetes … command".
 */
export const expandQuery = (question: string): string => {
  const extra: string[] = [];
  for (const word of words(question)) {
    const expansion = SHORTHAND[word];
    if (expansion) extra.push(expansion);
  }
  return extra.length ? `${question} ${extra.join(' ')}` : question;
};

/** Stems that count as a question term having been found: the term itself and its expansions. */
export const equivalentStems = (word: string): string[] => {
  const expansion = SHORTHAND[word];
  const own = stem(word);
  return expansion ? [own, ...words(expansion).map(stem)] : [own];
};
