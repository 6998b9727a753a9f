import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';

export class GenerateListDto {
  @ApiPropertyOptional({
    description:
      "The statistician's seed. When absent, 256 random bits (hex) are drawn. Kept sealed until the final export.",
    example: 'TCIM-ELA-2014-seed',
  })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  @Matches(/^[\x20-\x7E]+$/, { message: 'seed must be printable ASCII' })
  seed?: string;
}

export class ListGeneratedDto {
  @ApiProperty({ description: 'SHA-256 hex over the canonical list and a secret nonce' })
  commitment!: string;
  @ApiProperty({ example: 'permuted-blocks' }) method!: string;
  @ApiProperty() generatedAt!: string;
}

export class ExportedSlotDto {
  @ApiProperty() slot!: number;
  @ApiProperty() stratum!: string;
  @ApiProperty({
    description: 'The target of the slot (for NCT02286011 the limb receiving cells)',
    example: 'LEFT',
  })
  limb!: string;
  @ApiProperty({ nullable: true, type: String }) participantId!: string | null;
}

export class ListExportDto {
  @ApiProperty({ description: 'The trial definition the list was generated from' }) trial!: object;
  @ApiProperty() method!: string;
  @ApiProperty() seed!: string;
  @ApiProperty() nonce!: string;
  @ApiProperty() commitment!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ type: [ExportedSlotDto] }) slots!: ExportedSlotDto[];
}
