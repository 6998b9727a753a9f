import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The trial's one randomization list: its commitment in clear, its seed and nonce sealed. */
@Entity('randomization_lists')
export class RandomizationListEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'protocol_id', type: 'varchar', length: 64, unique: true })
  protocolId!: string;

  @Column({ type: 'varchar', length: 32 })
  method!: string;

  /** SHA-256 hex over the canonical list and the nonce, published at generation. */
  @Column({ type: 'varchar', length: 64 })
  commitment!: string;

  @Column({ name: 'seed_sealed', type: 'text' })
  seedSealed!: string;

  @Column({ name: 'nonce_sealed', type: 'text' })
  nonceSealed!: string;

  /** Hash of the trial definition the list was generated from. */
  @Column({ name: 'definition_hash', type: 'varchar', length: 64 })
  definitionHash!: string;

  @Column({ name: 'generated_at', type: 'varchar', length: 30 })
  generatedAt!: string;

  @Column({ name: 'generated_by', type: 'varchar', length: 64 })
  generatedBy!: string;
}
