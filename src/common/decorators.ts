import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Role, ROLES as ALL_ROLES } from '../users/role';
import { Actor } from './actor';
import { actorOf } from './request-context';

export const IS_PUBLIC = 'isPublic';
export const ROLES = 'roles';

/** The route needs no token. */
export const Public = () =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-roles', ['public']));

/**
 * The route is granted to these roles only. A route with neither @Public nor @Roles is refused to
 * everyone by the global guard: access is denied unless a role grants it.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES, roles),
    ApiBearerAuth(),
    ApiExtension('x-roles', roles),
    ApiUnauthorizedResponse({ description: 'No token, or an invalid, expired or revoked one' }),
    ApiForbiddenResponse({ description: `Granted only to: ${roles.join(', ')}` }),
  );

/** Granted to every authenticated user, whatever their roles. */
export const AnyRole = () => Roles(...ALL_ROLES);

/** The authenticated caller (set by the global AuthGuard), or an anonymous actor on public routes. */
export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor =>
    actorOf(context.switchToHttp().getRequest()),
);
