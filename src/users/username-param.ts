import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { InvalidInput } from '../common/domain-errors';
import { USERNAME_MAX_LENGTH, USERNAME_PATTERN, USERNAME_RULE } from './dto/user.dto';

/**
 * The `:username` of a user route, checked before any service sees it. An unknown name of any
 * length or content was answered 404 `No user named "<name>"`, so a 5,000-character path (or
 * markup, or a line break) came back whole in the body and in the USER_CHANGE_REFUSED entry's
 * reason. A name no user can have (every user was created through CreateUserDto, by the API or
 * the command line) is now a 400 VALIDATION_FAILED whose message gives its length or the rule,
 * never the text; the exception filter audits it as REQUEST_REJECTED, like any refused input.
 */
@Injectable()
export class UsernamePipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string') throw new InvalidInput('The username is missing');
    if (value.length > USERNAME_MAX_LENGTH) {
      throw new InvalidInput(
        `The username in the path has ${value.length} characters; a username has at most ${USERNAME_MAX_LENGTH}`,
      );
    }
    if (!USERNAME_PATTERN.test(value)) {
      throw new InvalidInput(
        `The username in the path is not one a user can have: a username is ${USERNAME_RULE}`,
      );
    }
    return value;
  }
}

/** The username of the route, checked: every user route takes its `:username` so. */
export const UsernameParam = (): ParameterDecorator => Param('username', UsernamePipe);

/** The OpenAPI description of the `:username` parameter. */
export const USERNAME_PARAM = {
  name: 'username',
  description: `A username: ${USERNAME_RULE} (anything else is refused with 400 VALIDATION_FAILED)`,
  schema: {
    type: 'string' as const,
    pattern: USERNAME_PATTERN.source,
    maxLength: USERNAME_MAX_LENGTH,
  },
};
