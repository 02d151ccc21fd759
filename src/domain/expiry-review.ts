/**
 * Why a proposal expired, read from what happened before its deadline, so a
 * team can tell understaffing from a proposal nobody would sign.
 */
export type ExpiryGroup = 'unseen' | 'seen_not_approved' | 'short_of_approvals';

export const EXPIRY_GROUP_MEANING: Record<ExpiryGroup, string> = {
  unseen: 'no approver opened it: too few reviewers on duty, or nobody was told',
  seen_not_approved: 'approvers opened it and none approved: likely a proposal they would not sign as written',
  short_of_approvals: 'some approved, too few in time: not enough reviewers available',
};

export function expiryGroup(approvalsReceived: number, approversWhoViewed: number): ExpiryGroup {
  if (approvalsReceived > 0) return 'short_of_approvals';
  return approversWhoViewed > 0 ? 'seen_not_approved' : 'unseen';
}
