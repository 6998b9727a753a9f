import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One position of a stratum's list. Its target is sealed (AES-256-GCM bound to trial, list,
 * stratum and slot); triggers refuse any change of the sealed value or position, and deletion.
 * participant_id is set once, by the allocation that claims the slot.
 */
@Entity('slots')
@Index(['listId', 'stratum', 'slot'], { unique: true })
export class SlotEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'list_id', type: 'integer' })
  listId!: number;

  @Column({ type: 'varchar', length: 200 })
  stratum!: string;

  /** 1-based position within the stratum's list. */
  @Column({ type: 'integer' })
  slot!: number;

  @Column({ name: 'target_sealed', type: 'text' })
  targetSealed!: string;

  @Column({ name: 'participant_id', type: 'varchar', length: 64, nullable: true, unique: true })
  participantId!: string | null;

  @Column({ name: 'allocated_at', type: 'varchar', length: 30, nullable: true })
  allocatedAt!: string | null;
}
