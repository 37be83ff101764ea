/**
 * The index of the API: every operation's id (what generated clients name their methods), its tag (the group it
 * is listed under) and who may call it. openapi.ts merges it into the paths; a test fails on an operation missing
 * here or an entry naming no operation, and the linters (Redocly, Spectral) run over the result.
 */

/** Who may call, as the description says it: the same words as API.md's table. */
const WHO = {
  anyone: 'Anyone, without credentials; limited per source address.',
  enterprise: "An enterprise's Bearer token (401 without a valid one, 403 for a regulator's).",
  regulator: "A regulator's Bearer token (401 without a valid one, 403 for an enterprise's).",
  admin: "The owning body's admin, signing with its Fabric identity.",
  staff: "An opening body's admin or reviewer, signing with its Fabric identity.",
  reader:
    "An opening body's admin or reviewer, signing with its Fabric identity, or one of the body's console accounts with its Bearer token.",
  bodyAdmin: "The body's admin, signing with its Fabric identity.",
  tracer:
    "A regulator's Bearer token (any dataset), or an opening body's admin or reviewer signing over the file with its Fabric identity, or one of its console accounts' tokens (its own datasets).",
  client:
    "An enterprise, regulator or opening body's console account authenticating itself (OAuth 2.0 client credentials).",
  holder: 'Whoever holds the access token to end: holding it is the right to; limited per source address.',
} as const;

export const TAGS = [
  { name: 'operations', description: 'Liveness, readiness, metrics and this document' },
  { name: 'oauth', description: 'Access tokens (OAuth 2.0 client credentials) and their keys' },
  { name: 'data', description: 'Restricted data by interface call, computed results, open downloads' },
  {
    name: 'workflow',
    description: "The enterprise's applications, agreements and duties, signed and relayed",
  },
  { name: 'audit', description: 'Access log, receipts and proofs of the audit log' },
  { name: 'public', description: 'Public lists (recipients, credit evaluations) and complaints from anyone' },
  { name: 'regulator', description: 'The regulator’s views (监管)' },
  {
    name: 'admin',
    description:
      "The opening body's own: its home, console accounts, dataset loading, usage reconciliation and grant usage",
  },
  {
    name: 'notifications',
    description: "Each party's inbox and webhooks (enterprises by token, bodies signed)",
  },
] as const;

type Tag = (typeof TAGS)[number]['name'];

export const OPERATION_INDEX: Record<string, [operationId: string, tag: Tag, who: keyof typeof WHO]> = {
  'get /healthz': ['getHealth', 'operations', 'anyone'],
  'get /readyz': ['getReadiness', 'operations', 'anyone'],
  'get /openapi.json': ['getOpenApi', 'operations', 'anyone'],
  'post /oauth/token': ['requestToken', 'oauth', 'client'],
  'post /oauth/revoke': ['revokeToken', 'oauth', 'holder'],
  'get /.well-known/jwks.json': ['getJwks', 'oauth', 'anyone'],
  'get /.well-known/oauth-authorization-server': ['getAuthorizationServerMetadata', 'oauth', 'anyone'],
  'get /v1/datasets': ['listDatasets', 'data', 'enterprise'],
  'get /v1/datasets/{id}/records': ['getRecords', 'data', 'enterprise'],
  'post /v1/datasets/{id}/aggregate': ['aggregate', 'data', 'enterprise'],
  'get /v1/open/datasets/{id}/download': ['downloadOpenDataset', 'data', 'anyone'],
  'put /v1/admin/datasets/{id}/versions/{version}': ['loadDatasetVersion', 'admin', 'admin'],
  'get /v1/admin/usage-reconciliation': ['getOwnUsageReconciliation', 'admin', 'reader'],
  'get /v1/admin/grants/{id}/stats': ['getOwnGrantStats', 'admin', 'reader'],
  'get /v1/admin/home': ['getBodyHome', 'admin', 'reader'],
  'post /v1/admin/console-accounts': ['addConsoleAccount', 'admin', 'bodyAdmin'],
  'get /v1/admin/console-accounts': ['listConsoleAccounts', 'admin', 'staff'],
  'delete /v1/admin/console-accounts/{id}': ['removeConsoleAccount', 'admin', 'bodyAdmin'],
  'get /v1/applications': ['listApplications', 'workflow', 'enterprise'],
  'get /v1/agreements': ['listAgreements', 'workflow', 'enterprise'],
  'get /v1/duties': ['listDuties', 'workflow', 'enterprise'],
  'post /v1/applications': ['submitApplication', 'workflow', 'enterprise'],
  'get /v1/applications/{id}': ['getApplication', 'workflow', 'enterprise'],
  'put /v1/applications/{id}': ['resubmitApplication', 'workflow', 'enterprise'],
  'post /v1/applications/{id}/disputes': ['disputeReview', 'workflow', 'enterprise'],
  'get /v1/agreements/{id}': ['getAgreement', 'workflow', 'enterprise'],
  'post /v1/agreements/{id}/signature': ['signAgreement', 'workflow', 'enterprise'],
  'post /v1/agreements/{id}/renewal': ['acceptRenewal', 'workflow', 'enterprise'],
  'post /v1/agreements/{id}/renewal-request': ['requestRenewal', 'workflow', 'enterprise'],
  'post /v1/agreements/{id}/termination': ['terminateAgreement', 'workflow', 'enterprise'],
  'post /v1/usage-reports': ['reportUsage', 'workflow', 'enterprise'],
  'post /v1/data-returns': ['returnData', 'workflow', 'enterprise'],
  'post /v1/products': ['publishProduct', 'workflow', 'enterprise'],
  'post /v1/security-issues': ['reportSecurityIssue', 'workflow', 'enterprise'],
  'post /v1/complaints': ['fileComplaint', 'workflow', 'enterprise'],
  'get /v1/grants': ['listGrants', 'data', 'enterprise'],
  'get /v1/access-log': ['getAccessLog', 'audit', 'enterprise'],
  'get /v1/audit/receipts/{requestId}': ['getReceipt', 'audit', 'enterprise'],
  'get /v1/audit/receipts/{requestId}/block': ['getReceiptBlock', 'audit', 'enterprise'],
  'get /v1/audit/consistency': ['getConsistencyProof', 'audit', 'anyone'],
  'get /v1/public/recipients': ['listRecipients', 'public', 'anyone'],
  'get /v1/public/products': ['listProducts', 'public', 'anyone'],
  'post /v1/public/complaints': ['fileComplaintFromPublic', 'public', 'anyone'],
  'get /v1/public/complaints/{id}': ['getComplaintStatus', 'public', 'anyone'],
  'get /v1/public/credit': ['listCreditEvaluations', 'public', 'anyone'],
  'get /v1/inbox': ['getInbox', 'notifications', 'enterprise'],
  'post /v1/inbox/read': ['markInboxRead', 'notifications', 'enterprise'],
  'get /v1/webhooks': ['listWebhooks', 'notifications', 'enterprise'],
  'post /v1/webhooks': ['addWebhook', 'notifications', 'enterprise'],
  'delete /v1/webhooks/{id}': ['removeWebhook', 'notifications', 'enterprise'],
  'post /v1/webhooks/{id}/test': ['testWebhook', 'notifications', 'enterprise'],
  'get /v1/webhooks/{id}/deliveries': ['listWebhookDeliveries', 'notifications', 'enterprise'],
  'get /v1/admin/inbox': ['getBodyInbox', 'notifications', 'reader'],
  'post /v1/admin/inbox/read': ['markBodyInboxRead', 'notifications', 'reader'],
  'get /v1/admin/webhooks': ['listBodyWebhooks', 'notifications', 'staff'],
  'post /v1/admin/webhooks': ['addBodyWebhook', 'notifications', 'staff'],
  'delete /v1/admin/webhooks/{id}': ['removeBodyWebhook', 'notifications', 'staff'],
  'post /v1/admin/webhooks/{id}/test': ['testBodyWebhook', 'notifications', 'staff'],
  'get /v1/admin/webhooks/{id}/deliveries': ['listBodyWebhookDeliveries', 'notifications', 'staff'],
  'get /v1/regulator/dashboard': ['getRegulatorDashboard', 'regulator', 'regulator'],
  'get /v1/regulator/timeline': ['getRegulatorTimeline', 'regulator', 'regulator'],
  'get /v1/regulator/grants/{id}/stats': ['getGrantStats', 'regulator', 'regulator'],
  'get /v1/regulator/usage-reconciliation': ['getUsageReconciliation', 'regulator', 'regulator'],
  'get /v1/regulator/misuse-signals': ['listMisuseSignals', 'regulator', 'regulator'],
  'get /v1/regulator/complaints': ['listComplaints', 'regulator', 'regulator'],
  'post /v1/trace': ['traceFile', 'regulator', 'tracer'],
  'get /v1/regulator/body-performance': ['getBodyPerformance', 'regulator', 'regulator'],
  'get /v1/regulator/anchors': ['listAnchors', 'regulator', 'regulator'],
  'get /v1/regulator/receipts/{requestId}': ['getRegulatorReceipt', 'regulator', 'regulator'],
  'get /v1/regulator/search': ['searchRegulator', 'regulator', 'regulator'],
};

type Operation = Record<string, unknown> & { summary?: string; description?: string };

/**
 * The paths with each operation's id, tag and description (its own description, or its summary, then who may
 * call). Operations without credentials say so with an empty `security`.
 */
export function indexed(paths: Record<string, Record<string, Operation>>): Record<string, unknown> {
  const out: Record<string, Record<string, Operation>> = {};
  for (const [path, operations] of Object.entries(paths)) {
    out[path] = {};
    for (const [method, op] of Object.entries(operations)) {
      const entry = OPERATION_INDEX[`${method} ${path}`];
      if (!entry) throw new Error(`openapi: ${method} ${path} is not in the operation index`);
      const [operationId, tag, who] = entry;
      out[path][method] = {
        operationId,
        tags: [tag],
        ...op,
        description: `${op.description ?? op.summary ?? ''} ${WHO[who]}`.trim(),
        ...(who === 'anyone' || who === 'client' || who === 'holder' ? { security: op.security ?? [] } : {}),
      };
    }
  }
  return out;
}
