import { z } from 'zod';

/** One MT server entry as configured (seeded into the registry at boot). Credentials only by reference. */
export const serverEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and dashes (2-63 chars)'),
  platform: z.enum(['mt5', 'mt4']),
  // MT5: the Web API base URL (https://host:port). MT4: the manager bridge (grpcs://host:port, TLS).
  address: z.string().url('must be a URL: https://host:port for MT5, grpcs://host:port for an MT4 bridge'),
  managerLogin: z.string().regex(/^\d{1,20}$/, 'must be a numeric manager login'),
  // MT5: the manager's API password. MT4: the bridge key.
  passwordRef: z.string().regex(/^env:[A-Z_][A-Z0-9_]*$/, 'must reference a secret as env:VARIABLE_NAME'),
  tags: z.array(z.string().regex(/^[a-z0-9:_-]+$/, 'tags are lower-case words')).default([]),
  maxConnections: z.number().int().min(1).max(64).default(4),
  minIdle: z.number().int().min(0).max(64).default(1),
  requestsPerSecond: z.number().int().min(1).max(10000).default(50),
  requestTimeoutMs: z.number().int().min(500).max(120000).default(10000),
  acquireTimeoutMs: z.number().int().min(100).max(120000).default(15000),
  tls: z
    .object({
      caFile: z.string().min(1).optional(),
      pinnedSha256: z
        .string()
        .regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, 'must be a SHA-256 fingerprint (64 hex digits, colons allowed)')
        .optional(),
    })
    .default({}),
  // Only for lab setups: an unencrypted connection (http:// to an MT5 Web API, grpc:// to an MT4 bridge), which would
  // carry the manager password or bridge key in the clear.
  allowPlainHttp: z.boolean().default(false),
}).superRefine((entry, ctx) => {
  if (entry.platform === 'mt4' && !/^grpcs?:\/\//.test(entry.address)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['address'], message: 'an MT4 server is reached through its manager bridge: grpcs://host:port' });
  }
  if (entry.address.startsWith('grpc://') && !entry.allowPlainHttp) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['address'], message: 'is plaintext gRPC: use grpcs://, or set allowPlainHttp for a lab bridge' });
  }
  if (entry.platform === 'mt5' && !/^https?:/.test(entry.address)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['address'], message: 'an MT5 server is reached at its Web API: https://host:port' });
  }
  if (entry.address.startsWith('http:') && !entry.allowPlainHttp) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['address'], message: 'is plain http: use https, or set allowPlainHttp for a lab server' });
  }
  if (entry.minIdle > entry.maxConnections) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['minIdle'], message: 'cannot exceed maxConnections' });
  }
});

export type ServerEntry = z.infer<typeof serverEntrySchema>;

export const serverListSchema = z
  .string({ required_error: 'is required: a JSON array of MT server entries' })
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(serverEntrySchema)
      .min(1, 'needs at least one server')
      .superRefine((servers, ctx) => {
        const seen = new Set<string>();
        servers.forEach((server, index) => {
          if (seen.has(server.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, 'id'], message: `duplicate server id ${server.id}` });
          seen.add(server.id);
        });
      }),
  );
