/**
 * The "servers" of platform changes: the service that applies them. Items of grant.* and approval_policy.* operations
 * carry one of these as their server_id, so ordering, permissions and reports work as for MT servers.
 */
export const PLATFORM_TARGETS = {
  identity: 'tradewarden-identity',
  approval: 'tradewarden-approval',
} as const;

export type PlatformTarget = (typeof PLATFORM_TARGETS)[keyof typeof PLATFORM_TARGETS];

export function isPlatformTarget(serverId: string): serverId is PlatformTarget {
  return (Object.values(PLATFORM_TARGETS) as string[]).includes(serverId);
}
