import { z } from 'zod';

/** `status` always; a stage may add its own fields (stage 4: the replicas' lag), which pass through untouched. */
export const healthResponseSchema = z.looseObject({ status: z.literal('ok') });
