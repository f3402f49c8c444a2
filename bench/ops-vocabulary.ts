/**
 * Word lists for synthetic operations documents. Realistic vocabulary matters: BM25 cost depends on
 * posting-list lengths, so common words (server, check) must be common and rare tokens rare.
 */
import { createRandom, deriveSeed } from './seeded-random.js';

export const COLLECTIONS = ['runbooks', 'postmortems', 'standards', 'faq'] as const;

export const SITES = ['fra1', 'fra2', 'ams2', 'lon1', 'par3', 'nyc4', 'sin1', 'dub2'] as const;

export const SUBJECTS = [
  'load balancer', 'backend pool', 'BGP session', 'route reflector', 'VLAN trunk', 'subnet', 'firewall rule',
  'TLS certificate', 'DNS zone', 'NTP server', 'syslog relay', 'VPN tunnel', 'IPsec peer', 'core switch',
  'edge router', 'access switch', 'bastion host', 'Kubernetes node', 'ingress controller', 'Postgres replica',
  'Redis primary', 'object store gateway', 'anycast prefix', 'LACP bond', 'MTU setting', 'QoS policy',
  'keepalived pair', 'HAProxy frontend', 'nginx upstream', 'service mesh sidecar', 'DHCP relay', 'SNMP poller',
  'log shipper', 'backup job', 'disk volume', 'Patroni cluster', 'etcd member', 'OSPF area', 'EVPN fabric',
  'spine switch', 'leaf switch', 'WAN circuit', 'transit provider', 'peering link', 'CDN origin', 'rate limiter',
] as const;

export const ACTIONS = [
  'drain', 'restart', 'rotate', 'fail over', 'upgrade', 'roll back', 'decommission', 'provision', 'isolate',
  'reload', 'patch', 'reboot', 'rebalance', 're-enable', 'migrate', 'verify', 'monitor', 'troubleshoot',
  'configure', 'audit', 'renew', 'expand', 'resize', 'quarantine', 'replace',
] as const;

export const SYMPTOMS = [
  'packet loss', 'high latency', 'session flaps', 'certificate expiry', 'split brain', 'replication lag',
  'disk pressure', 'memory pressure', 'connection resets', 'route leak', 'MTU black hole', 'stale DNS records',
  'clock drift', 'health check failures', 'CPU saturation', 'interface errors', 'CRC errors', 'ARP storms',
  'asymmetric routing', 'dropped handshakes', 'queue build-up', 'prefix limit exceeded',
] as const;

export const STATES = ['UP', 'DOWN', 'DRAIN', 'MAINT', 'Established', 'Idle', 'Active', 'degraded', 'healthy', 'stale'] as const;

export const ROLES = ['on-call engineer', 'incident commander', 'network engineer', 'SRE', 'change manager', 'security officer', 'service owner'] as const;

export const ADVERBS = ['gradually', 'immediately', 'carefully', 'first', 'afterwards', 'only then', 'in a maintenance window', 'without paging'] as const;

export const FILLER = [
  'the standby node', 'both sites', 'the primary region', 'the monitoring dashboard', 'the change ticket',
  'the incident channel', 'the runbook owner', 'the previous release', 'the maintenance calendar', 'the escalation path',
  'the on-call rota', 'the capacity plan', 'the audit log', 'the alerting rules', 'the customer impact',
] as const;

export const COMMANDS = [
  'echo "show stat" | sudo socat stdio /run/haproxy/admin.sock',
  'birdc show protocols all',
  'ip -s link show dev bond0',
  'sudo systemctl restart keepalived',
  'kubectl drain --ignore-daemonsets --delete-emptydir-data',
  'patronictl -c /etc/patroni.yml list',
  'redis-cli -h 127.0.0.1 info replication',
  'openssl x509 -noout -enddate -in /etc/ssl/edge.pem',
  'dig +short SOA example.net @ns1',
  'tcpdump -ni any port 179 -c 50',
  'chronyc tracking',
  'ipsec statusall',
  'journalctl -u nginx --since "-15 min"',
  'ethtool -S eth0 | grep -i err',
  'df -h /var/log',
  'curl -fsS http://localhost:8080/healthz',
] as const;

/** Topics of questions the corpus never covers: their words appear nowhere in the documents. */
export const ABSENT_TOPICS = [
  'kafka mirrormaker offsets', 'cassandra compaction tombstones', 'terraform workspace drift', 'elasticsearch shard allocation',
  'grafana dashboard provisioning', 'prometheus remote write', 'zookeeper quorum', 'hadoop namenode', 'flink checkpoint',
  'spanner interleaved tables', 'airflow scheduler', 'jenkins agent labels', 'vault unseal keys', 'consul gossip encryption',
] as const;

const RARE_PREFIXES = ['ERR', 'E', 'CHG', 'INC', 'rtr', 'sw', 'fw', 'lb', 'vlan', 'as', 'oid', 'pid'] as const;

/**
 * The k-th rare technical token of a corpus: error codes, device names, change numbers. Each is
 * used by one document (and perhaps quoted by a neighbour), so BM25 has a sharply selective term.
 */
export const rareToken = (seed: number, index: number): string => {
  const random = createRandom(deriveSeed(seed ^ 0x5eed, index));
  const prefix = random.pick(RARE_PREFIXES);
  const number = `${index}${random.integer(100, 999)}`;
  switch (prefix) {
    case 'ERR':
      return `ERR_${random.pick(['BGP', 'TLS', 'QUIC', 'LACP', 'OSPF', 'DNS'])}_${number}`;
    case 'rtr':
    case 'sw':
    case 'fw':
    case 'lb':
      return `${prefix}-${random.pick(SITES)}-${number}`;
    default:
      return `${prefix}${number}`;
  }
};
