/** Injection token of the approval workflow's settings (from configuration). */
export const APPROVAL_SETTINGS = Symbol('APPROVAL_SETTINGS');

export interface ApprovalSettings {
  /** How long a request waits for its approvals when its policy does not say. */
  defaultTtlSeconds: number;
  /** How often pending requests past their time are expired. */
  expirySweepMs: number;
}
