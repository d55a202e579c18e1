/**
 * Recipes built on the client: leader election, service registry and discovery.
 * @module
 */
export { ChildrenCache, type CachedChild, type ChildrenCacheEvents, type ChildrenCacheOptions, type ChildrenChange } from './children-cache.js';
export { ClusterNode, type ClusterNodeEvents, type ClusterNodeOptions } from './cluster-node.js';
export { LeaderElection, type ElectionRole, type ElectionStats, type ElectionStatus, type LeaderElectionEvents, type LeaderElectionOptions } from './election.js';
export { CANDIDATE_PREFIX, CANDIDATES, DEFAULT_ELECTION, DEFAULT_REGISTRY, WORKER_PREFIX, WORKERS } from './defaults.js';
export { listParticipants, participantsOf, type Participant } from './participants.js';
export { NotLeaderError } from './errors.js';
export { SessionKeeper, type SessionKeeperEvents } from './session-keeper.js';
export { LeaderObserver, type LeaderObserverEvents } from './observer.js';
export { AddressDiscovery, AddressRegistry, type AddressDiscoveryEvents, type AddressRegistryEvents } from './registry.js';
export { sequenceOf } from './sequence.js';
export type { StartOptions } from './lifecycle.js';
export {
  buildInstance,
  buildUri,
  decodeInstance,
  DEFAULT_BASE_PATH,
  encodeInstance,
  InvalidInstanceError,
  parseUriSpec,
  SERVICE_TYPES,
  uriVariables,
  validateInstance,
  validateInstanceId,
  validateServiceName,
  type NewServiceInstance,
  type ServiceInstance,
  type ServiceType,
  type UriSpec,
  type UriSpecPart,
} from './discovery/instance.js';
export { ServiceDiscovery, type ServiceDiscoveryEvents, type ServiceDiscoveryOptions } from './discovery/service-discovery.js';
export { ServiceCache, type InstanceSource, type ServiceCacheChange, type ServiceCacheEvents, type ServiceCacheOptions } from './discovery/service-cache.js';
export { DEFAULT_DOWN_INSTANCE_POLICY, ServiceProvider, type DownInstancePolicy, type ProviderStrategy, type ServiceProviderOptions } from './discovery/service-provider.js';
