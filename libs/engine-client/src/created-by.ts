import { z } from 'zod';

/** A user id as the engine's auth tables hand it out (the gateway sends the id of the caller's session). */
export const createdBySchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.@:-]+$/, 'a user id');
