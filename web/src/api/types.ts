import type { components } from './schema';

/**
 * The API's shapes as the served OpenAPI document states them (schema.d.ts is generated from it
 * by `npm run api-types`), so that a screen cannot use a field the document does not promise.
 */
type Schemas = components['schemas'];

export type Role = Schemas['SessionUserDto']['roles'][number];
export type SessionUser = Schemas['SessionUserDto'];
export type LoginResponse = Schemas['LoginResponseDto'];
export type TrialStatus = Schemas['TrialStatusDto'];
export type BlindedParticipant = Schemas['BlindedParticipantDto'];
