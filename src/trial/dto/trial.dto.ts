import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class LockStudyDto {
  @ApiProperty({
    minLength: 10,
    maxLength: 2000,
    example: 'Last participant completed follow-up; database lock',
  })
  @IsString()
  @MinLength(10, { message: 'reason must have at least 10 characters' })
  @MaxLength(2000)
  reason!: string;
}

export class StudyLockedDto {
  @ApiProperty() protocolId!: string;
  @ApiProperty() locked!: boolean;
  @ApiProperty() lockedAt!: string;
  @ApiProperty() lockedBy!: string;
  @ApiProperty() reason!: string;
}

class CriterionDto {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
}

class EligibilityDto {
  @ApiProperty({ type: 'integer' }) minAge!: number;
  @ApiProperty({ type: 'integer' }) maxAge!: number;
  @ApiProperty({ type: [CriterionDto] }) inclusion!: CriterionDto[];
  @ApiProperty({ type: [CriterionDto] }) exclusion!: CriterionDto[];
}

class StratificationFactorDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: [String] }) levels!: string[];
}

class ListStatusDto {
  @ApiProperty() generated!: boolean;
  @ApiProperty({ nullable: true, type: String }) commitment!: string | null;
  @ApiProperty() method!: string;
  @ApiProperty({ nullable: true, type: String }) generatedAt!: string | null;
}

class TargetDto {
  @ApiProperty() id!: string;
  @ApiProperty() label!: string;
  @ApiProperty() ratio!: number;
}

export class TrialStatusDto {
  @ApiProperty() protocolId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({
    example: 'Europe/Madrid',
    description:
      'IANA time zone of the trial: printed sheets and the web interface show times in it; every time in the API is UTC',
  })
  timeZone!: string;
  @ApiProperty({
    description:
      'A practice instance for staff training (TRAINING=true): every screen, sheet and export says "TRAINING — NOT FOR CLINICAL USE"; an admin can reset its list',
  })
  training!: boolean;
  @ApiProperty({ type: 'integer' }) targetSize!: number;
  @ApiProperty({ type: 'integer' }) registered!: number;
  @ApiProperty({ type: 'integer' }) allocated!: number;
  @ApiProperty({ type: 'integer' }) unblinded!: number;
  @ApiProperty() locked!: boolean;
  @ApiProperty({ nullable: true, type: String }) lockedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Who locked the study' })
  lockedBy!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the study was locked' })
  lockReason!: string | null;
  @ApiProperty({
    description: 'What an allocation chooses (the trial design, not anyone’s allocation)',
  })
  allocationDescribes!: string;
  @ApiProperty({ type: [TargetDto] }) targets!: TargetDto[];
  @ApiProperty({ type: EligibilityDto }) eligibility!: EligibilityDto;
  @ApiProperty({ type: [StratificationFactorDto] }) stratification!: StratificationFactorDto[];
  @ApiProperty({ type: ListStatusDto }) list!: ListStatusDto;
}
