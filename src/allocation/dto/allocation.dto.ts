import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiTargetProperty } from '../../common/openapi';

export class SyringeDto {
  // No limb in any example (issue 11): a copied example must never read as someone's allocation.
  @ApiTargetProperty({ description: 'The target (limb) this syringe is for' })
  limb!: string;
  @ApiProperty({ description: 'The target’s label from the trial file' }) limbLabel!: string;
  @ApiProperty({
    example: 'CELLS',
    description: 'Short name of what this syringe holds, for the pharmacy (never on a ward label)',
  })
  name!: string;
  @ApiProperty() contents!: string;
  @ApiProperty() volumeMl!: number;
}

export class PreparationDto {
  @ApiProperty() product!: string;
  @ApiProperty({ example: 'tibialis anterior muscle' }) site!: string;
  @ApiProperty({ type: [SyringeDto] }) syringes!: SyringeDto[];
  @ApiPropertyOptional({ type: 'integer' }) injectionCount?: number;
  @ApiPropertyOptional() injectionVolumeMl?: number;
  @ApiPropertyOptional() needle?: string;
  @ApiProperty({ type: [String] }) instructions!: string[];
}

/** The pharmacist's answer: the one response type that carries a target. */
export class AllocationDto {
  @ApiProperty() participantId!: string;
  @ApiProperty({ description: 'Position in the stratum list', type: 'integer', minimum: 1 })
  slot!: number;
  @ApiTargetProperty({
    description: 'The limb whose tibialis anterior receives the cells',
  })
  cellLimb!: string;
  @ApiTargetProperty({
    nullable: true,
    type: String,
    description: 'The other limb, receiving saline (null in designs with more than two targets)',
  })
  salineLimb!: string | null;
  @ApiProperty() allocatedAt!: string;
  @ApiProperty({ type: PreparationDto }) preparation!: PreparationDto;
}
