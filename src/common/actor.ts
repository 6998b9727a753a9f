import { Role } from '../users/role';

/**
 * Who is acting, and from where: everything an audit entry needs about the caller. Controllers
 * receive it through @CurrentActor() and hand it to services.
 */
export interface Actor {
  /** Username, or 'anonymous' before authentication, or 'system' for the server's own actions. */
  username: string;
  roles: Role[];
  ip: string | null;
  requestId: string | null;
}

export const SYSTEM_ACTOR: Actor = { username: 'system', roles: [], ip: null, requestId: null };

export function anonymousActor(ip: string | null, requestId: string | null): Actor {
  return { username: 'anonymous', roles: [], ip, requestId };
}
