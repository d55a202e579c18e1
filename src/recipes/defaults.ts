/**
 * The znode layout, defined once: the election parent and its candidates `c_<seq>`,
 * the service registry and its workers `n_<seq>`. Every recipe, the CLI and the dashboard
 * default to these.
 * @module
 */
import { sequentialChildren } from './sequence.js';

/** Default election parent. */
export const DEFAULT_ELECTION = '/election';
/** Default registry parent. */
export const DEFAULT_REGISTRY = '/service_registry';
/** The name prefix of a candidate node: `c_` + 10-digit sequence (other programs on the same parent use it too). */
export const CANDIDATE_PREFIX = 'c_';
/** The name prefix of a registered worker: `n_` + 10-digit sequence. */
export const WORKER_PREFIX = 'n_';
/** Filter and order of candidate names (for a ChildrenCache of an election parent): smallest first. */
export const CANDIDATES = sequentialChildren(CANDIDATE_PREFIX);
/** Filter and order of registered workers (for a ChildrenCache of a registry parent): in registration order. */
export const WORKERS = sequentialChildren(WORKER_PREFIX);
