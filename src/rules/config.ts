import { z } from 'zod';
import { compilePathGlob } from './glob';

/**
 * The `rules` section of PAYWALL_CONFIG: which articles are free, premium or metered, by
 * path glob and/or section. First matching rule wins; an article no rule matches is metered.
 */
export const accessRuleSchema = z
  .object({
    match: z
      .object({
        /** Glob on the article's path: `*` stays within a segment, `**` crosses segments. */
        path: z.string().startsWith('/', 'path patterns start with "/"').max(512).optional(),
        section: z.string().min(1).max(128).optional(),
      })
      .strict()
      .refine((m) => m.path !== undefined || m.section !== undefined, 'give path and/or section'),
    access: z.enum(['free', 'premium', 'metered']),
  })
  .strict()
  .transform((rule) => ({
    ...rule,
    pathRegex: rule.match.path === undefined ? undefined : compilePathGlob(rule.match.path),
  }));

export const rulesConfigSchema = z.array(accessRuleSchema).max(200).default([]);

export type AccessRule = z.infer<typeof accessRuleSchema>;
