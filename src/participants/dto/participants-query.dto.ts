import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';
import { SCREENING_NUMBER_PATTERN, SCREENING_NUMBER_RULE } from './participant.dto';

export class ParticipantsQueryDto {
  @ApiPropertyOptional({
    description:
      'Only the participant registered with this screening number (exact match): an array of one, or empty',
    example: 'SCR-0001',
    pattern: SCREENING_NUMBER_PATTERN.source,
    maxLength: 64,
  })
  @IsOptionalNotNull()
  // A repeated parameter arrives as an array and is refused here, not matched loosely.
  @IsString({ message: 'screeningNumber must be given once, as one value' })
  @Matches(SCREENING_NUMBER_PATTERN, { message: SCREENING_NUMBER_RULE })
  screeningNumber?: string;
}
